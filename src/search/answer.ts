import type { ModelProfile } from '../embed/profiles.js';
import { terms } from './tokenize.js';

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
export const CONFIDENCE_THRESHOLD = 0.4;
/** At most this many quoted sentences in an answer. */
export const MAX_QUOTES = 3;
/** Quotes come from this many of the best passages. */
const QUOTE_PASSAGES = 3;
/** A further sentence is quoted only when it scores at least this fraction of the best one. */
const QUOTE_RELATIVE_SCORE = 0.8;

export interface SentenceCandidate {
  passageIndex: number;
  sentenceIndex: number;
  text: string;
  normalised: string;
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

/** IDF-weighted share of the question's terms that a text contains. */
export function termCoverage(queryTerms: Map<string, number>, text: string): number {
  let total = 0;
  for (const weight of queryTerms.values()) total += weight;
  if (total === 0) return 0;
  const present = new Set(terms(text));
  let covered = 0;
  for (const [term, weight] of queryTerms) if (present.has(term)) covered += weight;
  return covered / total;
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/**
 * Confidence that the guides answer the question, from two independent signals of the best
 * passages: how much of the question's vocabulary they contain (IDF-weighted, so "France" counts
 * far more than "novel") and how similar they are in meaning (cosine, scaled to 0..1 with the
 * model's typical unrelated/related range).
 */
export function estimateConfidence(coverage: number, cosine: number | undefined, profile: ModelProfile): number {
  const semantic = cosine === undefined ? coverage : clamp01((cosine - profile.cosine.low) / (profile.cosine.high - profile.cosine.low));
  return clamp01(0.65 * coverage + 0.35 * semantic);
}

/**
 * Picks the quoted sentences: the best-scoring sentence of the best passages (meaning and shared
 * vocabulary with the question), and up to two more that score nearly as well, shown in the
 * guide's order when they come from the same passage.
 */
export function selectQuotes(
  candidates: SentenceCandidate[],
  queryVector: Float32Array | undefined,
  queryTerms: Map<string, number>,
  passages: Passage[],
): Quote[] {
  const scored = candidates
    .filter((candidate) => candidate.passageIndex < QUOTE_PASSAGES)
    .map((candidate) => {
      const semantic = queryVector && candidate.vector ? dot(queryVector, candidate.vector) : 0;
      const lexical = termCoverage(queryTerms, candidate.normalised);
      const rankDiscount = 1 - 0.1 * candidate.passageIndex;
      return { candidate, score: (0.5 * semantic + lexical) * rankDiscount };
    })
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) return [];
  const chosen = [best];
  const seenTexts = new Set([best.candidate.normalised]);
  for (const entry of scored.slice(1)) {
    if (chosen.length >= MAX_QUOTES || entry.score < best.score * QUOTE_RELATIVE_SCORE) break;
    if (seenTexts.has(entry.candidate.normalised)) continue;
    seenTexts.add(entry.candidate.normalised);
    chosen.push(entry);
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
