import { terms, words } from '../search/tokenize.js';

/**
 * Question keys for grouping similar questions without any ML, made with the search tokenizer: the
 * sorted unique search terms (stopwords dropped, Porter-stemmed), or the plain words when a question
 * has nothing else ("Why?"). "Why did Kathy keep the tape?" and "why does kathy keep the tapes" share
 * a key, and a gap's key holds exactly the terms lexical search looks for.
 *
 * Keys are stored (gaps.norm_key, gap_asks.norm_key): when what this returns changes, append a
 * migration that calls rekeyGaps, so stored questions keep meeting new ones.
 */
export function normalizeQuestion(question: string): string {
  const content = terms(question);
  const chosen = content.length > 0 ? content : words(question);
  return [...new Set(chosen)].sort().join(' ');
}

/** The normalised tokens of a question, as a set: what tokenSimilarity compares. */
export function questionTokens(question: string): ReadonlySet<string> {
  return new Set(normalizeQuestion(question).split(' ').filter(Boolean));
}

/** Jaccard overlap of the normalised token sets, 0..1. A cheap similarity a caller may inject into recordGap. */
export function tokenSimilarity(a: string, b: string): number {
  return tokenSetSimilarity(questionTokens(a), questionTokens(b));
}

/** Jaccard overlap of two questions' token sets (from questionTokens), 0..1. */
export function tokenSetSimilarity(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  for (const token of left) if (right.has(token)) shared += 1;
  return shared / (left.size + right.size - shared);
}
