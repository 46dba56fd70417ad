/**
 * A symmetric-delete index (Garbe's SymSpell) over a vocabulary: every word is stored under each string it
 * becomes with up to `maxDeletes(word)` characters deleted, and a query looks up its own deletes. Two words
 * within optimal-string-alignment distance d share a string both reach with at most d deletes (each
 * substitution, insertion or transposition costs at most one delete on each side), so the lookup finds every
 * word within d, and only those few are compared exactly. The cost of a query depends on the query's length,
 * not on the size of the vocabulary.
 *
 * Deleted strings are kept as 32-bit hashes next to the word's number in one sorted Float64Array
 * (hash × 2^21 + word), which holds a million deletes in 8 MB; a hash collision only adds a candidate that the
 * exact comparison then drops.
 */

/** Word numbers take this many bits of a key. */
const WORD_BITS = 21;
const WORD_SLOTS = 2 ** WORD_BITS;
/** The most words one index holds (what fits in WORD_BITS). */
export const MAX_INDEXED_WORDS = WORD_SLOTS;
/** Names how keys are made (hash and layout): keys stored under another name are not used. */
export const DELETE_KEYS_SCHEME = `fnv1a32-word${WORD_BITS}`;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the word's UTF-16 code units, leaving out the ones at positions `skipA` and `skipB`. */
function hashWithout(word: string, skipA: number, skipB: number): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) {
    if (i === skipA || i === skipB) continue;
    hash = Math.imul(hash ^ word.charCodeAt(i), FNV_PRIME);
  }
  return hash >>> 0;
}

/** Calls `visit` with the hash of every string the word becomes with up to `deletes` (0, 1 or 2) characters deleted. */
function forEachDelete(word: string, deletes: number, visit: (hash: number) => void): void {
  visit(hashWithout(word, -1, -1));
  if (deletes < 1) return;
  for (let i = 0; i < word.length; i++) {
    // Deleting either of two equal neighbours gives the same string: only the first is visited.
    if (i > 0 && word[i] === word[i - 1]) continue;
    visit(hashWithout(word, i, -1));
    if (deletes < 2) continue;
    for (let j = i + 1; j < word.length; j++) {
      if (j > i + 1 && word[j] === word[j - 1]) continue;
      visit(hashWithout(word, i, j));
    }
  }
}

export class DeleteIndex {
  private readonly keys: Float64Array;

  /**
   * @param words the vocabulary; a word is known by its position in this list
   * @param maxDeletes how many deletes (0–2) each word is stored under: the largest distance it is ever looked up at
   * @param stored the keys {@link DeleteIndex.keysFor} made for the same words and rule, when they were kept (see the index store)
   */
  constructor(
    private readonly words: readonly string[],
    maxDeletes: (word: string) => number,
    stored?: Float64Array,
  ) {
    this.keys = stored ?? DeleteIndex.keysFor(words, maxDeletes);
  }

  /** The sorted keys of every word's deletes: what the index searches, and what can be stored to skip making them again. */
  static keysFor(words: readonly string[], maxDeletes: (word: string) => number): Float64Array {
    if (words.length > MAX_INDEXED_WORDS) throw new Error(`a delete index holds at most ${MAX_INDEXED_WORDS} words, got ${words.length}`);
    const keys: number[] = [];
    words.forEach((word, index) => forEachDelete(word, Math.min(2, maxDeletes(word)), (hash) => keys.push(hash * WORD_SLOTS + index)));
    return Float64Array.from(keys).sort();
  }

  /** The keys, sorted (see {@link DeleteIndex.keysFor}). */
  get storedKeys(): Float64Array {
    return this.keys;
  }

  /** How many deleted strings the index holds. */
  get size(): number {
    return this.keys.length;
  }

  /**
   * The numbers of the words that may be within `distance` (0–2) of `query`: a superset of those that are,
   * for words stored with at least `distance` deletes. Each number appears once.
   */
  candidates(query: string, distance: number): number[] {
    const found = new Set<number>();
    forEachDelete(query, Math.min(2, distance), (hash) => {
      const low = hash * WORD_SLOTS;
      for (let at = this.lowerBound(low); at < this.keys.length && this.keys[at]! < low + WORD_SLOTS; at++) found.add(this.keys[at]! - low);
    });
    return [...found];
  }

  word(index: number): string {
    return this.words[index]!;
  }

  private lowerBound(value: number): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.keys[middle]! < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
