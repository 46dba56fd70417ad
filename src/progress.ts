import { loadEmbedder, type Embedder } from './embed/embedder.js';
import { Engine, type EngineOptions } from './engine.js';
import type { ProgressReporter } from './progress-reporter.js';

export { createProgressReporter, progressBar, silentProgress, type ProgressOutput, type ProgressReporter } from './progress-reporter.js';

/** Loads the model, saying so (and when the offline model is built first). */
export async function loadEmbedderWithProgress(config: EngineOptions['config'], logger: EngineOptions['logger'], progress: ProgressReporter): Promise<Embedder> {
  progress.step(`Loading the embedding model (${config.MODEL_DIR ?? config.MODEL_ID})`);
  return loadEmbedder(config, logger, { onBuildOfflineModel: () => progress.step('Building the offline word-vector model (the first time only, a few seconds)') });
}

/**
 * Engine.open with each slow step reported: loading (or first building) the model, then building the
 * index with a progress bar when the guides or the model changed. The caller's onProgress still runs.
 */
export async function openEngineWithProgress(options: EngineOptions, progress: ProgressReporter): Promise<Engine> {
  const embedder = options.embedder ?? (await loadEmbedderWithProgress(options.config, options.logger, progress));
  return Engine.open({
    ...options,
    embedder,
    onProgress(event) {
      progress.onBuild(event);
      options.onProgress?.(event);
    },
  });
}
