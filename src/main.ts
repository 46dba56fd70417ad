/**
 * `npm start`: validates the configuration, opens the database (DB_PATH), builds or loads the search
 * index, then either logs in to Discord (DISCORD_TOKEN set) or runs the console mode (no token: type
 * questions in the terminal).
 */
import { startBot, type Bot } from './bot/bot.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { runConsole } from './console.js';
import { ModelUnavailableError } from './embed/embedder.js';
import { IndexUnavailableError, type Engine } from './engine.js';
import { CorpusError } from './guide/load.js';
import { chooseLogFormat, createLogger, type Logger } from './log.js';
import { createProgressReporter, openEngineWithProgress, silentProgress } from './progress.js';
import { Store, StoreError } from './store/index.js';

const FRIENDLY_ERRORS = [ConfigError, CorpusError, ModelUnavailableError, IndexUnavailableError, StoreError];

function fail(error: unknown, logger?: Logger): never {
  const known = FRIENDLY_ERRORS.some((type) => error instanceof type);
  if (!known) logger?.fatal({ err: error }, 'could not start');
  process.stderr.write(`${known ? (error as Error).message : `Guidebot could not start: ${(error as Error)?.message ?? String(error)}`}\n`);
  process.exit(1);
}

function readConfig(): Config {
  loadDotEnv();
  try {
    return loadConfig();
  } catch (error) {
    fail(error);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const consoleMode = !config.DISCORD_TOKEN;
  const logger = createLogger(config.LOG_LEVEL ?? (consoleMode ? 'warn' : 'info'), undefined, chooseLogFormat(config.LOG_FORMAT, { terminal: process.stderr.isTTY, consoleMode }));
  let bot: Bot | undefined;
  let exiting = false;

  const exit = async (code: number, reason: string) => {
    if (exiting) {
      logger.warn({ reason }, 'second signal: exiting now');
      process.exit(1);
    }
    exiting = true;
    logger.info({ reason }, 'shutting down');
    if (bot) await bot.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void exit(0, 'SIGINT'));
  process.on('SIGTERM', () => void exit(0, 'SIGTERM'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    void exit(1, 'uncaught exception');
  });

  // The database first: a missing, read-only or damaged file stops start-up with a message naming
  // the file and the fix, before the slower index work (and the file is never reset).
  let store: Store;
  try {
    store = Store.open(config.DB_PATH, { defaults: { rateLimitPerUser: config.RATE_LIMIT_PER_USER, rateLimitWindowSeconds: config.RATE_LIMIT_WINDOW_SECONDS } });
  } catch (error) {
    fail(error, logger);
  }
  logger.info({ file: config.DB_PATH }, 'database opened');

  let engine: Engine;
  try {
    // A person watching (a terminal, or the console mode) sees each slow step and the embedding progress.
    const progress = consoleMode || process.stderr.isTTY ? createProgressReporter(process.stderr) : silentProgress;
    engine = await openEngineWithProgress(
      {
        config,
        logger,
        onProgress: (event) => {
          if (event.stage === 'ready') logger.info(event, event.rebuilt ? 'search index built' : 'search index loaded');
          else if (event.stage === 'load') logger.info(event, 'guides loaded');
        },
      },
      progress,
    );
  } catch (error) {
    fail(error, logger);
  }

  if (!config.DISCORD_TOKEN) {
    logger.info('no DISCORD_TOKEN set: starting the console mode');
    process.removeAllListeners('SIGINT');
    process.on('SIGINT', () => process.exit(0));
    store.close();
    await runConsole({ engine, logger });
    process.exit(0);
  }

  try {
    bot = await startBot({ config, engine, logger, store });
  } catch (error) {
    fail(error, logger);
  }
  const stats = engine.stats();
  logger.info({ guides: stats.guides, sections: stats.sections, chunks: stats.chunks, commands: bot.commandCount, user: bot.client.user?.tag, model: stats.model }, 'ready');
}

main().catch((error: unknown) => fail(error));
