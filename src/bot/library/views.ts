import type { APIEmbed } from 'discord.js';
import type { BuildEvent } from '../../engine.js';
import type { BookPart } from '../../guide/spoilers.js';
import type { BookInfo } from '../../library/library.js';
import type { GuidePreview } from '../../library/parser.js';
import type { GuideSpoilers } from '../../library/spoiler-settings.js';
import type { LibraryGuide } from '../../library/state.js';
import { clampEmbed, joinWithin, safeInline } from '../../render/discord.js';
import { EMBED_DESCRIPTION_MAX, EMBED_FIELD_VALUE_MAX } from '../limits.js';

export const LIBRARY_COLOUR = 0x2e7d32;
const INDENT = '\u2003';

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The sections found, as an indented tree with their paragraph and word counts (and pages for a PDF). */
export function sectionTree(preview: GuidePreview): string[] {
  return preview.sections.map((section) => {
    const depth = Math.max(0, section.path.length - 1);
    const heading = section.path.length === 0 ? '*(before the first heading)*' : `**${safeInline(section.path[section.path.length - 1]!, 90)}**`;
    const counts = section.paragraphs > 0 ? ` — ${plural(section.paragraphs, '¶').replace('¶s', '¶')}, ${plural(section.words, 'word')}` : '';
    const pages = section.pages ? (section.pages[0] === section.pages[1] ? ` (p. ${section.pages[0]})` : ` (pp. ${section.pages[0]}–${section.pages[1]})`) : '';
    return `${INDENT.repeat(depth)}• ${heading}${counts}${pages}`;
  });
}

export function previewEmbed(preview: GuidePreview, details: { fileName: string; book: string; format: string; pageCount?: number | undefined }): APIEmbed {
  const paragraphs = preview.sections.reduce((sum, section) => sum + section.paragraphs, 0);
  const words = preview.sections.reduce((sum, section) => sum + section.words, 0);
  const tree = sectionTree(preview);
  const shown = joinWithin(tree, EMBED_DESCRIPTION_MAX - 60);
  const hidden = tree.length - shown.split('\n').length;
  return clampEmbed({
    title: `Preview: ${preview.title}`,
    color: LIBRARY_COLOUR,
    description: hidden > 0 ? `${shown}\n…and ${plural(hidden, 'more section')}` : shown,
    fields: [
      { name: 'Book', value: safeInline(details.book, 200), inline: true },
      { name: 'File', value: `${safeInline(details.fileName, 200)} (${details.format}${details.pageCount ? `, ${plural(details.pageCount, 'page')}` : ''})`, inline: true },
      { name: 'Found', value: `${plural(preview.sections.length, 'section')}, ${plural(paragraphs, 'paragraph')}, ${plural(words, 'word')}`, inline: true },
      ...(preview.warnings.length > 0
        ? [
            {
              name: 'Warnings',
              value: joinWithin(
                preview.warnings.map((warning) => `⚠️ ${safeInline(warning, 300)}`),
                EMBED_FIELD_VALUE_MAX,
              ),
            },
          ]
        : []),
    ],
    footer: { text: 'Add indexes it for this server (answers keep working meanwhile); Cancel changes nothing.' },
  });
}

/** One line of indexing progress for the import message. */
export function progressLine(title: string, event: BuildEvent | undefined): string {
  const name = `**${safeInline(title, 150)}**`;
  if (!event || event.stage === 'load') return `Indexing ${name}… reading its sections.`;
  if (event.stage === 'embed')
    return `Indexing ${name}… ${event.total === 0 ? 100 : Math.round((100 * event.done) / event.total)}% embedded (${event.done}/${event.total} new passages and sentences).`;
  if (event.stage === 'write') return `Indexing ${name}… writing the index.`;
  return `Indexing ${name}… done.`;
}

function guideLine(guide: LibraryGuide): string {
  const size = [plural(guide.sections, 'section'), plural(guide.words, 'word'), ...(guide.pages ? [plural(guide.pages, 'page')] : [])].join(', ');
  return `• **${safeInline(guide.title, 120)}** — ${guide.format}, ${size}; added ${guide.addedAt.slice(0, 10)} by ${safeInline(guide.addedBy, 60)}`;
}

export function libraryEmbed(books: BookInfo[], guides: LibraryGuide[], sharedOn: boolean, sharedTotal: number): APIEmbed {
  const fields = books.map((book) => {
    const own = guides.filter((guide) => guide.book === book.book || guide.book.toLowerCase() === book.book.toLowerCase());
    const lines = [...(book.shared > 0 ? [`• ${plural(book.shared, 'shared guide')} from the host`] : []), ...own.map(guideLine)];
    return { name: safeInline(book.book, 200), value: joinWithin(lines, EMBED_FIELD_VALUE_MAX) || 'No guides.' };
  });
  return clampEmbed({
    title: 'Guides in this server',
    color: LIBRARY_COLOUR,
    description:
      (sharedOn ? `The host's shared guides are **on** (${plural(sharedTotal, 'guide')}).` : "The host's shared guides are **off**: students get only this server's guides.") +
      (guides.length === 0 ? '\nThis server has no guides of its own yet: add one with `/guides add`.' : ''),
    fields: fields.length > 0 ? fields : [{ name: 'No books', value: 'Add a guide with `/guides add`, or turn the shared guides on with `/guides shared state:on`.' }],
    footer: { text: 'Change with /guides add, remove, rename, book, export or shared.' },
  });
}

/** How a teacher names each part of the book. */
export const PART_NAMES: Record<BookPart, string> = { none: 'nothing of the plot', 'part-one': 'Part One', 'part-two': 'Part Two', 'part-three': 'Part Three' };

/** A guide's book and, for each section, how far into the book it goes (bold: set for that section). */
export function spoilerEmbed(guide: LibraryGuide, spoilers: GuideSpoilers, notice: string | undefined): APIEmbed {
  const lines = spoilers.sections.map((section) => {
    const heading = safeInline(section.path[section.path.length - 1]!, 90);
    const part = section.own ? `**${PART_NAMES[section.part]}**` : PART_NAMES[section.part];
    return `${INDENT.repeat(Math.max(0, section.path.length - 1))}• ${heading} — ${part}`;
  });
  const shown = joinWithin(lines, EMBED_DESCRIPTION_MAX - 200);
  const hidden = lines.length - (shown === '' ? 0 : shown.split('\n').length);
  return clampEmbed({
    title: `Spoilers: ${safeInline(guide.title, 200)}`,
    color: LIBRARY_COLOUR,
    description: [
      `In *${safeInline(guide.book, 100)}*. The whole guide reveals ${spoilers.reveals === 'none' ? '' : 'up to '}**${PART_NAMES[spoilers.reveals]}**; a section in bold has a part of its own.`,
      '',
      hidden > 0 ? `${shown}\n…and ${plural(hidden, 'more section')}` : shown,
    ].join('\n'),
    ...(notice ? { footer: { text: notice } } : {}),
  });
}
