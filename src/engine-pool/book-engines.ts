import type { Config } from '../config.js';
import type { BuildEvent } from '../engine.js';
import { seedCache, type OpenBookEngine } from '../library/engine-factory.js';
import type { EnginePool } from './pool.js';

export interface PooledFactoryOptions {
  pool: EnginePool;
  config: Pick<Config, 'CORPUS_DIR' | 'INDEX_DIR' | 'MODEL_ID' | 'MODEL_DIR' | 'MODELS_DIR'> & Partial<Pick<Config, 'MODEL_DTYPE'>>;
}

/**
 * Opens the library's book engines on a worker pool: each book on every worker, from the same index
 * files. The embedding cache is seeded here as in this thread; after a rebuild the worker that built
 * the index prunes it to the book's texts. An engine's close() lets the workers drop it.
 */
export function pooledBookEngineFactory(options: PooledFactoryOptions): OpenBookEngine {
  const { CORPUS_DIR, MODEL_ID, MODEL_DIR, MODELS_DIR, MODEL_DTYPE } = options.config;
  return async (spec, onProgress) => {
    seedCache(spec);
    let computed = 0;
    const engine = await options.pool.open(
      { config: { CORPUS_DIR, MODEL_ID, MODEL_DIR, MODELS_DIR, ...(MODEL_DTYPE ? { MODEL_DTYPE } : {}), INDEX_DIR: spec.indexDir }, guideFiles: spec.guideFiles },
      {
        onProgress: (event: BuildEvent) => {
          if (event.stage === 'ready') computed = event.computed;
          onProgress?.(event);
        },
      },
    );
    return { engine, computed };
  };
}
