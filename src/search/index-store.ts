import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { listGuideFiles } from '../guide/load.js';
import { normaliseText } from '../guide/normalise.js';
import type { Chunk, Guide } from '../guide/types.js';
import { checkStoredBm25, HEADING_WEIGHT } from './bm25.js';
import { decodeChunks } from './chunk-store.js';
import { decodeStoredTerms, type StoredTerms } from './corpus-terms.js';
import { decodeGuides } from './guide-snapshot.js';
import { CHUNK_WEIGHTS, chunkLexicalDocuments, sectionWeights } from './lexical-documents.js';
import { decodeLexical, encodeLexical, storeLexical, type StoredLexicalIndexes } from './lexical-store.js';
import { SPELLING_KEYS_RULES } from './spelling.js';
import type { TermFiles } from './term-files.js';
import { viewAs } from './typed-view.js';
import { hnswParameters, VectorIndex, type HnswParameters } from './vector-index.js';

/** Bump when the files' layout or meaning changes; older indexes are then rebuilt. */
export const INDEX_FORMAT_VERSION = 4;
/** Bump when loading, chunking or the text each chunk is embedded as changes what the same corpus produces. */
export const CHUNKING_VERSION = 2;

export const INDEX_FILES = {
  manifest: 'manifest.json',
  chunks: 'chunks.bin',
  dense: 'dense.hnsw',
  sentences: 'sentences.f32',
  terms: 'terms.bin',
  guides: 'guides.bin',
  spelling: 'spelling.f64',
  lexical: 'lexical.bin',
  cache: 'embedding-cache.sqlite',
} as const;

export interface Manifest {
  formatVersion: number;
  modelId: string;
  dimension: number;
  corpusHash: string;
  guideCount: number;
  sectionCount: number;
  chunkCount: number;
  sentenceCount: number;
  /** The HNSW graph's parameters, chosen from the chunk count when it was built. */
  hnsw: HnswParameters;
  /** The rules the stored spelling keys were made by (see spelling.ts). */
  spellingRules: string;
  /**
   * The corpus hash of the guide files `guides.bin` was parsed from: the same as `corpusHash`, unless the index
   * was copied for files that chunk the same (see {@link copyIndexAs}); the stored guides are then not used.
   */
  guidesHash: string;
  builtAt: string;
  buildMs: number;
  /** sha256 of each data file, checked on load. */
  files: Record<string, string>;
}

/** Everything retrieval needs, in memory. */
export interface StoredIndex {
  manifest: Manifest;
  /** The guides as parsed when the index was built (see guide-snapshot.ts); undefined when they were parsed from other files. */
  guides: Guide[] | undefined;
  chunks: Chunk[];
  dense: VectorIndex;
  /** One vector per sentence, chunk by chunk, in order; `sentenceStart[i]` is chunk i's first. */
  sentenceVectors: Float32Array[];
  sentenceStart: number[];
  /** The chunks' and sections' search terms and the guides' word counts, as computed at build time. */
  terms: StoredTerms;
  /** The keys of the spelling corrector's delete index over the guides' words (see delete-index.ts). */
  spellingKeys: Float64Array;
  /** The chunks' and sections' lexical indexes, with the default weights (see lexical-store.ts). */
  lexical: StoredLexicalIndexes;
}

export type IndexReadResult = { status: 'ok'; index: StoredIndex } | { status: 'missing' | 'stale' | 'corrupt'; reason: string };

/** The text a chunk is embedded as: its heading path, then its words. Headings say what a passage is about. */
export function chunkEmbeddingText(chunk: Pick<Chunk, 'path' | 'text'>): string {
  const heading = chunk.path.join(' › ');
  const text = normaliseText(chunk.text);
  return heading === '' ? text : `${heading}: ${text}`;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A hash of every guide file (names and bytes) and of the chunking rules. */
export function corpusHash(corpusDir: string): string {
  return filesHash(listGuideFiles(corpusDir).map((name) => path.join(corpusDir, name)));
}

/** A hash of the given guide files (names and bytes, in the order given) and of the chunking rules. */
export function filesHash(files: readonly string[]): string {
  const hash = createHash('sha256').update(`chunking:${CHUNKING_VERSION}\n`);
  for (const file of files) hash.update(path.basename(file)).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function writeAtomic(file: string, data: string | Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}

function packVectors(vectors: Float32Array[], dimension: number): Buffer {
  const packed = new Float32Array(vectors.length * dimension);
  vectors.forEach((vector, i) => packed.set(vector, i * dimension));
  return Buffer.from(packed.buffer);
}

export interface IndexContent {
  modelId: string;
  dimension: number;
  corpusHash: string;
  guideCount: number;
  sectionCount: number;
  guides: Guide[];
  chunks: Chunk[];
  /** `chunks` as `chunks.bin` holds them (encodeChunks). */
  chunksBin: Buffer;
  /** `guides` as `guides.bin` holds them (encodeGuides). */
  guidesBin: Buffer;
  chunkVectors: Float32Array[];
  sentenceVectors: Float32Array[];
  /** The terms and spelling keys, or their promise when another thread computes them while the graph is built. */
  termFiles: TermFiles | Promise<TermFiles>;
  buildStartedAt: number;
}

/** Builds the HNSW graph and writes every file, manifest last, so a crash never leaves a valid-looking index. */
export async function writeIndex(indexDir: string, content: IndexContent): Promise<StoredIndex> {
  fs.mkdirSync(indexDir, { recursive: true });
  const dense = VectorIndex.create(content.dimension, content.chunks.length, hnswParameters(content.chunks.length));
  content.chunkVectors.forEach((vector, label) => dense.add(label, vector));

  const { chunksBin, guidesBin } = content;
  const sentencesBin = packVectors(content.sentenceVectors, content.dimension);
  const densePath = path.join(indexDir, INDEX_FILES.dense);
  const temporaryDense = `${densePath}.${process.pid}.tmp`;
  dense.write(temporaryDense);
  const denseBytes = fs.readFileSync(temporaryDense);
  fs.renameSync(temporaryDense, densePath);
  writeAtomic(path.join(indexDir, INDEX_FILES.chunks), chunksBin);
  writeAtomic(path.join(indexDir, INDEX_FILES.sentences), sentencesBin);
  writeAtomic(path.join(indexDir, INDEX_FILES.guides), guidesBin);
  const hashes = { [INDEX_FILES.chunks]: sha256(chunksBin), [INDEX_FILES.dense]: sha256(denseBytes), [INDEX_FILES.sentences]: sha256(sentencesBin), [INDEX_FILES.guides]: sha256(guidesBin) };
  const { terms: termsBin, spellingKeys } = await content.termFiles;
  const spellingBin = Buffer.from(spellingKeys.buffer, spellingKeys.byteOffset, spellingKeys.byteLength);
  writeAtomic(path.join(indexDir, INDEX_FILES.terms), termsBin);
  writeAtomic(path.join(indexDir, INDEX_FILES.spelling), spellingBin);
  const terms = decodeStoredTerms(termsBin);
  const lexical = {
    chunks: storeLexical(terms.vocabulary, chunkLexicalDocuments(content.chunks, terms), CHUNK_WEIGHTS),
    sections: storeLexical(
      terms.vocabulary,
      terms.sections.map((section) => ({ ...section, context: [] })),
      sectionWeights(HEADING_WEIGHT),
    ),
  };
  const lexicalBin = encodeLexical(lexical);
  writeAtomic(path.join(indexDir, INDEX_FILES.lexical), lexicalBin);

  const manifest: Manifest = {
    formatVersion: INDEX_FORMAT_VERSION,
    modelId: content.modelId,
    dimension: content.dimension,
    corpusHash: content.corpusHash,
    guideCount: content.guideCount,
    sectionCount: content.sectionCount,
    chunkCount: content.chunks.length,
    sentenceCount: content.sentenceVectors.length,
    hnsw: dense.parameters,
    spellingRules: SPELLING_KEYS_RULES,
    guidesHash: content.corpusHash,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(performance.now() - content.buildStartedAt),
    files: { ...hashes, [INDEX_FILES.terms]: sha256(termsBin), [INDEX_FILES.spelling]: sha256(spellingBin), [INDEX_FILES.lexical]: sha256(lexicalBin) },
  };
  writeAtomic(path.join(indexDir, INDEX_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
  return {
    manifest,
    guides: content.guides,
    chunks: content.chunks,
    dense,
    sentenceVectors: content.sentenceVectors,
    sentenceStart: sentenceStarts(content.chunks),
    terms,
    spellingKeys,
    lexical,
  };
}

function sentenceStarts(chunks: Chunk[]): number[] {
  const starts: number[] = [];
  let next = 0;
  for (const chunk of chunks) {
    starts.push(next);
    next += chunk.sentences.length;
  }
  return starts;
}

/**
 * Reads an index, checking the manifest against what is expected (format, model, corpus) and every
 * file against its recorded hash. Never returns an index that does not match.
 */
/**
 * Copies an index into another folder under another corpus hash, for a corpus whose chunks are the
 * same as the one it was built from (only what the index does not hold changed, such as a guide's
 * spoiler map). The manifest is written last, so a copy cut short reads as missing. False when the
 * source has no readable manifest. The copy keeps the stored guides' own hash, so they are not taken for the
 * new files' guides: the engine parses those.
 */
export function copyIndexAs(fromDir: string, toDir: string, corpusHash: string): boolean {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(fromDir, INDEX_FILES.manifest), 'utf8')) as Manifest;
  } catch {
    return false;
  }
  fs.mkdirSync(toDir, { recursive: true });
  for (const name of [...Object.keys(manifest.files ?? {}), INDEX_FILES.cache]) {
    const source = path.join(fromDir, name);
    if (fs.existsSync(source)) fs.copyFileSync(source, path.join(toDir, name));
  }
  writeAtomic(path.join(toDir, INDEX_FILES.manifest), JSON.stringify({ ...manifest, corpusHash }, null, 2) + '\n');
  return true;
}

export function readIndex(indexDir: string, expected: { modelId: string; corpusHash: string }): IndexReadResult {
  const manifestPath = path.join(indexDir, INDEX_FILES.manifest);
  if (!fs.existsSync(manifestPath)) return { status: 'missing', reason: `no index in ${indexDir}` };
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch {
    return { status: 'corrupt', reason: `${manifestPath} is not valid JSON` };
  }
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return { status: 'stale', reason: `index format ${manifest.formatVersion}, this version reads ${INDEX_FORMAT_VERSION}` };
  if (manifest.modelId !== expected.modelId) return { status: 'stale', reason: `index built with ${manifest.modelId}, the model now is ${expected.modelId}` };
  if (manifest.corpusHash !== expected.corpusHash) return { status: 'stale', reason: 'the corpus changed since the index was built' };
  if (manifest.spellingRules !== SPELLING_KEYS_RULES) return { status: 'stale', reason: 'the spelling index is made by other rules now' };

  const hnsw = manifest.hnsw as Partial<HnswParameters> | undefined;
  if (typeof hnsw?.m !== 'number' || typeof hnsw.efConstruction !== 'number' || typeof hnsw.efSearch !== 'number')
    return { status: 'corrupt', reason: 'the manifest does not give the HNSW parameters' };
  const bytes: Record<string, Buffer> = {};
  for (const [name, hash] of Object.entries(manifest.files ?? {})) {
    const file = path.join(indexDir, name);
    if (!fs.existsSync(file)) return { status: 'corrupt', reason: `${name} is missing` };
    bytes[name] = fs.readFileSync(file);
    if (sha256(bytes[name]) !== hash) return { status: 'corrupt', reason: `${name} does not match its recorded hash` };
  }
  const chunksBytes = bytes[INDEX_FILES.chunks];
  const sentenceBytes = bytes[INDEX_FILES.sentences];
  const termsBytes = bytes[INDEX_FILES.terms];
  const guidesBytes = bytes[INDEX_FILES.guides];
  const spellingBytes = bytes[INDEX_FILES.spelling];
  const lexicalBytes = bytes[INDEX_FILES.lexical];
  if (!chunksBytes || !sentenceBytes || !termsBytes || !guidesBytes || !spellingBytes || !lexicalBytes || !bytes[INDEX_FILES.dense])
    return { status: 'corrupt', reason: 'the manifest does not list every index file' };

  let chunks: Chunk[];
  try {
    chunks = decodeChunks(chunksBytes, manifest.chunkCount);
  } catch (error) {
    return { status: 'corrupt', reason: `${INDEX_FILES.chunks} could not be read: ${(error as Error).message}` };
  }
  if (sentenceBytes.byteLength !== manifest.sentenceCount * manifest.dimension * Float32Array.BYTES_PER_ELEMENT) return { status: 'corrupt', reason: `${INDEX_FILES.sentences} has the wrong size` };
  const flat = viewAs(Float32Array, sentenceBytes);
  if (flat.length !== manifest.sentenceCount * manifest.dimension) return { status: 'corrupt', reason: `${INDEX_FILES.sentences} has the wrong size` };

  let terms: StoredTerms;
  try {
    terms = decodeStoredTerms(termsBytes);
  } catch (error) {
    return { status: 'corrupt', reason: `${INDEX_FILES.terms} could not be read: ${(error as Error).message}` };
  }
  if (terms.sentenceCounts.length !== chunks.length || terms.sentenceCounts.some((count, i) => count !== chunks[i]!.sentences.length))
    return { status: 'corrupt', reason: `${INDEX_FILES.terms} does not match ${INDEX_FILES.chunks}` };

  let guides: Guide[] | undefined;
  try {
    guides = manifest.guidesHash === expected.corpusHash ? decodeGuides(guidesBytes, manifest.guideCount) : undefined;
  } catch (error) {
    return { status: 'corrupt', reason: `${INDEX_FILES.guides} could not be read: ${(error as Error).message}` };
  }

  let spellingKeys: Float64Array;
  try {
    spellingKeys = viewAs(Float64Array, spellingBytes);
  } catch (error) {
    return { status: 'corrupt', reason: `${INDEX_FILES.spelling} could not be read: ${(error as Error).message}` };
  }
  for (let i = 1; i < spellingKeys.length; i++) if (spellingKeys[i - 1]! > spellingKeys[i]!) return { status: 'corrupt', reason: `${INDEX_FILES.spelling} is not sorted` };

  let lexical: StoredLexicalIndexes;
  try {
    lexical = decodeLexical(lexicalBytes);
    checkStoredBm25(lexical.chunks, chunks.length, terms.vocabulary.length);
    checkStoredBm25(lexical.sections, terms.sections.length, terms.vocabulary.length);
  } catch (error) {
    return { status: 'corrupt', reason: `${INDEX_FILES.lexical} could not be read: ${(error as Error).message}` };
  }

  let dense: VectorIndex;
  try {
    dense = VectorIndex.read(path.join(indexDir, INDEX_FILES.dense), manifest.dimension, manifest.hnsw);
  } catch (error) {
    return { status: 'corrupt', reason: `${INDEX_FILES.dense} could not be read: ${(error as Error).message}` };
  }
  if (dense.count !== manifest.chunkCount) return { status: 'corrupt', reason: `${INDEX_FILES.dense} holds ${dense.count} vectors, expected ${manifest.chunkCount}` };

  const sentenceVectors: Float32Array[] = [];
  for (let i = 0; i < manifest.sentenceCount; i++) sentenceVectors.push(flat.subarray(i * manifest.dimension, (i + 1) * manifest.dimension));
  return { status: 'ok', index: { manifest, guides, chunks, dense, sentenceVectors, sentenceStart: sentenceStarts(chunks), terms, spellingKeys, lexical } };
}
