import { loadEmbedder } from './embed/embedder.js';
import { Engine, type EngineOptions } from './engine.js';
import type { ProgressReporter } from './progress-reporter.js';

export { createProgressReporter, progressBar, silentProgress, type ProgressOutput, type ProgressReporter } from './progress-reporter.js';

/**
 * Engine.open with each slow step reported: loading (or first building) the model, then building the
 * index with a progress bar when the guides or the model changed. The caller's onProgress still runs.
 */
export async function openEngineWithProgress(options: EngineOptions, progress: ProgressReporter): Promise<Engine> {
  const { config, logger } = options;
  progress.step(`Loading the embedding model (${config.MODEL_DIR ?? config.MODEL_ID})`);
  const embedder =
    options.embedder ?? (await loadEmbedder(config, logger, { onBuildOfflineModel: () => progress.step('Building the offline word-vector model (the first time only, a few seconds)') }));
  return Engine.open({
    ...options,
    embedder,
    onProgress(event) {
      progress.onBuild(event);
      options.onProgress?.(event);
    },
  });
}
