import type { Chunk, Guide } from '../guide/types.js';
import { startWorker } from '../worker-entry.js';
import { decodeChunks } from './chunk-store.js';
import { computeCorpusTerms, encodeCorpusTerms } from './corpus-terms.js';
import { decodeGuides } from './guide-snapshot.js';
import { SpellingCorrector } from './spelling.js';

/**
 * From this many chunks the terms are computed in a worker thread while the build embeds the chunks and
 * makes the HNSW graph (at 13,000 chunks they take seconds); below it starting the thread costs more than
 * it saves.
 */
export const TERMS_THREAD_MIN_CHUNKS = 5_000;

/** What the index stores of the corpus's terms: `terms.bin` (see corpus-terms.ts) and the spelling corrector's delete keys. */
export interface TermFiles {
  terms: Buffer;
  spellingKeys: Float64Array;
}

/** The guides as the index stores them, which is what a worker thread needs to compute their terms. */
export interface TermSource {
  guides: readonly Guide[];
  /** `chunks[g][s]`: the chunks of `guides[g].sections[s]` (see chunkSections). */
  chunks: readonly (readonly (readonly Chunk[])[])[];
  /** `guides.bin`'s bytes (encodeGuides). */
  guidesBin: Uint8Array;
  /** `chunks.bin` (every chunk, in index order; encodeChunks). */
  chunksBin: Uint8Array;
}

/** The message a terms thread receives: the stored forms, and how many chunks each section has, guide by guide. */
export interface TermThreadInput {
  guidesBin: Uint8Array;
  guideCount: number;
  chunksBin: Uint8Array;
  sectionChunkCounts: number[][];
}

export type TermThreadOutput = { ok: true; terms: Uint8Array; spellingKeys: Float64Array } | { ok: false; message: string };

export function termFiles(guides: readonly Guide[], chunks: TermSource['chunks']): TermFiles {
  const terms = computeCorpusTerms(guides, chunks);
  return { terms: encodeCorpusTerms(terms), spellingKeys: SpellingCorrector.keysFor(terms.wordCounts) };
}

/** What a terms thread computes, from its input (the thread's whole job; also callable in-process). */
export function termFilesFromStored(input: TermThreadInput): TermFiles {
  const guides = decodeGuides(Buffer.from(input.guidesBin.buffer, input.guidesBin.byteOffset, input.guidesBin.byteLength), input.guideCount);
  const all = decodeChunks(
    Buffer.from(input.chunksBin.buffer, input.chunksBin.byteOffset, input.chunksBin.byteLength),
    input.sectionChunkCounts.flat().reduce((sum, count) => sum + count, 0),
  );
  let next = 0;
  const chunks = input.sectionChunkCounts.map((sections) => sections.map((count) => all.slice(next, (next += count))));
  if (next !== all.length) throw new Error(`the sections' chunk counts add up to ${next}, not the ${all.length} chunks`);
  return termFiles(guides, chunks);
}

/** Computes the term files in a worker thread; the promise rejects with the thread's error. */
export function termFilesInThread(source: TermSource): Promise<TermFiles> {
  const input: TermThreadInput = {
    guidesBin: source.guidesBin,
    guideCount: source.guides.length,
    chunksBin: source.chunksBin,
    sectionChunkCounts: source.chunks.map((sections) => sections.map((chunks) => chunks.length)),
  };
  return new Promise((resolve, reject) => {
    const worker = startWorker(import.meta.url, 'term-files-worker', { workerData: input });
    let settled = false;
    worker.once('message', (output: TermThreadOutput) => {
      settled = true;
      if (output.ok) resolve({ terms: Buffer.from(output.terms.buffer, output.terms.byteOffset, output.terms.byteLength), spellingKeys: output.spellingKeys });
      else reject(new Error(`computing the corpus terms failed: ${output.message}`));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the corpus terms thread stopped (exit code ${code}) before it answered`));
    });
  });
}

/** The term files for an index of these guides: in a worker thread for a large corpus, else here and now. */
export function termFilesFor(source: TermSource): TermFiles | Promise<TermFiles> {
  const chunkCount = source.chunks.reduce((sum, sections) => sum + sections.reduce((inGuide, chunks) => inGuide + chunks.length, 0), 0);
  return chunkCount >= TERMS_THREAD_MIN_CHUNKS ? termFilesInThread(source) : termFiles(source.guides, source.chunks);
}
