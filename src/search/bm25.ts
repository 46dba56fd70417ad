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
  docs: number[];
  freqs: number[];
  /** Documents holding the term that are not removed. */
  live: number;
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
  /** Each document's distinct terms (for removal): as strings, or as positions in `vocabulary` for documents added by {@link fromTermIds}. */
  private readonly termsOf: (readonly string[] | Int32Array)[] = [];
  private vocabulary: readonly string[] = [];
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
    const byTerm = new Array<Posting | undefined>(vocabulary.length);
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
      let posting = this.postings.get(term);
      if (!posting) this.postings.set(term, (posting = { docs: [], freqs: [], live: 0 }));
      posting.docs.push(position);
      posting.freqs.push(count);
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
    this.removed.add(position);
    this.positionById.delete(id);
    const distinct = this.termsOf[position]!;
    for (const term of distinct) this.postings.get(typeof term === 'number' ? this.vocabulary[term]! : term)!.live--;
    this.champions.clear();
    this.totalLength -= this.lengths[position]!;
    return true;
  }

  /** Inverse document frequency (BM25+ style, never negative); 0 for a term no document has. */
  idf(term: string): number {
    const n = this.postings.get(term)?.live ?? 0;
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
      const posting = this.postings.get(term);
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
