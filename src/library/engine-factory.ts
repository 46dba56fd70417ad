import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { EmbeddingCache } from '../embed/cache.js';
import type { Embedder } from '../embed/embedder.js';
import type { BuildEvent, Engine } from '../engine.js';
import { chunkGuide } from '../guide/chunk.js';
import type { Logger } from '../log.js';
import { chunkEmbeddingText, copyIndexAs, filesHash, INDEX_FILES } from '../search/index-store.js';

/** What of an engine the library hands out (the bot's GuideEngine is the same shape). */
export type BookEngine = Pick<Engine, 'ask' | 'sections' | 'section' | 'findSections' | 'quotations' | 'findQuote' | 'studyQuestions' | 'gradeAnswer' | 'stats'> &
  Partial<Pick<Engine, 'addNote' | 'embed'>> & {
    /** Sync in this thread; an engine in worker threads answers once every worker has removed it. */
    removeNote?(id: string): boolean | Promise<boolean>;
    /** What of the model the bot reads (an engine in a worker thread sends this much of it). */
    embedder?: Pick<Engine['embedder'], 'modelId' | 'dtype' | 'identity' | 'offline' | 'dimension' | 'profile'>;
    /** Called once the library no longer hands this engine out (evicted, or replaced by a reload): an engine held elsewhere (a worker thread) is let go. */
    close?(): void | Promise<void>;
  };

/**
 * An engine over an explicit set of guides: plain data, so the same spec can be opened in this
 * thread or sent to a worker thread.
 */
export interface BookEngineSpec {
  guideFiles: string[];
  indexDir: string;
  /** An index folder whose embedding cache seeds a new one (the previous index of the book, or the shared one). */
  seedCacheFrom?: string;
  /** An index of exactly the same chunks (the guides changed only in what the index does not hold): copied instead of built. */
  reuseIndexFrom?: string;
}

export interface OpenedBookEngine {
  engine: BookEngine;
  /** Texts embedded by the model for this open (0 when the index was loaded or every vector was cached). */
  computed: number;
}

export type OpenBookEngine = (spec: BookEngineSpec, onProgress?: (event: BuildEvent) => void) => Promise<OpenedBookEngine>;

export interface LocalFactoryOptions {
  config: Pick<Config, 'CORPUS_DIR' | 'INDEX_DIR' | 'MODEL_ID' | 'MODEL_DIR' | 'MODELS_DIR'> & Partial<Pick<Config, 'MODEL_DTYPE'>>;
  logger: Logger;
  /** The one loaded model every book engine shares. */
  embedder: Embedder;
}

/**
 * Prepares a new index folder: a copy of the index of the same chunks when there is one (then nothing
 * is built), else the seed index's embedding cache, so unchanged texts are not embedded again.
 */
export function seedCache(spec: BookEngineSpec): void {
  if (spec.reuseIndexFrom && !fs.existsSync(path.join(spec.indexDir, INDEX_FILES.manifest)) && copyIndexAs(spec.reuseIndexFrom, spec.indexDir, filesHash(spec.guideFiles))) return;
  if (!spec.seedCacheFrom) return;
  const target = path.join(spec.indexDir, INDEX_FILES.cache);
  const source = path.join(spec.seedCacheFrom, INDEX_FILES.cache);
  if (fs.existsSync(target) || !fs.existsSync(source)) return;
  fs.mkdirSync(spec.indexDir, { recursive: true });
  fs.copyFileSync(source, target);
}

/** Keeps only the vectors of the texts this index holds, so a removed guide's vectors go with it. */
export function pruneCache(engine: Pick<Engine, 'guides' | 'embedder'>, indexDir: string): void {
  const chunks = engine.guides.flatMap(chunkGuide);
  const texts = [...chunks.map(chunkEmbeddingText), ...chunks.flatMap((chunk) => chunk.sentences.map((sentence) => sentence.normalised))];
  const cache = new EmbeddingCache(path.join(indexDir, INDEX_FILES.cache));
  try {
    cache.retainOnly(engine.embedder.identity, texts);
  } finally {
    cache.close();
  }
}

/** Opens book engines in this thread, all sharing one model. */
export function localBookEngineFactory(options: LocalFactoryOptions): OpenBookEngine {
  return async (spec, onProgress) => {
    // Loaded only here: with engines in worker threads the model runtime stays out of this thread.
    const { Engine } = await import('../engine.js');
    seedCache(spec);
    let computed = 0;
    let rebuilt = false;
    const engine = await Engine.open({
      config: { ...options.config, INDEX_DIR: spec.indexDir },
      logger: options.logger,
      embedder: options.embedder,
      guideFiles: spec.guideFiles,
      onProgress: (event) => {
        if (event.stage === 'ready') {
          computed = event.computed;
          rebuilt = event.rebuilt;
        }
        onProgress?.(event);
      },
    });
    if (rebuilt) pruneCache(engine, spec.indexDir);
    return { engine, computed };
  };
}
