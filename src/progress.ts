import { loadEmbedder, type Embedder } from './embed/embedder.js';
import { Engine, type BuildEvent, type EngineOptions } from './engine.js';

/**
 * What the slow first start is doing, for a person: one line per step, and a progress bar while the
 * guides are embedded. On a terminal the bar redraws in place; elsewhere (a pipe, a log file) only
 * its final state is written, so the output stays one line per step.
 */
export interface ProgressReporter {
  /** A step begins ("Loading the embedding model"). */
  step(text: string): void;
  /** Pass as Engine.open's onProgress. */
  onBuild(event: BuildEvent): void;
}

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function progressBar(done: number, total: number, width = 30): string {
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${done}/${total}`;
}

export function createProgressReporter(output: ProgressOutput, options: { interactive?: boolean } = {}): ProgressReporter {
  const interactive = options.interactive ?? output.isTTY === true;
  let barShown = false;
  const endBar = () => {
    if (barShown && interactive) output.write('\n');
    barShown = false;
  };
  const step = (text: string) => {
    endBar();
    output.write(`${text}…\n`);
  };
  return {
    step,
    onBuild(event) {
      switch (event.stage) {
        case 'load':
          step(`Building the search index (${event.guides} guides, ${event.chunks} passages, ${event.sentences} sentences)`);
          break;
        case 'embed': {
          const line = `Embedding ${progressBar(event.done, event.total)}`;
          if (interactive) output.write(`\r${line}`);
          else if (event.done >= event.total) output.write(`${line}\n`);
          barShown = true;
          break;
        }
        case 'write':
          endBar();
          break;
        case 'ready':
          endBar();
          break;
      }
    },
  };
}

/** A reporter that prints nothing (a service whose standard error is a log collector). */
export const silentProgress: ProgressReporter = { step: () => undefined, onBuild: () => undefined };

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
