import type { Chunk, Guide } from '../guide/types.js';
import { nameTerms } from './names.js';
import { mentionedWorks } from './scope.js';
import { stem } from './stem.js';
import { terms, termsOfWords, words } from './tokenize.js';
import { viewAs } from './typed-view.js';

/**
 * The corpus as search terms, computed when the index is built and stored with it, so that loading an index
 * does not split, normalise and stem the whole corpus again.
 */
export interface CorpusTerms {
  /** Per chunk, in index order: the terms of its text, of its heading path, and of each of its sentences. */
  chunks: { text: readonly string[]; heading: readonly string[]; sentences: (readonly string[])[] }[];
  /** Per section that has paragraphs, in guide and reading order: the terms of its paragraphs and of its heading path. */
  sections: { text: readonly string[]; heading: readonly string[] }[];
  /** Every word of the guides' headings and paragraphs (unstemmed) and how often it is used, in order of first use. */
  wordCounts: [string, number][];
  /** The distinct stems of those words (the spelling corrector leaves other forms of them alone). */
  wordStems: string[];
  /** The well-known other works the guides mention themselves (see scope.ts). */
  mentionedWorks: string[];
  /** The names the guides use, as search terms (see names.ts). */
  names: string[];
}

/** The studied books and their authors, as the guides' front matter names them. */
export function booksAndAuthors(guides: readonly Guide[]): { books: string[]; authors: string[] } {
  return {
    books: guides.map((guide) => guide.meta.book).filter((book): book is string => typeof book === 'string'),
    authors: guides.map((guide) => guide.meta.book_author).filter((author): author is string => typeof author === 'string'),
  };
}

/** The words of the book's title and author: capitalised in every guide, yet never the answer to "who". */
export function bookNameWords(guides: readonly Guide[]): Set<string> {
  const { books, authors } = booksAndAuthors(guides);
  return new Set([...books, ...authors].flatMap((name) => words(name)));
}

/** The texts the spelling corrector learns the guides' words from: every heading and paragraph. */
export const guideTexts = (guides: readonly Guide[]) => guides.flatMap((guide) => guide.sections.flatMap((section) => [...section.path, ...section.paragraphs]));

/**
 * The corpus's terms. `chunks[g][s]` are the chunks of `guides[g].sections[s]` (see chunkSections). Every
 * sentence is tokenised once: a sentence split cuts a paragraph only at white space, where no word and no rule
 * of the tokenizer reaches across, so a chunk's words are its sentences' words in order, and a section's those
 * of its chunks (the corpus-terms tests check this against tokenising the joined texts).
 */
export function computeCorpusTerms(guides: readonly Guide[], chunks: readonly (readonly (readonly Chunk[])[])[]): CorpusTerms {
  const counts = new Map<string, number>();
  const count = (list: readonly string[]) => {
    for (const word of list) counts.set(word, (counts.get(word) ?? 0) + 1);
  };
  const chunkTerms: CorpusTerms['chunks'] = [];
  const sectionTerms: CorpusTerms['sections'] = [];
  guides.forEach((guide, g) => {
    guide.sections.forEach((section, s) => {
      for (const heading of section.path) count(words(heading));
      const heading = terms(section.path.join(' '));
      const sectionText: string[] = [];
      for (const chunk of chunks[g]![s]!) {
        const text: string[] = [];
        const sentences = chunk.sentences.map((sentence) => {
          const list = words(sentence.normalised);
          count(list);
          const sentenceTerms = termsOfWords(list);
          text.push(...sentenceTerms);
          return sentenceTerms;
        });
        sectionText.push(...text);
        chunkTerms.push({ text, heading, sentences });
      }
      if (section.paragraphs.length > 0) sectionTerms.push({ text: sectionText, heading });
    });
  });
  return {
    chunks: chunkTerms,
    sections: sectionTerms,
    wordCounts: [...counts],
    wordStems: [...new Set(Array.from(counts.keys(), (word) => stem(word)))],
    mentionedWorks: mentionedWorks(guideTexts(guides).join(' ')),
    names: [
      ...nameTerms(
        guides.flatMap((guide) => guide.sections.flatMap((section) => section.paragraphs)),
        bookNameWords(guides),
      ),
    ],
  };
}

/**
 * The stored form: a length-prefixed JSON header (the distinct terms, the word counts, how many lists each
 * chunk has) followed by every term list as 32-bit numbers (the list's length, then its terms' positions in
 * the header), chunk by chunk (text, heading, sentences), then section by section (text, heading).
 */
export function encodeCorpusTerms(corpus: CorpusTerms): Buffer {
  const vocabulary = new Map<string, number>();
  const numbers: number[] = [];
  const push = (list: readonly string[]) => {
    numbers.push(list.length);
    for (const term of list) {
      let id = vocabulary.get(term);
      if (id === undefined) vocabulary.set(term, (id = vocabulary.size));
      numbers.push(id);
    }
  };
  for (const chunk of corpus.chunks) {
    push(chunk.text);
    push(chunk.heading);
    chunk.sentences.forEach(push);
  }
  for (const section of corpus.sections) {
    push(section.text);
    push(section.heading);
  }
  const header = Buffer.from(
    JSON.stringify({
      terms: [...vocabulary.keys()],
      sentenceCounts: corpus.chunks.map((chunk) => chunk.sentences.length),
      sections: corpus.sections.length,
      wordCounts: corpus.wordCounts,
      wordStems: corpus.wordStems,
      mentionedWorks: corpus.mentionedWorks,
      names: corpus.names,
    }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  // Pad so the numbers start on a 4-byte boundary.
  const padding = Buffer.alloc((4 - ((4 + header.length) % 4)) % 4);
  return Buffer.concat([length, header, padding, Buffer.from(Int32Array.from(numbers).buffer)]);
}

/** A chunk's stored term lists: of its text, of its heading path, and of each of its sentences. */
export interface ChunkTermLists {
  text: Int32Array;
  heading: Int32Array;
  sentences: Int32Array[];
}

/**
 * The stored terms as read back: every term list as positions in `vocabulary`, views of the file's numbers
 * (no string array per sentence, and a lexical index is built from them without a lookup per word).
 */
export interface StoredTerms extends Pick<CorpusTerms, 'wordCounts' | 'wordStems' | 'mentionedWorks' | 'names'> {
  vocabulary: readonly string[];
  /** Each term's position in `vocabulary`. */
  termIds: ReadonlyMap<string, number>;
  /** How many sentences each chunk has, in index order. */
  sentenceCounts: readonly number[];
  /** Chunk i's term lists, made when first asked for (a question looks at a few chunks). */
  chunk(i: number): ChunkTermLists;
  sections: { text: Int32Array; heading: Int32Array }[];
}

/** Reads what `encodeCorpusTerms` wrote, as term positions; throws when the bytes do not hold it. */
export function decodeStoredTerms(bytes: Buffer): StoredTerms {
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as {
    terms: string[];
    sentenceCounts: number[];
    sections: number;
    wordCounts: [string, number][];
    wordStems: string[];
    mentionedWorks: string[];
    names: string[];
  };
  if (![header.terms, header.sentenceCounts, header.wordCounts, header.wordStems, header.mentionedWorks, header.names].every(Array.isArray)) throw new Error('the header is incomplete');
  const start = 4 + headerLength + ((4 - ((4 + headerLength) % 4)) % 4);
  const numbers = viewAs(Int32Array, bytes.subarray(start));
  const vocabularySize = header.terms.length;
  // One pass finds where every list starts (each is its length, then its terms) and checks every term.
  const listCount = header.sentenceCounts.reduce((sum, sentences) => sum + 2 + sentences, 0) + 2 * header.sections;
  const listStart = new Int32Array(listCount + 1);
  let at = 0;
  for (let list = 0; list < listCount; list++) {
    const length = numbers[at];
    if (length === undefined || length < 0 || at + 1 + length > numbers.length) throw new Error('the term lists end early');
    listStart[list] = at + 1;
    for (let i = at + 1; i <= at + length; i++) if (numbers[i]! < 0 || numbers[i]! >= vocabularySize) throw new Error('a term list refers to no term');
    at += 1 + length;
  }
  if (at !== numbers.length) throw new Error('the term lists do not end where they should');
  const list = (index: number) => numbers.subarray(listStart[index], listStart[index]! + numbers[listStart[index]! - 1]!);
  const firstList: number[] = [];
  let next = 0;
  for (const sentences of header.sentenceCounts) {
    firstList.push(next);
    next += 2 + sentences;
  }
  const made: (ChunkTermLists | undefined)[] = [];
  const chunk = (i: number): ChunkTermLists => {
    const first = firstList[i];
    if (first === undefined) throw new RangeError(`no chunk ${i}`);
    return (made[i] ??= { text: list(first), heading: list(first + 1), sentences: Array.from({ length: header.sentenceCounts[i]! }, (_, s) => list(first + 2 + s)) });
  };
  const sections = Array.from({ length: header.sections }, (_, i) => ({ text: list(next + 2 * i), heading: list(next + 2 * i + 1) }));
  const termIds = new Map(header.terms.map((term, i) => [term, i]));
  if (termIds.size !== header.terms.length) throw new Error('a term is listed twice');
  return {
    vocabulary: header.terms,
    termIds,
    sentenceCounts: header.sentenceCounts,
    chunk,
    sections,
    wordCounts: header.wordCounts,
    wordStems: header.wordStems,
    mentionedWorks: header.mentionedWorks,
    names: header.names,
  };
}

/** The terms of a stored list, as strings. */
export const termsOf = (stored: Pick<StoredTerms, 'vocabulary'>, list: ArrayLike<number>): string[] => Array.from(list, (term) => stored.vocabulary[term]!);

/** Reads what `encodeCorpusTerms` wrote, as strings; throws when the bytes do not hold it. */
export function decodeCorpusTerms(bytes: Buffer): CorpusTerms {
  const stored = decodeStoredTerms(bytes);
  const strings = (list: Int32Array) => termsOf(stored, list);
  return {
    chunks: stored.sentenceCounts.map((_, i) => {
      const chunk = stored.chunk(i);
      return { text: strings(chunk.text), heading: strings(chunk.heading), sentences: chunk.sentences.map(strings) };
    }),
    sections: stored.sections.map((section) => ({ text: strings(section.text), heading: strings(section.heading) })),
    wordCounts: stored.wordCounts,
    wordStems: stored.wordStems,
    mentionedWorks: stored.mentionedWorks,
    names: stored.names,
  };
}
