import { stem } from './stem.js';
import { STOPWORDS, words } from './tokenize.js';

/** Words shorter than this are never corrected: too many short words are one letter apart. */
const MIN_LENGTH = 4;
/** From this length a word may be two edits away from its correction. */
const TWO_EDITS_FROM = 8;

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping early past `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previousPrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previousPrevious[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previousPrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Corrects misspelt words of a question to words the guides use ("tomy" → "tommy"): a word the
 * guides never use, in any form, is replaced by the most frequent guide word one edit away (two for
 * long words).
 */
export class SpellingCorrector {
  private readonly counts = new Map<string, number>();
  private readonly byLength = new Map<number, string[]>();
  private readonly stems = new Set<string>();

  constructor(texts: Iterable<string>) {
    for (const text of texts) for (const word of words(text)) this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
    for (const word of this.counts.keys()) this.stems.add(stem(word));
    for (const word of this.counts.keys()) {
      const list = this.byLength.get(word.length) ?? [];
      list.push(word);
      this.byLength.set(word.length, list);
    }
  }

  /** The correction of one lowercase word, or undefined when it is known, too short, or has no close match. */
  correct(word: string): string | undefined {
    // Another form of a word the guides use ("open" for "opens") is not a misspelling.
    if (word.length < MIN_LENGTH || this.counts.has(word) || this.stems.has(stem(word)) || STOPWORDS.has(word) || /\d/.test(word)) return undefined;
    const limit = word.length >= TWO_EDITS_FROM ? 2 : 1;
    let best: string | undefined;
    let bestDistance = limit + 1;
    let bestCount = 0;
    for (let length = word.length - limit; length <= word.length + limit; length++) {
      for (const candidate of this.byLength.get(length) ?? []) {
        const distance = editDistance(word, candidate, limit);
        const count = this.counts.get(candidate)!;
        if (distance < bestDistance || (distance === bestDistance && distance <= limit && count > bestCount)) {
          best = candidate;
          bestDistance = distance;
          bestCount = count;
        }
      }
    }
    return bestDistance <= limit ? best : undefined;
  }

  /** The question with misspelt words replaced, and which words were changed. */
  correctText(text: string): { text: string; corrections: [string, string][] } {
    const corrections: [string, string][] = [];
    const corrected = text.replace(/[\p{L}][\p{L}'’]*/gu, (word) => {
      const [normal] = words(word);
      const correction = normal === undefined ? undefined : this.correct(normal);
      if (correction === undefined) return word;
      corrections.push([word, correction]);
      return correction;
    });
    return { text: corrected, corrections };
  }
}
