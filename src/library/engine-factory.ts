import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { EmbeddingCache } from '../embed/cache.js';
import type { Embedder } from '../embed/embedder.js';
import { Engine, type BuildEvent } from '../engine.js';
import { chunkGuide } from '../guide/chunk.js';
import type { Logger } from '../log.js';
import { chunkEmbeddingText, INDEX_FILES } from '../search/index-store.js';

/** What of an engine the library hands out (the bot's GuideEngine is the same shape). */
export type BookEngine = Pick<Engine, 'ask' | 'sections' | 'section' | 'findSections' | 'quotations' | 'findQuote' | 'studyQuestions' | 'gradeAnswer' | 'stats'> &
  Partial<Pick<Engine, 'addNote' | 'removeNote' | 'embed' | 'embedder'>>;

/**
 * An engine over an explicit set of guides: plain data, so the same spec can be opened in this
 * thread or sent to a worker thread.
 */
export interface BookEngineSpec {
  guideFiles: string[];
  indexDir: string;
  /** An index folder whose embedding cache seeds a new one (the previous index of the book, or the shared one). */
  seedCacheFrom?: string;
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

function seedCache(spec: BookEngineSpec): void {
  if (!spec.seedCacheFrom) return;
  const target = path.join(spec.indexDir, INDEX_FILES.cache);
  const source = path.join(spec.seedCacheFrom, INDEX_FILES.cache);
  if (fs.existsSync(target) || !fs.existsSync(source)) return;
  fs.mkdirSync(spec.indexDir, { recursive: true });
  fs.copyFileSync(source, target);
}

/** Keeps only the vectors of the texts this index holds, so a removed guide's vectors go with it. */
function pruneCache(engine: Engine, indexDir: string): void {
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
