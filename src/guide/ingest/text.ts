import { repairText } from '../normalise.js';
import type { Guide } from '../types.js';
import { removeDebris } from './debris.js';
import { SectionBuilder, titleFromFileName } from './sections.js';

export const LIST_MARKER = /^\s*(?:[-*+]|\d+[.)])\s+/;

/**
 * A heading in a plain-text guide is a short line (at most 16 words and 120 characters) that starts
 * with a capital letter or digit, contains a letter, and does not end like a sentence (`.`, `,`,
 * `;`, `:`, `!`, or a closing quote); a line ending in `?` counts, as guides use questions as
 * headings.
 */
export function looksLikeHeading(line: string): boolean {
  if (line.length > 120 || line.split(/\s+/).length > 16) return false;
  if (!/^[\p{Lu}\p{N}]/u.test(line) || !/\p{L}/u.test(line)) return false;
  if (/^\d+[.)]\s/.test(line)) return false;
  return !/[.,;:!"'”’)]$/.test(line);
}

/**
 * Groups the lines of a plain-text guide into blocks: a heading-like line or a list item is a
 * block of its own, as is a line after a blank line; a line that continues a paragraph whose
 * previous line did not end a sentence (hard-wrapped text) joins it.
 */
function textBlocks(text: string): string[] {
  const blocks: string[] = [];
  let open = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = removeDebris(rawLine.replace(/\s+/g, ' ').trim());
    if (line === undefined || line === '') {
      open = rawLine.trim() === '' ? false : open;
      continue;
    }
    const standalone = looksLikeHeading(line) || LIST_MARKER.test(line);
    if (open && !standalone) blocks[blocks.length - 1] += ` ${line}`;
    else blocks.push(standalone ? line.replace(LIST_MARKER, '') : line);
    open = !standalone && !/[.!?:"”’)]$/.test(line);
  }
  return blocks;
}

/**
 * Plain-text guides. Paragraphs are separated by blank lines or are single lines. The first line
 * is the title (and a following `by Author` line the author). Headings are found by
 * {@link looksLikeHeading}; their nesting by one rule: a heading followed directly by another
 * heading is its parent. A heading that stands alone is a sibling of the most recent heading that
 * had no child heading below it (so after "Plot Summary" / "Part One", "Part Two" is another part).
 */
export function parseTextGuide(text: string, source: string): Guide {
  const blocks = textBlocks(repairText(text.replace(/^\uFEFF/, '')));

  let title = titleFromFileName(source);
  let author: string | undefined;
  if (blocks[0] !== undefined && looksLikeHeading(blocks[0])) {
    title = blocks.shift()!;
    const byline = /^by(?:\s+(.+))?$/i.exec(blocks[0] ?? '');
    if (byline) {
      blocks.shift();
      if (byline[1]) author = byline[1];
    }
  }

  const builder = new SectionBuilder();
  let depth = 0;
  let leafLevel = 1;
  const isHeading = (index: number) => blocks[index] !== undefined && looksLikeHeading(blocks[index]);
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!;
    if (!isHeading(index)) {
      builder.paragraph(block);
      continue;
    }
    const level = index > 0 && isHeading(index - 1) ? depth + 1 : isHeading(index + 1) ? 1 : leafLevel;
    builder.heading(level, block);
    depth = Math.min(depth, level - 1) + 1;
    if (!isHeading(index + 1)) leafLevel = level;
  }
  return { source, title, ...(author ? { author } : {}), meta: {}, sections: builder.finish() };
}
