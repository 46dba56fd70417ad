import type { BookPart } from '../guide/spoilers.js';
import type { AnswerSignals, ConfidenceLevel } from './confidence.js';
import { specificity } from './english.js';
import { stem } from './stem.js';
import { STOPWORDS, terms, words } from './tokenize.js';

/** One passage of a result list, with everything needed to show and cite it. */
export interface Passage {
  id: string;
  /** Corpus file name (or `teacher-notes` for notes). */
  source: string;
  guide: string;
  /** Heading path. */
  section: string[];
  paragraph: number;
  citation: string;
  /** Exactly as the guide wrote it. */
  text: string;
  score: number;
  /** The latest part of the novel this passage reveals (for spoiler control). */
  part: BookPart;
}

export interface Quote {
  /** One to three consecutive words-for-word sentences of a passage. */
  text: string;
  citation: string;
  passageId: string;
}

/** Why a question was not answered. */
export type RefusalReason = 'invalid' | 'no-topic' | 'instruction' | 'other-work' | 'writing' | 'recommendation' | 'remark' | 'not-covered';

export interface Refusal {
  reason: RefusalReason;
  /** Written for the student: what went wrong and what Guidebot can help with. */
  message: string;
  /** Whether the passages found are plausibly related, so worth offering as the closest sections. */
  related?: boolean;
}

export interface Answer {
  question: string;
  answered: boolean;
  /** 0..1: the calibrated probability that the guides answer the question. */
  confidence: number;
  /** The confidence as students read it: a strong or partial match, or none (refused). */
  level: ConfidenceLevel;
  /** Set when `answered` is false. */
  refusal?: Refusal;
  /** What the confidence was computed from (for evaluation and logs). */
  signals?: AnswerSignals;
  quotes: Quote[];
  /** Best first. When `answered` is false these are the closest sections, offered instead. */
  passages: Passage[];
  /** Things the asker should know about their input (e.g. it was shortened). */
  notices: string[];
}

export interface TermStatistics {
  idf(term: string): number;
  maxIdf(): number;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * Query terms with their weights: a term the guides use weighs its IDF; a term they never use
 * weighs by how specific the word is in English ("quadratic", "flurbogast" up to the highest IDF;
 * "point", "kids" next to nothing), since only a specific word says the question is about
 * something else.
 */
export function weightedTerms(question: string, statistics: TermStatistics): Map<string, number> {
  const weights = new Map<string, number>();
  for (const word of words(question)) {
    if (STOPWORDS.has(word)) continue;
    const term = stem(word);
    const idf = statistics.idf(term);
    const weight = idf > 0 ? idf : statistics.maxIdf() * specificity(word);
    weights.set(term, Math.max(weights.get(term) ?? 0, weight));
  }
  return weights;
}

/** IDF-weighted share of the question's terms that a text (or its precomputed term set) contains. */
export function termCoverage(queryTerms: Map<string, number>, text: string | ReadonlySet<string>): number {
  let total = 0;
  for (const weight of queryTerms.values()) total += weight;
  if (total === 0) return 0;
  const present = typeof text === 'string' ? new Set(terms(text)) : text;
  let covered = 0;
  for (const [term, weight] of queryTerms) if (present.has(term)) covered += weight;
  return covered / total;
}

/**
 * Capitalised words after the first word ("France", "Hamlet", "Mona Lisa") that no guide uses:
 * a question about a name the guides never mention is almost never about the guides.
 */
export function unknownNames(question: string, statistics: TermStatistics): string[] {
  const found = question.match(/\p{L}[\p{L}\p{N}'’]*/gu) ?? [];
  return found.slice(1).filter((word) => /^\p{Lu}/u.test(word) && word !== 'I' && terms(word).every((term) => statistics.idf(term) === 0) && terms(word).length > 0);
}

/** An answer that quotes nothing, with the reason. */
export function refusedAnswer(question: string, notices: string[], refusal: Refusal): Answer {
  return { question, answered: false, confidence: 0, level: 'none', refusal, quotes: [], passages: [], notices };
}

const EXAMPLES = 'a character ("Who is Miss Lucy?"), a place, a theme, a quote or a part of the book';

/** What the student is told when a question is not answered: why, and what Guidebot can help with. */
export function refusalMessage(reason: Exclude<RefusalReason, 'invalid'>, book: string | undefined): string {
  const about = book ? `the study guides to ${book}` : 'the study guides';
  switch (reason) {
    case 'instruction':
      return `I only quote ${about}, so I can't do that. Ask me about ${EXAMPLES}.`;
    case 'other-work':
      return `That seems to be about another book, author or film: I can only quote ${about}. Ask me about ${EXAMPLES}.`;
    case 'writing':
      return `I can't write poems, stories or essays: I only quote ${about}, word for word. Ask me what they say about ${EXAMPLES}, and use the quotes in your own writing.`;
    case 'recommendation':
      return `I can't recommend songs, books or films: I can only quote ${about}. Ask me about ${EXAMPLES}.`;
    case 'remark':
      return `I'm here to help with ${about}. Ask me about ${EXAMPLES}.`;
    case 'no-topic':
      return `I answer questions about ${about}. Ask me about ${EXAMPLES}.`;
    case 'not-covered':
      return `The guides don't seem to cover this question. I can quote ${about} on ${EXAMPLES}.`;
  }
}
