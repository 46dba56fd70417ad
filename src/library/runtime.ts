import type { Config } from '../config.js';
import type { Embedder } from '../embed/embedder.js';
import type { BuildEvent } from '../engine.js';
import type { Logger } from '../log.js';
import { localBookEngineFactory, type OpenBookEngine } from './engine-factory.js';
import { Library } from './library.js';
import { guideParser } from './parser.js';
import { watchFolder, type FolderWatcher } from './watcher.js';

export interface LibraryRuntime {
  library: Library;
  watcher: FolderWatcher | undefined;
  close(): void;
}

export interface LibraryRuntimeOptions {
  config: Pick<Config, 'CORPUS_DIR' | 'INDEX_DIR' | 'MODEL_ID' | 'MODEL_DIR' | 'MODELS_DIR' | 'LIBRARY_DIR' | 'LIBRARY_MEMORY_MB' | 'CORPUS_WATCH'> & Partial<Pick<Config, 'MODEL_DTYPE'>>;
  logger: Logger;
  embedder: Embedder;
  /** How book engines are opened (default: in this thread); a worker pool passes its own. */
  openEngine?: OpenBookEngine;
  onProgress?: (event: BuildEvent) => void;
}

/** The library with its shared books loaded and, when CORPUS_WATCH is on, the corpus folder watched. */
export async function startLibrary(options: LibraryRuntimeOptions): Promise<LibraryRuntime> {
  const { config, logger } = options;
  const library = new Library({
    root: config.LIBRARY_DIR,
    corpusDir: config.CORPUS_DIR,
    indexDir: config.INDEX_DIR,
    openEngine: options.openEngine ?? localBookEngineFactory({ config, logger, embedder: options.embedder }),
    parser: guideParser,
    logger,
    memoryBudgetBytes: config.LIBRARY_MEMORY_MB * 1024 * 1024,
  });
  await library.start(options.onProgress);
  const watcher = config.CORPUS_WATCH === 'on' ? watchFolder(config.CORPUS_DIR, () => library.reloadShared(), logger) : undefined;
  return { library, watcher, close: () => watcher?.close() };
}
