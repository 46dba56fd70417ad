import type { Chunk, Sentence } from '../guide/types.js';
import { viewAs } from './typed-view.js';

/**
 * The chunks as the index stores them: every text once. A chunk's sentences are slices of its text, and a sentence's
 * normalised form is its text again unless normalising changed it (about one in ten), so the file holds a tenth more
 * than the guides' words instead of three times them, and loading makes one string of the text and slices of it
 * rather than parsing three copies out of JSON.
 *
 * Layout: a length-prefixed JSON header (the guides' names and heading paths once each, and per chunk its id,
 * source, guide, path, paragraph, part, page and sentence count), padded to 4 bytes; then 32-bit numbers: per chunk
 * the start and length of its text in the text pool, then per sentence the start and length of its text and of its
 * normalised form; then the text pool (UTF-8, see {@link Header.encoding}). Starts and lengths count UTF-16 code units
 * of the decoded pool.
 */
interface Header {
  sources: string[];
  guides: string[];
  paths: string[][];
  /** id, source, guide, path (positions in the lists above), paragraph, part, page (null: none), sentences. */
  chunks: [string, number, number, number, number, number, number | null, number][];
  sentences: number;
  /** How the text pool is encoded: UTF-8, unless the text holds a lone surrogate, which only UTF-16 keeps. */
  encoding: 'utf8' | 'utf16le';
}

/** With the u flag, a surrogate that is half of no pair: UTF-8 cannot encode it. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

class Pool {
  private readonly parts: string[] = [];
  private length = 0;

  add(text: string): number {
    const start = this.length;
    this.parts.push(text);
    this.length += text.length;
    return start;
  }

  toString(): string {
    return this.parts.join('');
  }
}

function indexer<T>(key: (value: T) => string) {
  const positions = new Map<string, number>();
  const values: T[] = [];
  return {
    values,
    of(value: T): number {
      const k = key(value);
      let position = positions.get(k);
      if (position === undefined) positions.set(k, (position = values.push(value) - 1));
      return position;
    },
  };
}

export function encodeChunks(chunks: readonly Chunk[]): Buffer {
  const sources = indexer<string>((source) => source);
  const guides = indexer<string>((guide) => guide);
  const paths = indexer<string[]>((path) => JSON.stringify(path));
  const pool = new Pool();
  const numbers: number[] = [];
  const sentenceNumbers: number[] = [];
  const header: Header = { sources: sources.values, guides: guides.values, paths: paths.values, chunks: [], sentences: 0, encoding: 'utf8' };
  for (const chunk of chunks) {
    const textStart = pool.add(chunk.text);
    numbers.push(textStart, chunk.text.length);
    let from = 0;
    for (const sentence of chunk.sentences) {
      // A sentence is found in its chunk's text from where the one before it ended; one that is not is stored itself.
      const within = chunk.text.indexOf(sentence.text, from);
      const start = within === -1 ? pool.add(sentence.text) : textStart + within;
      if (within !== -1) from = within + sentence.text.length;
      const normalisedStart = sentence.normalised === sentence.text ? start : pool.add(sentence.normalised);
      sentenceNumbers.push(start, sentence.text.length, normalisedStart, sentence.normalised.length);
    }
    header.chunks.push([chunk.id, sources.of(chunk.source), guides.of(chunk.guide), paths.of(chunk.path), chunk.paragraph, chunk.part, chunk.page ?? null, chunk.sentences.length]);
    header.sentences += chunk.sentences.length;
  }
  const text = pool.toString();
  if (LONE_SURROGATE.test(text)) header.encoding = 'utf16le';
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const padding = Buffer.alloc((4 - ((4 + headerBytes.length) % 4)) % 4);
  return Buffer.concat([length, headerBytes, padding, Buffer.from(Int32Array.from([...numbers, ...sentenceNumbers]).buffer), Buffer.from(text, header.encoding)]);
}

const isHeader = (value: unknown): value is Header => {
  const header = value as Partial<Header> | null;
  return (
    Array.isArray(header?.sources) &&
    Array.isArray(header.guides) &&
    Array.isArray(header.paths) &&
    header.paths.every((path) => Array.isArray(path) && path.every((heading) => typeof heading === 'string')) &&
    Array.isArray(header.chunks) &&
    typeof header.sentences === 'number' &&
    (header.encoding === 'utf8' || header.encoding === 'utf16le')
  );
};

/** Reads what {@link encodeChunks} wrote; throws when the bytes do not hold `expectedCount` chunks. */
export function decodeChunks(bytes: Buffer, expectedCount: number): Chunk[] {
  const headerLength = bytes.readUInt32LE(0);
  const header: unknown = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8'));
  if (!isHeader(header) || header.chunks.length !== expectedCount) throw new Error(`it does not hold ${expectedCount} chunks`);
  const start = 4 + headerLength + ((4 - ((4 + headerLength) % 4)) % 4);
  const numbersEnd = start + (header.chunks.length * 2 + header.sentences * 4) * Int32Array.BYTES_PER_ELEMENT;
  if (numbersEnd > bytes.length) throw new Error('it ends early');
  const numbers = viewAs(Int32Array, bytes.subarray(start, numbersEnd));
  const pool = bytes.toString(header.encoding, numbersEnd);
  const text = (at: number, length: number) => {
    if (at < 0 || length < 0 || at + length > pool.length) throw new Error('a text lies outside the stored text');
    return pool.slice(at, at + length);
  };
  let sentence = header.chunks.length * 2;
  return header.chunks.map(([id, source, guide, path, paragraph, part, page, sentenceCount], i) => {
    const sentences: Sentence[] = [];
    for (let s = 0; s < sentenceCount; s++, sentence += 4) {
      const [textStart, textLength, normalisedStart, normalisedLength] = [numbers[sentence]!, numbers[sentence + 1]!, numbers[sentence + 2]!, numbers[sentence + 3]!];
      const own = text(textStart, textLength);
      sentences.push({ text: own, normalised: normalisedStart === textStart && normalisedLength === textLength ? own : text(normalisedStart, normalisedLength) });
    }
    const [sourceName, guideName, headings] = [header.sources[source], header.guides[guide], header.paths[path]];
    if (typeof id !== 'string' || typeof sourceName !== 'string' || typeof guideName !== 'string' || !headings || typeof paragraph !== 'number' || typeof part !== 'number')
      throw new Error(`chunk ${i} is incomplete`);
    return {
      id,
      source: sourceName,
      guide: guideName,
      path: headings,
      paragraph,
      part,
      ...(typeof page === 'number' ? { page } : {}),
      text: text(numbers[i * 2]!, numbers[i * 2 + 1]!),
      sentences,
    };
  });
}
