import { isFiller } from './chat-register.js';
import { DELETE_KEYS_SCHEME, DeleteIndex } from './delete-index.js';
import { inCommonUse, isEnglishWord } from './english.js';
import { stem } from './stem.js';
import { STOPWORDS, words } from './tokenize.js';

/** Words shorter than this are never corrected: too many short words are one letter apart. */
const MIN_LENGTH = 4;
/** A rare English word is corrected only to a guide word used at least this often. */
const RARE_WORD_MIN_GUIDE_COUNT = 3;
/** From this length a word may be two edits away from its correction. */
const TWO_EDITS_FROM = 8;
/** What the stored keys of the corrector's delete index depend on besides the words: stored under other rules, they are made again. */
export const SPELLING_KEYS_RULES = `${DELETE_KEYS_SCHEME}/two-edits-from-${TWO_EDITS_FROM}`;

// A word is looked up two edits away only for question words of TWO_EDITS_FROM letters or more, so only
// words at least two letters shorter than that need their two-letter deletes stored.
const maxDeletes = (word: string) => (word.length >= TWO_EDITS_FROM - 2 ? 2 : 1);

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
 * Corrects misspelt words of a question to words the guides use ("tomy" → "tommy"). A word is
 * misspelt only when it is not English at all and the guides never use it in any form; it is then
 * replaced by the most frequent guide word one edit away (two for long words). An English word the
 * guides never use ("pasta", "cats") is left as it is: it tells that the question is about
 * something else, and correcting it would hide that.
 */
export class SpellingCorrector {
  private readonly counts = new Map<string, number>();
  private readonly stems: ReadonlySet<string>;
  /** The guide words in the order they first appear (ties between equally close, equally frequent words go to the shorter, then the earlier). */
  private readonly vocabulary: string[];
  private readonly nearby: DeleteIndex;

  constructor(texts: Iterable<string>, counted?: Iterable<[string, number]>, stored?: { keys?: Float64Array; stems?: readonly string[] }) {
    if (counted) for (const [word, count] of counted) this.counts.set(word, count);
    for (const text of texts) for (const word of words(text)) this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
    this.stems = new Set(stored?.stems ?? Array.from(this.counts.keys(), (word) => stem(word)));
    this.vocabulary = [...this.counts.keys()];
    this.nearby = new DeleteIndex(this.vocabulary, maxDeletes, stored?.keys);
  }

  /**
   * A corrector for words already counted (in order of first use), as the index stores them, with what was stored
   * with them: the keys of its delete index (made by {@link SpellingCorrector.keysFor} for the same counts) and the
   * words' distinct stems.
   */
  static fromCounts(counts: readonly [string, number][], stored?: { keys?: Float64Array; stems?: readonly string[] }): SpellingCorrector {
    return new SpellingCorrector([], counts, stored);
  }

  /** The delete index's keys for words counted in this order, to store with them. */
  static keysFor(counts: readonly [string, number][]): Float64Array {
    // The words as the constructor lists them: each once, in order of first appearance.
    return DeleteIndex.keysFor([...new Map(counts).keys()], maxDeletes);
  }

  /** The correction of one lowercase word, or undefined when it is known, too short, or has no close match. */
  correct(word: string): string | undefined {
    // Another form of a word the guides use ("open" for "opens") is not a misspelling.
    if (word.length < MIN_LENGTH || this.counts.has(word) || this.stems.has(stem(word)) || STOPWORDS.has(word) || isFiller(word) || /\d/.test(word)) return undefined;
    // An English word is what the student meant, unless it is one almost nobody uses ("personalty")
    // a single edit away from a word the guides use often ("personality").
    const english = isEnglishWord(word);
    const rareEnglish = english && !inCommonUse(word);
    if (english && !rareEnglish) return undefined;
    const limit = rareEnglish ? 1 : word.length >= TWO_EDITS_FROM ? 2 : 1;
    return this.closest(word, limit, rareEnglish ? RARE_WORD_MIN_GUIDE_COUNT : 1);
  }

  /**
   * The guide word used at least `minimumCount` times that is fewest edits (at most `limit`, 1 or 2, and 2
   * only for words of TWO_EDITS_FROM letters or more) from `word`; of equally close ones the most frequent,
   * then the shortest, then the first in the guides.
   */
  closest(word: string, limit: number, minimumCount: number): string | undefined {
    let best: string | undefined;
    let bestDistance = limit + 1;
    let bestCount = 0;
    let bestRank = Infinity;
    for (const rank of this.nearby.candidates(word, limit)) {
      const candidate = this.nearby.word(rank);
      const count = this.counts.get(candidate)!;
      if (count < minimumCount) continue;
      const distance = editDistance(word, candidate, limit);
      if (distance > limit) continue;
      const better =
        distance < bestDistance ||
        (distance === bestDistance && (count > bestCount || (count === bestCount && (candidate.length < best!.length || (candidate.length === best!.length && rank < bestRank)))));
      if (better) {
        best = candidate;
        bestDistance = distance;
        bestCount = count;
        bestRank = rank;
      }
    }
    return best;
  }

  /**
   * The question with misspelt words replaced (keeping an initial capital and a possessive), and
   * which words were changed. A possessive typed without its apostrophe ("tommys") is corrected
   * but not reported: nothing was misspelt that the student needs to hear about.
   */
  correctText(text: string): { text: string; corrections: [string, string][] } {
    const corrections: [string, string][] = [];
    const corrected = text.replace(/[\p{L}][\p{L}'’]*/gu, (word) => {
      const [normal] = words(word);
      const correction = normal === undefined ? undefined : this.correct(normal);
      if (correction === undefined) return word;
      if (normal !== `${correction}s`) corrections.push([word, correction]);
      const possessive = /['’]s$/i.exec(word)?.[0] ?? '';
      const cased = /^\p{Lu}/u.test(word) ? correction[0]!.toUpperCase() + correction.slice(1) : correction;
      return cased + possessive;
    });
    return { text: corrected, corrections };
  }
}
