import type { APIEmbed } from 'discord.js';
import {
  EMBED_AUTHOR_NAME_MAX,
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_NAME_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_FIELDS_MAX,
  EMBED_FOOTER_MAX,
  EMBED_TITLE_MAX,
  EMBEDS_TOTAL_MAX,
  MESSAGE_CONTENT_MAX,
  PASSAGE_PREVIEW_MAX,
  QUESTION_ECHO_MAX,
} from '../bot/limits.js';
import { escapeUserText } from './escape.js';
import { CLOSEST_SECTIONS, quizGradeView, quotationView, tocView, type AnswerView, type GradeLike, type HelpEntry, type QuotationLike, type SectionLike } from './view.js';

/**
 * Discord rendering of the shared view models: embeds whose every piece of text is escaped
 * (markdown), defused (mentions) and cut to Discord's limits.
 */

export const COLOURS = {
  answer: 0x2e7d32,
  notCovered: 0xf9a825,
  section: 0x1565c0,
  quote: 0x6a1b9a,
  quiz: 0x00838f,
  help: 0x455a64,
} as const;

const ELLIPSIS = '…';

/** Cuts text to at most `max` characters, ending with an ellipsis when it was cut (never inside an escape). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ELLIPSIS.length));
  // Do not leave a dangling backslash (half of an escape) or half of a surrogate pair.
  cut = cut.replace(/\\+$/, (slashes) => (slashes.length % 2 === 1 ? slashes.slice(0, -1) : slashes));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.trimEnd() + ELLIPSIS;
}

export { neutraliseMentions } from './escape.js';

/** Text from a user, a teacher or a guide, safe to place inside Discord markdown (see escape.ts), cut to `max`. */
export function safeText(text: string, max?: number): string {
  // Escaping only lengthens text, so what lies beyond `max` raw characters would be cut anyway
  // (and escaping is slow on very long input).
  const escaped = escapeUserText(max === undefined ? text : text.slice(0, max + 1));
  return max === undefined ? escaped : truncate(escaped, max);
}

/** A one-line version of user text (newlines become spaces), escaped and cut. */
export function safeInline(text: string, max: number): string {
  return safeText(text.replace(/\s+/g, ' ').trim(), max);
}

export function blockQuote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/**
 * Joins pieces with `separator`, stopping (and cutting the last piece) before `max` characters. A
 * piece holding spoiler tags is never cut (a cut would drop its closing `||` and reveal it): it is
 * left out instead.
 */
export function joinWithin(pieces: readonly string[], max: number, separator = '\n'): string {
  let out = '';
  for (const piece of pieces) {
    const next = out === '' ? piece : out + separator + piece;
    if (next.length <= max) {
      out = next;
      continue;
    }
    const room = max - (out === '' ? 0 : out.length + separator.length);
    if (room > 40 && !hasSpoilerTags(piece)) out = out === '' ? truncate(piece, room) : out + separator + truncate(piece, room);
    break;
  }
  return out;
}

/** True when text holds a spoiler tag (`||` not escaped). */
export function hasSpoilerTags(text: string): boolean {
  return /(?<!\\)\|\|/.test(text);
}

/**
 * Wraps already escaped markdown in spoiler tags `||…||`, line by line (so block quotes keep
 * working). Any `|` inside that is not already escaped is escaped, so the text can neither close the
 * spoiler early nor open another one.
 */
export function spoilerTag(escaped: string): string {
  return escaped
    .split('\n')
    .map((line) => (line.trim() === '' ? line : `||${line.replace(/(?<!\\)((?:\\\\)*)\|/g, '$1\\|')}||`))
    .join('\n');
}

export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

/** Applies every embed limit: field by field, then the 6,000-character total (trimming the description first). */
export function clampEmbed(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title !== undefined) out.title = truncate(out.title, EMBED_TITLE_MAX);
  if (out.description !== undefined) out.description = truncate(out.description, EMBED_DESCRIPTION_MAX);
  if (out.footer) out.footer = { ...out.footer, text: truncate(out.footer.text, EMBED_FOOTER_MAX) };
  if (out.author) out.author = { ...out.author, name: truncate(out.author.name, EMBED_AUTHOR_NAME_MAX) };
  if (out.fields) {
    out.fields = out.fields.slice(0, EMBED_FIELDS_MAX).map((field) => ({
      ...field,
      name: truncate(field.name, EMBED_FIELD_NAME_MAX) || '\u200b',
      value: truncate(field.value, EMBED_FIELD_VALUE_MAX) || '\u200b',
    }));
  }
  let excess = embedLength(out) - EMBEDS_TOTAL_MAX;
  if (excess > 0 && out.description) {
    out.description = truncate(out.description, Math.max(1, out.description.length - excess));
    excess = embedLength(out) - EMBEDS_TOTAL_MAX;
  }
  while (excess > 0 && out.fields && out.fields.length > 0) {
    out.fields = out.fields.slice(0, -1);
    excess = embedLength(out) - EMBEDS_TOTAL_MAX;
  }
  return out;
}

/** Message content, escaped and cut to 2,000 characters. */
export function safeContent(text: string): string {
  return truncate(text, MESSAGE_CONTENT_MAX);
}

const questionLine = (question: string) => `**Q:** ${safeInline(question, QUESTION_ECHO_MAX)}`;

export function answerEmbed(view: AnswerView): APIEmbed {
  const head = [questionLine(view.question), ...view.notices.map((notice) => `*${safeInline(notice, 300)}*`), ''];
  let body: string[];
  if (view.covered) {
    body = view.quotes.map((quote) => {
      const text = `“${safeText(quote.text)}”`;
      return `${blockQuote(quote.spoiler ? spoilerTag(text) : text)}\n— *${safeInline(quote.citation, 300)}*\n`;
    });
  } else {
    body = [view.headline, CLOSEST_SECTIONS, ...view.closestSections.map((section) => `• ${safeInline(section.citation, 300)}`)];
    if (view.closestSections.length === 0) body = [view.headline];
  }
  return clampEmbed({
    title: view.covered ? 'From the study guides' : 'Not covered by the guides',
    color: view.covered ? COLOURS.answer : COLOURS.notCovered,
    description: joinWithin([...head, ...body], EMBED_DESCRIPTION_MAX),
    footer: {
      text: view.covered
        ? `${view.headline} · ${view.matchLabel.toLowerCase()}`
        : view.closestSections.length > 0
          ? 'Press “More passages” to see what the guides say nearby'
          : 'Try asking about the book in other words',
    },
  });
}

/** A page of passages ("More passages"). */
export function passagesEmbed(view: AnswerView): APIEmbed {
  const first = view.passages[0]?.rank;
  const last = view.passages[view.passages.length - 1]?.rank;
  const pieces = [questionLine(view.question), ''];
  for (const passage of view.passages) {
    const text = safeText(passage.text, PASSAGE_PREVIEW_MAX);
    pieces.push(`**${passage.rank}.** *${safeInline(passage.citation, 300)}*`, blockQuote(passage.spoiler ? spoilerTag(text) : text), '');
  }
  if (view.passages.length === 0) pieces.push('There are no more passages for this question.');
  return clampEmbed({
    title: first === undefined ? 'No more passages' : `Passages ${first}–${last}`,
    color: COLOURS.section,
    description: joinWithin(pieces, EMBED_DESCRIPTION_MAX),
    footer: { text: 'Passages are quoted word for word; long ones are cut — “Read the section” shows the whole section.' },
  });
}

export function sectionPageEmbed(section: { citation: string; guide: string }, paragraphs: readonly string[], page: number, pages: number, options: { spoiler?: boolean } = {}): APIEmbed {
  return clampEmbed({
    title: safeInline(section.citation, 250),
    color: COLOURS.section,
    description: joinWithin(
      paragraphs.map((paragraph) => (options.spoiler ? spoilerTag(safeText(paragraph)) : safeText(paragraph))),
      EMBED_DESCRIPTION_MAX,
      '\n\n',
    ),
    footer: { text: pages > 1 ? `Page ${page + 1} of ${pages} · ${section.guide}` : section.guide },
  });
}

export function parentSectionEmbed(section: { citation: string; guide: string }, subsections: readonly string[]): APIEmbed {
  const lines = ['This heading has no text of its own. Its sections are:', ...subsections.map((citation) => `• ${safeInline(citation, 300)}`)];
  return clampEmbed({
    title: safeInline(section.citation, 250),
    color: COLOURS.section,
    description: joinWithin(lines, EMBED_DESCRIPTION_MAX),
    footer: { text: 'Use /section with one of these names to read it.' },
  });
}

/** The table of contents as lines (one per heading), to be paged by the caller. */
export function tocLines(sections: readonly SectionLike[]): string[] {
  const lines: string[] = [];
  for (const guide of tocView(sections)) {
    if (lines.length > 0) lines.push('');
    lines.push(`**${safeInline(guide.title, 200)}**`);
    for (const entry of guide.entries) {
      const indent = '\u2003'.repeat(entry.depth);
      lines.push(`${indent}${entry.hasText ? '•' : '▸'} ${entry.hasText ? safeInline(entry.heading, 200) : `*${safeInline(entry.heading, 200)}*`}`);
    }
  }
  return lines;
}

export function tocEmbed(lines: readonly string[], page: number, pages: number): APIEmbed {
  return clampEmbed({
    title: 'Table of contents',
    color: COLOURS.section,
    description: joinWithin(lines, EMBED_DESCRIPTION_MAX),
    footer: { text: `${pages > 1 ? `Page ${page + 1} of ${pages} · ` : ''}/section name:<heading> shows a section in full` },
  });
}

export function quotationEmbed(quotation: QuotationLike, topic?: string, options: { spoiler?: boolean } = {}): APIEmbed {
  const view = quotationView(quotation);
  const lines = [];
  if (topic) lines.push(`**Topic:** ${safeInline(topic, 200)}`, '');
  const text = `“${safeText(view.text)}”`;
  lines.push(blockQuote(options.spoiler ? spoilerTag(text) : text), `— *${safeInline(view.citation, 300)}*`);
  return clampEmbed({ title: view.label, color: COLOURS.quote, description: joinWithin(lines, EMBED_DESCRIPTION_MAX) });
}

export function quizQuestionEmbed(question: { question: string; citation: string }): APIEmbed {
  return clampEmbed({
    title: 'Study question',
    color: COLOURS.quiz,
    description: `**${safeInline(question.question, 1000)}**\n\nPress **Answer** to write your answer; I'll show which key points of the guide's own answer you covered.`,
    footer: { text: `From ${question.citation}` },
  });
}

export function quizGradeEmbed(grade: GradeLike, studentAnswer: string): APIEmbed {
  const view = quizGradeView(grade);
  const pieces = [`**Q:** ${safeInline(view.question, 500)}`, `**Your answer:** ${safeInline(studentAnswer, 500)}`, '', `**${view.summary}**`];
  if (view.covered.length > 0) pieces.push('', '**You covered:**', ...view.covered.map((point) => `✅ ${safeInline(point, 400)}`));
  if (view.missed.length > 0) pieces.push('', '**You missed:**', ...view.missed.map((point) => `❌ ${safeInline(point, 400)}`));
  pieces.push('', "**The guide's answer:**", blockQuote(`“${safeText(view.guideAnswer, 2000)}”`), `— *${safeInline(view.citation, 300)}*`);
  return clampEmbed({
    title: 'How your answer compares with the guide',
    color: COLOURS.quiz,
    description: joinWithin(pieces, EMBED_DESCRIPTION_MAX),
    footer: { text: view.total > 0 ? `Key points covered: ${view.covered.length}/${view.total} · /quiz for another question` : '/quiz for another question' },
  });
}

export function helpEmbed(entries: readonly HelpEntry[]): APIEmbed {
  return clampEmbed({
    title: 'Guidebot: answers from your study guides',
    color: COLOURS.help,
    description: 'I answer with passages quoted word for word from the study guides, each with where it comes from. I never make up an answer: if the guides do not cover something, I say so.',
    fields: entries.map((entry) => ({ name: entry.usage, value: entry.description })),
  });
}
