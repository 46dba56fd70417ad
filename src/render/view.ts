import { CITED_PARAGRAPH } from '../guide/chunk.js';
import type { BookPart } from '../guide/spoilers.js';
import type { Answer, Passage } from '../search/answer.js';

/**
 * Surface-neutral view models: what an answer, a section, the table of contents, a quote or a quiz
 * result *says*, decided once. The terminal renderer (text.ts) and the Discord renderer
 * (discord.ts) only decide how it looks.
 */

export const NOT_COVERED = "The guides don't seem to cover this question.";
export const CLOSEST_SECTIONS = 'The closest sections are:';
export const WORD_FOR_WORD = 'From the guides, word for word';

/** Confidence levels as students read them (a percentage would promise a precision the estimate does not have). */
export const MATCH_LABELS = { strong: 'Strong match', partial: 'Partial match', none: 'No match' } as const;

/** A section of a guide that a view points to (for "Read the section"). */
export interface SectionRef {
  source: string;
  path: string[];
  /** `Guide › Section › Subsection`. */
  citation: string;
}

export interface QuoteView {
  text: string;
  citation: string;
  /** Shown behind a spoiler tag (its passage reveals a part of the novel the server hides). */
  spoiler?: boolean;
}

export interface PassageView {
  /** 1-based rank among all results (so page two starts at 6). */
  rank: number;
  citation: string;
  text: string;
  section: SectionRef;
  /** Shown behind a spoiler tag. */
  spoiler?: boolean;
}

/** How an answer is shown, beyond what it says (set per server by the teacher settings). */
export interface AnswerRenderOptions {
  /** Quotes and passages from these parts of the novel go behind spoiler tags. */
  spoilerParts?: readonly BookPart[];
}

export interface AnswerView {
  question: string;
  notices: string[];
  covered: boolean;
  /** `From the guides, word for word` or `The guides don't seem to cover this question.` */
  headline: string;
  quotes: QuoteView[];
  /** Distinct sections of the passages, best first: offered instead of an answer when not covered. */
  closestSections: SectionRef[];
  passages: PassageView[];
  /** How well the guides match, in words a student understands: "Strong match", "Partial match" or "No match". */
  matchLabel: string;
  /** The section most worth reading in full (of the first quote, else the best passage). */
  bestSection: SectionRef | undefined;
}

/** `Guide › Section › Subsection ¶3` (or `¶3, p. 12`) → `Guide › Section › Subsection`. */
export const withoutParagraph = (citation: string) => citation.replace(CITED_PARAGRAPH, '');

function sectionOf(passage: Passage): SectionRef {
  return { source: passage.source, path: passage.section, citation: withoutParagraph(passage.citation) };
}

export function answerView(answer: Answer, options: { offset?: number } & AnswerRenderOptions = {}): AnswerView {
  const offset = options.offset ?? 0;
  const hidden = new Set(options.spoilerParts ?? []);
  const spoiler = (passage: Passage | undefined) => (passage !== undefined && hidden.has(passage.part) ? { spoiler: true } : {});
  const seen = new Set<string>();
  const closestSections: SectionRef[] = [];
  // A refused question's passages are offered as the closest sections only when they are plausibly related to it.
  const offered = answer.answered || answer.refusal?.related === true ? answer.passages : [];
  for (const passage of offered) {
    const section = sectionOf(passage);
    if (seen.has(section.citation)) continue;
    seen.add(section.citation);
    closestSections.push(section);
  }
  const quoted = answer.quotes[0] ? answer.passages.find((passage) => passage.id === answer.quotes[0]!.passageId) : undefined;
  const best = quoted ?? answer.passages[0];
  return {
    question: answer.question,
    notices: answer.notices,
    covered: answer.answered,
    headline: answer.answered ? WORD_FOR_WORD : (answer.refusal?.message ?? NOT_COVERED),
    quotes: answer.quotes.map((quote) => ({
      text: quote.text,
      citation: quote.citation,
      ...spoiler(answer.passages.find((passage) => passage.id === quote.passageId)),
    })),
    closestSections,
    passages: answer.passages.map((passage, index) => ({
      rank: offset + index + 1,
      citation: passage.citation,
      text: passage.text,
      section: sectionOf(passage),
      ...spoiler(passage),
    })),
    matchLabel: MATCH_LABELS[answer.level ?? (answer.answered ? 'partial' : 'none')],
    bestSection: best ? sectionOf(best) : undefined,
  };
}

/** What a section entry offers to display (a parent heading has no text of its own, only subsections). */
export interface SectionView {
  citation: string;
  guide: string;
  path: string[];
  paragraphs: string[];
  /** Citations of the subsections, for a heading with no text of its own. */
  subsections: string[];
}

export interface SectionLike {
  source: string;
  guide: string;
  path: string[];
  citation: string;
  paragraphs: string[];
}

export function sectionView(entry: SectionLike, all: readonly SectionLike[] = []): SectionView {
  const subsections = all
    .filter((other) => other.source === entry.source && other.path.length === entry.path.length + 1 && entry.path.every((part, i) => other.path[i] === part))
    .map((other) => other.citation);
  return { citation: entry.citation, guide: entry.guide, path: entry.path, paragraphs: entry.paragraphs, subsections };
}

/**
 * Packs pieces into pages of at most `maxChars` characters, counting `separator` characters between
 * two pieces on a page. A piece longer than a page gets a page of its own.
 */
export function packPages(pieces: readonly string[], maxChars: number, separator: number): string[][] {
  const pages: string[][] = [];
  let page: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    const added = (page.length > 0 ? separator : 0) + piece.length;
    if (page.length > 0 && size + added > maxChars) {
      pages.push(page);
      page = [];
      size = 0;
    }
    size += (page.length > 0 ? separator : 0) + piece.length;
    page.push(piece);
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/**
 * Splits paragraphs into pages of at most `maxChars` characters (counting a blank line between
 * paragraphs). A paragraph longer than a page is split between sentences, or words if it must.
 */
export function paginate(paragraphs: readonly string[], maxChars: number): string[][] {
  return packPages(
    paragraphs.flatMap((paragraph) => splitLong(paragraph, maxChars)),
    maxChars,
    2,
  );
}

function splitLong(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    const sentenceEnd = Math.max(window.lastIndexOf('. '), window.lastIndexOf('? '), window.lastIndexOf('! '));
    const space = window.lastIndexOf(' ');
    const cut = sentenceEnd > maxChars * 0.5 ? sentenceEnd + 1 : space > maxChars * 0.5 ? space : maxChars;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}

export interface TocGuideView {
  title: string;
  entries: { depth: number; heading: string; citation: string; hasText: boolean }[];
}

/** The table of contents, one entry per heading, in reading order. */
export function tocView(sections: readonly SectionLike[]): TocGuideView[] {
  const guides: TocGuideView[] = [];
  for (const section of sections) {
    let guide = guides[guides.length - 1];
    if (!guide || guide.title !== section.guide) {
      guide = { title: section.guide, entries: [] };
      guides.push(guide);
    }
    guide.entries.push({
      depth: Math.max(0, section.path.length - 1),
      heading: section.path[section.path.length - 1] ?? section.guide,
      citation: section.citation,
      hasText: section.paragraphs.length > 0,
    });
  }
  return guides;
}

export interface QuotationLike {
  text: string;
  citation: string;
  highlighted: boolean;
}

export interface QuotationView {
  text: string;
  citation: string;
  /** `A highlighted quote` or `A quoted line`. */
  label: string;
}

/** Removes quotation marks around a whole quote (the renderers add their own). */
export function unquote(text: string): string {
  const match = /^\s*["“](.*)["”]\s*$/su.exec(text);
  return match && !/["“”]/u.test(match[1]!) ? match[1]!.trim() : text.trim();
}

export function quotationView(quotation: QuotationLike): QuotationView {
  return { text: unquote(quotation.text), citation: quotation.citation, label: quotation.highlighted ? 'A highlighted quote from the guide' : 'A quoted line from the guide' };
}

export interface GradeLike {
  question: { question: string; citation: string; answer: string; keyPoints: string[] };
  covered: { text: string; similarity: number }[];
  missed: { text: string; similarity: number }[];
  score: number;
}

export interface QuizGradeView {
  question: string;
  citation: string;
  /** The guide's own answer, word for word. */
  guideAnswer: string;
  covered: string[];
  missed: string[];
  total: number;
  scorePercent: number;
  summary: string;
}

export function quizGradeView(grade: GradeLike): QuizGradeView {
  const covered = grade.covered.map((point) => point.text);
  const missed = grade.missed.map((point) => point.text);
  const total = covered.length + missed.length;
  const summary =
    total === 0
      ? 'The guide gives no separate key points for this question; compare your answer with it below.'
      : missed.length === 0
        ? `You covered all ${total} key points of the guide's answer.`
        : `You covered ${covered.length} of the ${total} key points of the guide's answer.`;
  return {
    question: grade.question.question,
    citation: grade.question.citation,
    guideAnswer: grade.question.answer,
    covered,
    missed,
    total,
    scorePercent: Math.round(Math.max(0, Math.min(1, grade.score)) * 100),
    summary,
  };
}

/** One line of help: how to use a command and what it does. */
export interface HelpEntry {
  usage: string;
  description: string;
}
