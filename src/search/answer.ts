import type { ModelProfile } from '../embed/profiles.js';
import type { BookPart } from '../guide/spoilers.js';
import { terms, words } from './tokenize.js';

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

export interface Answer {
  question: string;
  answered: boolean;
  /** 0..1: how sure retrieval is that the guides cover the question. */
  confidence: number;
  quotes: Quote[];
  /** Best first. When `answered` is false these are the closest sections, offered instead. */
  passages: Passage[];
  /** Things the asker should know about their input (e.g. it was shortened). */
  notices: string[];
}

/** Below this confidence the answer says the guides do not seem to cover the question. */
export const CONFIDENCE_THRESHOLD = 0.41;
/** At most this many quoted sentences in an answer. */
export const MAX_QUOTES = 3;
/** Quotes come from this many of the best passages. */
const QUOTE_PASSAGES = 5;
/** A further sentence is quoted only when it scores at least this fraction of the best one. */
const QUOTE_RELATIVE_SCORE = 0.6;

export interface SentenceCandidate {
  passageIndex: number;
  sentenceIndex: number;
  text: string;
  normalised: string;
  /** The sentence's search terms. */
  terms: ReadonlySet<string>;
  vector: Float32Array | undefined;
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

/** Query terms with their weights; terms the corpus never uses get the highest weight, as they are the most telling. */
export function weightedTerms(question: string, statistics: TermStatistics): Map<string, number> {
  const weights = new Map<string, number>();
  for (const term of terms(question)) {
    const idf = statistics.idf(term);
    weights.set(term, idf > 0 ? idf : statistics.maxIdf());
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

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/** Confidence is multiplied by this for a question that names someone or something the guides never mention. */
export const UNKNOWN_NAME_FACTOR = 0.6;

/**
 * Capitalised words after the first word ("France", "Hamlet", "Mona Lisa") that no guide uses:
 * a question about a name the guides never mention is almost never about the guides.
 */
export function unknownNames(question: string, statistics: TermStatistics): string[] {
  const found = question.match(/\p{L}[\p{L}\p{N}'’]*/gu) ?? [];
  return found.slice(1).filter((word) => /^\p{Lu}/u.test(word) && word !== 'I' && terms(word).every((term) => statistics.idf(term) === 0) && terms(word).length > 0);
}

/**
 * Confidence that the guides answer the question, from two independent signals of the best
 * passages: how much of the question's vocabulary they contain (IDF-weighted, so "France" counts
 * far more than "novel") and how similar they are in meaning (cosine, scaled to 0..1 with the
 * model's typical unrelated/related range). Naming something the guides never mention lowers it.
 */
export function estimateConfidence(coverage: number, cosine: number | undefined, profile: ModelProfile, unknownNameCount = 0): number {
  const semantic = cosine === undefined ? coverage : clamp01((cosine - profile.cosine.low) / (profile.cosine.high - profile.cosine.low));
  return clamp01((0.5 * coverage + 0.5 * semantic) * (unknownNameCount > 0 ? UNKNOWN_NAME_FACTOR : 1));
}

/**
 * Picks the quoted sentences: the best-scoring sentence of the best passages (meaning and shared
 * vocabulary with the question), and up to two more that score nearly as well, shown in the
 * guide's order when they come from the same passage.
 */
const NUMBER_WORDS = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|fifth|sixth|several|many|few)\b/i;

/**
 * What kind of words would answer the question: a name for "who", a place for "where", a number for
 * "how many" or "when". A sentence that contains such words, beyond those the question already
 * has, more likely holds the answer than one that only repeats the question.
 */
export function answerTypeBonus(question: string, sentence: string, statistics: TermStatistics): number {
  const asked = question.toLowerCase();
  const questionWords = new Set(words(question));
  if (/^(how many|how much|how old|when|what year)\b/.test(asked)) return NUMBER_WORDS.test(sentence) ? ANSWER_TYPE_BONUS : 0;
  if (/^(who|whom|whose|where|which|what (song|name|place|town|school|is the name))\b/.test(asked)) {
    // Names the question does not already have; rare ones (a singer, a town) say more than the main characters' names.
    const names = (sentence.match(/\p{L}[\p{L}'’-]*/gu) ?? []).slice(1).filter((word) => /^\p{Lu}/u.test(word) && !questionWords.has(words(word)[0] ?? ''));
    const rarity = Math.max(0, ...names.flatMap((name) => terms(name)).map((term) => statistics.idf(term) / statistics.maxIdf()));
    return ANSWER_TYPE_BONUS * rarity;
  }
  return 0;
}

/** Sentence openings that refer back to the previous sentence. */
const ANAPHORIC_START = /^["'“‘(]?(this|these|that|those|such|it|its|he|she|they|his|her|their|him|them)\b/i;

/** How much an answer-type match adds to a sentence's score. */
const ANSWER_TYPE_BONUS = 0.25;
/** How much the neighbouring sentences' shared vocabulary counts: they often name who or what "this" is. */
const NEIGHBOUR_WEIGHT = 0.3;

export function selectQuotes(
  candidates: SentenceCandidate[],
  queryVector: Float32Array | undefined,
  queryTerms: Map<string, number>,
  passages: Passage[],
  question: string,
  statistics: TermStatistics,
): Quote[] {
  const lexicalOf = new Map(candidates.map((candidate) => [candidate, termCoverage(queryTerms, candidate.terms)]));
  const neighbour = (candidate: SentenceCandidate, offset: number) =>
    candidates.find((other) => other.passageIndex === candidate.passageIndex && other.sentenceIndex === candidate.sentenceIndex + offset);
  const scored = candidates
    .filter((candidate) => candidate.passageIndex < QUOTE_PASSAGES)
    .map((candidate) => {
      const semantic = queryVector && candidate.vector ? dot(queryVector, candidate.vector) : 0;
      const lexical = lexicalOf.get(candidate)!;
      const around = Math.max(...[neighbour(candidate, -1), neighbour(candidate, 1)].map((other) => (other ? lexicalOf.get(other)! : 0)));
      const rankDiscount = 1 - 0.08 * candidate.passageIndex;
      return { candidate, score: (0.5 * semantic + lexical + NEIGHBOUR_WEIGHT * around + answerTypeBonus(question, candidate.text, statistics)) * rankDiscount };
    })
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) return [];
  const chosen = [best];
  const seenTexts = new Set([best.candidate.normalised]);
  const choose = (candidate: SentenceCandidate) => {
    seenTexts.add(candidate.normalised);
    chosen.push({ candidate, score: 0 });
  };
  // A sentence that opens by pointing back ("This song…", "She…") is quoted with the one before it.
  const antecedent = (candidate: SentenceCandidate) => (ANAPHORIC_START.test(candidate.text) ? neighbour(candidate, -1) : undefined);
  const bestAntecedent = antecedent(best.candidate);
  if (bestAntecedent) choose(bestAntecedent);
  for (const entry of scored.slice(1)) {
    if (chosen.length >= MAX_QUOTES || entry.score < best.score * QUOTE_RELATIVE_SCORE) break;
    if (seenTexts.has(entry.candidate.normalised)) continue;
    const before = antecedent(entry.candidate);
    if (before && !seenTexts.has(before.normalised)) {
      if (chosen.length + 2 > MAX_QUOTES) continue;
      choose(before);
    }
    choose(entry.candidate);
  }
  chosen.sort((a, b) => a.candidate.passageIndex - b.candidate.passageIndex || a.candidate.sentenceIndex - b.candidate.sentenceIndex);

  // Consecutive sentences of one passage make one quote.
  const quotes: Quote[] = [];
  let previous: SentenceCandidate | undefined;
  for (const { candidate } of chosen) {
    const passage = passages[candidate.passageIndex]!;
    const last = quotes[quotes.length - 1];
    if (last && previous && previous.passageIndex === candidate.passageIndex && previous.sentenceIndex + 1 === candidate.sentenceIndex) {
      last.text += ` ${candidate.text}`;
    } else {
      quotes.push({ text: candidate.text, citation: passage.citation, passageId: passage.id });
    }
    previous = candidate;
  }
  return quotes;
}
