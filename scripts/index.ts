/**
 * `npm run index [-- --force]`: builds (or verifies) the search index, with a progress bar and a summary.
 */
import { type BuildEvent } from '../src/engine.js';
import { createProgressReporter, openEngineWithProgress } from '../src/progress.js';
import { exitWithError, parseCommandLine, startCli } from './cli.js';

async function main() {
  const { values: options } = parseCommandLine(process.argv.slice(2), { usage: 'npm run index [-- --force]', options: { force: { type: 'boolean' } } });
  const { config, logger } = startCli();
  const started = performance.now();
  let counts: Extract<BuildEvent, { stage: 'load' }> | undefined;
  let ready: Extract<BuildEvent, { stage: 'ready' }> | undefined;

  const engine = await openEngineWithProgress(
    {
      config,
      logger,
      rebuild: options.force ? 'force' : 'auto',
      onProgress(event) {
        if (event.stage === 'load') counts = event;
        if (event.stage === 'ready') ready = event;
      },
    },
    createProgressReporter(process.stderr),
  );

  const stats = engine.stats();
  const ms = Math.round(performance.now() - started);
  const lines = [
    ready?.rebuilt ? `Built the index in ${config.INDEX_DIR}` : `The index in ${config.INDEX_DIR} is up to date`,
    `  model      ${stats.model} (${engine.embedder.dimension} dimensions)`,
    `  guides     ${stats.guides}`,
    `  sections   ${counts?.sections ?? stats.sections}`,
    `  chunks     ${stats.chunks}`,
    `  sentences  ${stats.sentences}`,
    ...(ready?.rebuilt ? [`  embedded   ${ready.computed} new texts (${(counts?.chunks ?? 0) + (counts?.sentences ?? 0) - ready.computed} from the cache)`] : []),
    `  time       ${(ms / 1000).toFixed(2)} s (including model load)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch(exitWithError);
