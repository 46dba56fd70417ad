import { Bm25Index, type Bm25Weights, type StoredBm25, type TermIdDocument } from './bm25.js';
import { viewAs } from './typed-view.js';

/**
 * The chunks' and the sections' lexical indexes, stored with the search index so that loading one is a view of the
 * bytes read rather than a count of every term of the corpus (see {@link Bm25Index.fromStored}).
 */
export interface StoredLexicalIndexes {
  chunks: StoredBm25;
  sections: StoredBm25;
}

/** The stored form of the index {@link Bm25Index.fromTermIds} makes of these documents (their ids are given again on load). */
export function storeLexical(vocabulary: readonly string[], documents: readonly Omit<TermIdDocument, 'id'>[], weights: Bm25Weights): StoredBm25 {
  // Positions as ids: the stored form holds every document, and loading under the real ids drops repeated ones as building does.
  return Bm25Index.fromTermIds(
    vocabulary,
    documents.map((document, i) => ({ ...document, id: String(i) })),
    weights,
  ).toStored();
}

/** The indexes and each one's arrays, in the order the file holds them. */
const NAMES = ['chunks', 'sections'] as const;
const ARRAYS = ['lengths', 'freqValues', 'termStart', 'docs', 'freqCodes'] as const;
const ALIGN = Float64Array.BYTES_PER_ELEMENT;

/**
 * The stored form: a length-prefixed JSON header (each index's weights and array lengths), padded to 8 bytes, then
 * each index's arrays in turn, each padded to 8 bytes: lengths and count values as 64-bit floats, term starts,
 * documents and count codes as 32-bit integers.
 */
export function encodeLexical(indexes: StoredLexicalIndexes): Buffer {
  const parts: Buffer[] = [];
  const pad = (length: number) => Buffer.alloc((ALIGN - (length % ALIGN)) % ALIGN);
  const header = Buffer.from(JSON.stringify(Object.fromEntries(NAMES.map((name) => [name, { weights: indexes[name].weights, sizes: ARRAYS.map((key) => indexes[name][key].length) }]))));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  parts.push(length, header, pad(4 + header.length));
  for (const name of NAMES)
    for (const key of ARRAYS) {
      const array = indexes[name][key];
      const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
      parts.push(bytes, pad(bytes.length));
    }
  return Buffer.concat(parts);
}

interface Header {
  weights: Bm25Weights;
  sizes: number[];
}

/** Reads what {@link encodeLexical} wrote, as views of the bytes; throws when they do not hold it. */
export function decodeLexical(bytes: Buffer): StoredLexicalIndexes {
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as Partial<Record<keyof StoredLexicalIndexes, Header>>;
  let at = 4 + headerLength;
  at += (ALIGN - (at % ALIGN)) % ALIGN;
  const read = (name: keyof StoredLexicalIndexes): StoredBm25 => {
    const entry = header[name];
    if (typeof entry?.weights?.headingWeight !== 'number' || typeof entry.weights.contextWeight !== 'number' || !Array.isArray(entry.sizes) || entry.sizes.length !== ARRAYS.length)
      throw new Error(`the header does not describe the ${name}' index`);
    const sizes = entry.sizes;
    const take = <T extends Float64Array | Int32Array>(Type: typeof Float64Array | typeof Int32Array, i: number): T => {
      const size = sizes[i]!;
      const end = at + size * Type.BYTES_PER_ELEMENT;
      if (!Number.isInteger(size) || size < 0 || end > bytes.length) throw new Error(`the ${name}' index ends early`);
      const view = Type === Float64Array ? viewAs(Float64Array, bytes.subarray(at, end)) : viewAs(Int32Array, bytes.subarray(at, end));
      at = end + ((ALIGN - (end % ALIGN)) % ALIGN);
      return view as T;
    };
    // In the order of ARRAYS.
    const lengths = take<Float64Array>(Float64Array, 0);
    const freqValues = take<Float64Array>(Float64Array, 1);
    const termStart = take<Int32Array>(Int32Array, 2);
    const docs = take<Int32Array>(Int32Array, 3);
    const freqCodes = take<Int32Array>(Int32Array, 4);
    return { weights: { headingWeight: entry.weights.headingWeight, contextWeight: entry.weights.contextWeight }, lengths, freqValues, termStart, docs, freqCodes };
  };
  const [chunks, sections] = NAMES.map(read) as [StoredBm25, StoredBm25];
  const indexes = { chunks, sections };
  if (at !== bytes.length) throw new Error('the indexes do not end where they should');
  return indexes;
}
