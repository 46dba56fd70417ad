import { terms } from './tokenize.js';

/** Okapi BM25 parameters (the usual defaults). */
const K1 = 1.2;
const B = 0.75;
/** A heading word counts as this many occurrences in the text: headings name what a passage is about. */
export const HEADING_WEIGHT = 3;
/**
 * A word of the neighbouring paragraphs counts this much: a quoted line and the paragraph that
 * explains it are about the same thing, but only one of them names the speaker.
 */
export const CONTEXT_WEIGHT = 0.3;
/**
 * Each query term scores only the documents where it weighs most (its "champion list", Manning et
 * al., Introduction to Information Retrieval, 7.1.3), so a query costs the same however large the
 * corpus grows. Below this many documents per term the search is exact.
 */
export const CHAMPIONS_PER_TERM = 150;

export interface LexicalDocument {
  id: string;
  text: string;
  /** Heading path; its words are weighted by `headingWeight`. */
  heading: string[];
  /** Surrounding text; its words are weighted by `contextWeight`. */
  context?: string;
}

export interface Bm25Weights {
  headingWeight: number;
  contextWeight: number;
}

/** A document given as positions in a shared vocabulary (as the index stores its terms). */
export interface TermIdDocument {
  id: string;
  text: ArrayLike<number>;
  heading: ArrayLike<number>;
  /** The surrounding texts, in order. */
  context: readonly ArrayLike<number>[];
}

export interface LexicalHit {
  id: string;
  score: number;
}

interface Posting {
  /** Ascending; a view of the stored postings until a document is added to the term. */
  docs: number[] | Int32Array;
  freqs: number[] | Float64Array;
  /** Documents holding the term that are not removed. */
  live: number;
}

/**
 * An index made by {@link Bm25Index.fromTermIds} as typed arrays, to store with the search index and load as views
 * of the bytes read: the same documents, lengths and weighted term counts, so it scores exactly alike.
 */
export interface StoredBm25 {
  weights: Bm25Weights;
  /** Each document's length (the sum of its weighted term counts), by position. */
  lengths: Float64Array;
  /** The postings of term t (its position in the vocabulary) are `termStart[t]` up to `termStart[t + 1]`. */
  termStart: Int32Array;
  /** Per posting, in term order and ascending within a term: the document's position. */
  docs: Int32Array;
  /** Per posting: the weighted count, as a position in `freqValues` (far fewer distinct values than postings). */
  freqCodes: Int32Array;
  freqValues: Float64Array;
}

interface ChampionList {
  docs: Int32Array;
  /** The BM25 term-frequency part for each doc (multiply by IDF for the score). */
  weights: Float64Array;
}

/** An in-memory BM25 index over chunks. Documents can be added and removed at any time. */
export class Bm25Index {
  private readonly postings = new Map<string, Posting>();
  private readonly ids: string[] = [];
  private readonly lengths: number[] = [];
  /**
   * Each document's distinct terms (for removal): as strings, or as positions in `vocabulary` for documents added by
   * {@link fromTermIds}; undefined for stored documents, whose terms removal finds in the stored postings.
   */
  private readonly termsOf: (readonly string[] | Int32Array | undefined)[] = [];
  private vocabulary: readonly string[] = [];
  /** The postings loaded by {@link fromStored}, made into a {@link Posting} when a term is first looked up. */
  private stored: { postings: StoredBm25; termIds: ReadonlyMap<string, number> } | undefined;
  private readonly removed = new Set<number>();
  private readonly positionById = new Map<string, number>();
  private totalLength = 0;
  /** Champion lists by term, valid until the next add or remove. */
  private readonly champions = new Map<string, ChampionList>();

  constructor(
    documents: Iterable<LexicalDocument> = [],
    private readonly weights: Bm25Weights = { headingWeight: HEADING_WEIGHT, contextWeight: CONTEXT_WEIGHT },
  ) {
    for (const document of documents) this.add(document);
  }

  /**
   * An index of documents given as term positions in `vocabulary`, the same as adding each with {@link addTerms}
   * (same postings, frequencies and lengths, summed in the same order), without a map lookup per occurrence.
   */
  static fromTermIds(vocabulary: readonly string[], documents: Iterable<TermIdDocument>, weights: Bm25Weights): Bm25Index {
    const index = new Bm25Index([], weights);
    index.vocabulary = vocabulary;
    const counts = new Float64Array(vocabulary.length);
    const seen = new Uint8Array(vocabulary.length);
    const byTerm = new Array<{ docs: number[]; freqs: number[]; live: number } | undefined>(vocabulary.length);
    const touched: number[] = [];
    const count = (list: ArrayLike<number>, weight: number) => {
      for (let i = 0; i < list.length; i++) {
        const term = list[i]!;
        if (seen[term] === 0) {
          seen[term] = 1;
          counts[term] = 0;
          touched.push(term);
        }
        counts[term] = counts[term]! + weight;
      }
    };
    for (const document of documents) {
      if (index.positionById.has(document.id)) index.remove(document.id);
      const position = index.ids.length;
      touched.length = 0;
      count(document.text, 1);
      count(document.heading, weights.headingWeight);
      for (const context of document.context) count(context, weights.contextWeight);
      let length = 0;
      for (const term of touched) {
        let posting = byTerm[term];
        if (!posting) index.postings.set(vocabulary[term]!, (byTerm[term] = posting = { docs: [], freqs: [], live: 0 }));
        const weight = counts[term]!;
        posting.docs.push(position);
        posting.freqs.push(weight);
        posting.live++;
        length += weight;
        seen[term] = 0;
      }
      index.ids.push(document.id);
      index.lengths.push(length);
      index.termsOf.push(Int32Array.from(touched));
      index.positionById.set(document.id, position);
      index.totalLength += length;
    }
    return index;
  }

  /**
   * An index of the documents `stored` holds (made by {@link toStored}), named `ids` in order; `termIds` gives each
   * term's position in the vocabulary the postings refer to. The postings are used as they are: check stored bytes
   * with {@link checkStoredBm25} first (the index store does).
   */
  static fromStored(ids: readonly string[], termIds: ReadonlyMap<string, number>, stored: StoredBm25): Bm25Index {
    if (stored.lengths.length !== ids.length || stored.termStart.length !== termIds.size + 1) throw new Error('the stored lexical index does not fit these documents and terms');
    const index = new Bm25Index([], stored.weights);
    index.stored = { postings: stored, termIds };
    ids.forEach((id, position) => {
      // A repeated id replaces the document before it, as in fromTermIds (same removal, same sums in the same order).
      const earlier = index.positionById.get(id);
      if (earlier !== undefined) {
        index.removed.add(earlier);
        index.totalLength -= index.lengths[earlier]!;
      }
      const length = stored.lengths[position]!;
      index.ids.push(id);
      index.lengths.push(length);
      index.termsOf.push(undefined);
      index.positionById.set(id, position);
      index.totalLength += length;
    });
    return index;
  }

  /** The stored form of an index made by {@link fromTermIds} over `vocabulary`, before any document was added or removed. */
  toStored(): StoredBm25 {
    if (this.removed.size > 0 || this.termsOf.some((terms) => !(terms instanceof Int32Array))) throw new Error('only an index made from term ids, unchanged since, has a stored form');
    const termStart = new Int32Array(this.vocabulary.length + 1);
    const docs: number[] = [];
    const freqCodes: number[] = [];
    const codeOf = new Map<number, number>();
    this.vocabulary.forEach((term, t) => {
      const posting = this.postings.get(term);
      if (posting) {
        for (let i = 0; i < posting.docs.length; i++) {
          const freq = posting.freqs[i]!;
          let code = codeOf.get(freq);
          if (code === undefined) codeOf.set(freq, (code = codeOf.size));
          docs.push(posting.docs[i]!);
          freqCodes.push(code);
        }
      }
      termStart[t + 1] = docs.length;
    });
    return {
      weights: { ...this.weights },
      lengths: Float64Array.from(this.lengths),
      termStart,
      docs: Int32Array.from(docs),
      freqCodes: Int32Array.from(freqCodes),
      freqValues: Float64Array.from(codeOf.keys()),
    };
  }

  /** The posting of a term: added since, or made from the stored postings on first use. */
  private posting(term: string): Posting | undefined {
    const made = this.postings.get(term);
    if (made || !this.stored) return made;
    const t = this.stored.termIds.get(term);
    if (t === undefined) return undefined;
    const { termStart, docs, freqCodes, freqValues } = this.stored.postings;
    const start = termStart[t]!;
    const end = termStart[t + 1]!;
    if (start === end) return undefined;
    let live = end - start;
    const own = docs.subarray(start, end);
    for (let i = 0; i < own.length; i++) if (this.removed.has(own[i]!)) live--;
    const posting: Posting = { docs: own, freqs: Float64Array.from(freqCodes.subarray(start, end), (code) => freqValues[code]!), live };
    this.postings.set(term, posting);
    return posting;
  }

  get size(): number {
    return this.ids.length - this.removed.size;
  }

  add(document: LexicalDocument): void {
    this.addTerms(document.id, { text: terms(document.text), heading: terms(document.heading.join(' ')), context: document.context ? terms(document.context) : [] });
  }

  /** Adds a document given as the search terms of its text, heading and context (as `terms` makes them). */
  addTerms(id: string, fields: { text: readonly string[]; heading: readonly string[]; context: readonly string[] }): void {
    if (this.positionById.has(id)) this.remove(id);
    const position = this.ids.length;
    const counts = new Map<string, number>();
    for (const term of fields.text) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const term of fields.heading) counts.set(term, (counts.get(term) ?? 0) + this.weights.headingWeight);
    for (const term of fields.context) counts.set(term, (counts.get(term) ?? 0) + this.weights.contextWeight);
    let length = 0;
    for (const [term, count] of counts) {
      let posting = this.posting(term);
      if (!posting) this.postings.set(term, (posting = { docs: [], freqs: [], live: 0 }));
      // A stored posting is a view of the bytes read: copied to grow.
      const docs = Array.isArray(posting.docs) ? posting.docs : (posting.docs = Array.from(posting.docs));
      const freqs = Array.isArray(posting.freqs) ? posting.freqs : (posting.freqs = Array.from(posting.freqs));
      docs.push(position);
      freqs.push(count);
      posting.live++;
      length += count;
    }
    this.ids.push(id);
    this.lengths.push(length);
    this.termsOf.push([...counts.keys()]);
    this.champions.clear();
    this.positionById.set(id, position);
    this.totalLength += length;
  }

  remove(id: string): boolean {
    const position = this.positionById.get(id);
    if (position === undefined) return false;
    // The postings are made (from the stored ones) before the document counts as removed, which they would leave out.
    const distinct = this.termsOf[position] ?? this.storedTermsOf(position);
    for (const term of distinct) this.posting(typeof term === 'number' ? this.vocabulary[term]! : term)!.live--;
    this.removed.add(position);
    this.positionById.delete(id);
    this.champions.clear();
    this.totalLength -= this.lengths[position]!;
    return true;
  }

  /** The distinct terms of a stored document, found in the stored postings (each term's documents are ascending). */
  private storedTermsOf(position: number): string[] {
    const found: string[] = [];
    const { termStart, docs } = this.stored!.postings;
    for (const [term, t] of this.stored!.termIds) {
      let low = termStart[t]!;
      let high = termStart[t + 1]!;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (docs[middle]! < position) low = middle + 1;
        else high = middle;
      }
      if (low < termStart[t + 1]! && docs[low] === position) found.push(term);
    }
    return found;
  }

  /** Inverse document frequency (BM25+ style, never negative); 0 for a term no document has. */
  idf(term: string): number {
    const n = this.posting(term)?.live ?? 0;
    if (n === 0) return 0;
    return Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
  }

  /** The largest IDF any term can have here: that of a term found in one document. */
  maxIdf(): number {
    return Math.log(1 + (this.size - 1 + 0.5) / 1.5);
  }

  search(query: string, k: number): LexicalHit[] {
    return this.searchTerms([...new Set(terms(query))], k);
  }

  private championList(term: string, posting: Posting): ChampionList {
    let list = this.champions.get(term);
    if (list) return list;
    const averageLength = this.totalLength / Math.max(1, this.size);
    const entries: [number, number][] = [];
    for (let i = 0; i < posting.docs.length; i++) {
      const doc = posting.docs[i]!;
      if (this.removed.has(doc)) continue;
      const freq = posting.freqs[i]!;
      const norm = K1 * (1 - B + (B * this.lengths[doc]!) / averageLength);
      entries.push([doc, (freq * (K1 + 1)) / (freq + norm)]);
    }
    if (entries.length > CHAMPIONS_PER_TERM) entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]).length = CHAMPIONS_PER_TERM;
    list = { docs: Int32Array.from(entries, (entry) => entry[0]), weights: Float64Array.from(entries, (entry) => entry[1]) };
    this.champions.set(term, list);
    return list;
  }

  searchTerms(queryTerms: string[], k: number): LexicalHit[] {
    const scores = new Map<number, number>();
    for (const term of queryTerms) {
      const posting = this.posting(term);
      if (!posting || posting.live === 0) continue;
      const idf = this.idf(term);
      const { docs, weights } = this.championList(term, posting);
      for (let i = 0; i < docs.length; i++) scores.set(docs[i]!, (scores.get(docs[i]!) ?? 0) + idf * weights[i]!);
    }
    return [...scores]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([doc, score]) => ({ id: this.ids[doc]!, score }));
  }
}

/** Throws unless the stored postings are whole and refer only to `documents` documents and `terms` terms. */
export function checkStoredBm25(stored: StoredBm25, documents: number, terms: number): void {
  const { lengths, termStart, docs, freqCodes, freqValues } = stored;
  if (lengths.length !== documents) throw new Error(`the stored lexical index holds ${lengths.length} documents, not ${documents}`);
  if (termStart.length !== terms + 1 || termStart[0] !== 0 || termStart[terms] !== docs.length || freqCodes.length !== docs.length) throw new Error('the stored postings do not fit the vocabulary');
  for (let t = 0; t < terms; t++) {
    const start = termStart[t]!;
    const end = termStart[t + 1]!;
    if (end < start) throw new Error('the stored postings are out of order');
    for (let i = start; i < end; i++) if (docs[i]! < 0 || docs[i]! >= documents || (i > start && docs[i]! <= docs[i - 1]!)) throw new Error('a stored posting refers to no document');
  }
  for (let i = 0; i < freqCodes.length; i++) if (freqCodes[i]! < 0 || freqCodes[i]! >= freqValues.length) throw new Error('a stored posting has no count');
}
