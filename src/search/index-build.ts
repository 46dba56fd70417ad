import fs from 'node:fs';
import path from 'node:path';
import { EmbeddingCache } from '../embed/cache.js';
import type { Embedder } from '../embed/embedder.js';
import { chunkSections } from '../guide/chunk.js';
import type { Guide } from '../guide/types.js';
import { encodeChunks } from './chunk-store.js';
import { encodeGuides } from './guide-snapshot.js';
import { chunkEmbeddingText, INDEX_FILES, writeIndex, type StoredIndex } from './index-store.js';
import { termFilesFor } from './term-files.js';

/** The index cannot be used and cannot be rebuilt; the message says what to do. */
export class IndexUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexUnavailableError';
  }
}

export type BuildEvent =
  | { stage: 'load'; guides: number; sections: number; chunks: number; sentences: number }
  | { stage: 'embed'; done: number; total: number }
  | { stage: 'write' }
  | { stage: 'ready'; rebuilt: boolean; reason?: string; computed: number; ms: number };

/** Chunks every guide, embeds chunks and sentences (reusing cached vectors) and writes the index. */
export async function buildIndex(guides: Guide[], hash: string, embedder: Embedder, indexDir: string, onProgress?: (event: BuildEvent) => void): Promise<{ index: StoredIndex; computed: number }> {
  const buildStartedAt = performance.now();
  const sectionChunks = guides.map(chunkSections);
  const chunks = sectionChunks.flat(2);
  const sentenceTexts = chunks.flatMap((chunk) => chunk.sentences.map((sentence) => sentence.normalised));
  onProgress?.({
    stage: 'load',
    guides: guides.length,
    sections: guides.reduce((sum, guide) => sum + guide.sections.length, 0),
    chunks: chunks.length,
    sentences: sentenceTexts.length,
  });
  try {
    fs.mkdirSync(indexDir, { recursive: true });
    fs.accessSync(indexDir, fs.constants.W_OK);
  } catch {
    throw new IndexUnavailableError(`The index folder ${indexDir} cannot be written. Fix its permissions or set INDEX_DIR to a writable folder.`);
  }
  const chunksBin = encodeChunks(chunks);
  const guidesBin = encodeGuides(guides);
  // Computed meanwhile in another thread when the corpus is large (see term-files.ts).
  const termFiles = termFilesFor({ guides, chunks: sectionChunks, guidesBin, chunksBin });
  // A failure is reported by writeIndex's await; until then, keep it from counting as unhandled.
  if (termFiles instanceof Promise) termFiles.catch(() => undefined);
  const cache = new EmbeddingCache(path.join(indexDir, INDEX_FILES.cache));
  try {
    const texts = [...chunks.map(chunkEmbeddingText), ...sentenceTexts];
    const { vectors, computed } = await cache.embed(embedder, texts, (done, total) => onProgress?.({ stage: 'embed', done, total }));
    onProgress?.({ stage: 'write' });
    const index = await writeIndex(indexDir, {
      modelId: embedder.identity,
      dimension: embedder.dimension,
      corpusHash: hash,
      guideCount: guides.length,
      sectionCount: guides.reduce((sum, guide) => sum + guide.sections.length, 0),
      guides,
      chunks,
      chunksBin,
      guidesBin,
      chunkVectors: vectors.slice(0, chunks.length),
      sentenceVectors: vectors.slice(chunks.length),
      termFiles,
      buildStartedAt,
    });
    return { index, computed };
  } finally {
    cache.close();
  }
}
