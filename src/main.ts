/**
 * `npm start` (`node dist/main.js`): validates the configuration, opens the database (DB_PATH), builds
 * or loads the search index, then either logs in to Discord (DISCORD_TOKEN set) or runs the console
 * mode (no token: type questions in the terminal). With HEALTH_PORT set it also serves /healthz and
 * /metrics. SIGTERM and SIGINT stop it gracefully once (see shutdown.ts).
 */
import { startBot, type Bot } from './bot/bot.js';
import { TOKEN_REJECTED_EXIT_CODE, TOKEN_REJECTED_MESSAGE, TokenRejectedError } from './bot/token.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { runConsole } from './console.js';
import { ModelUnavailableError } from './embed/embedder.js';
import { IndexUnavailableError } from './engine.js';
import { CorpusError } from './guide/load.js';
import type { BookEngine } from './library/engine-factory.js';
import { LibraryFileError } from './library/state.js';
import { startLibrary, type LibraryRuntime } from './library/runtime.js';
import { guideParser } from './library/parser.js';
import { chooseLogFormat, createLogger, type Logger } from './log.js';
import { healthChecks } from './ops/health-checks.js';
import { startHealthServer, type HealthServer } from './ops/health-server.js';
import { BotMetrics, countEngineErrors, METRICS_CONTENT_TYPE } from './ops/metrics.js';
import { createProgressReporter, loadEmbedderWithProgress, silentProgress } from './progress.js';
import { clusterEvents } from './sharding/cluster-events.js';
import { syncLibraryAcrossProcesses } from './sharding/library-sync.js';
import { describeShards } from './sharding/shard-plan.js';
import { healthPortOf } from './sharding/health-port.js';
import { installShutdown } from './shutdown.js';
import { Store, StoreError } from './store/index.js';

const FRIENDLY_ERRORS = [ConfigError, CorpusError, ModelUnavailableError, IndexUnavailableError, StoreError, TokenRejectedError, LibraryFileError];

function fail(error: unknown, logger?: Logger): never {
  const known = FRIENDLY_ERRORS.some((type) => error instanceof type);
  if (!known) logger?.fatal({ err: error }, 'could not start');
  process.stderr.write(`${known ? (error as Error).message : `Guidebot could not start: ${(error as Error)?.message ?? String(error)}`}\n`);
  process.exit(error instanceof TokenRejectedError ? TOKEN_REJECTED_EXIT_CODE : 1);
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
  const sharded = config.shards.count > 1;
  const shardLabel = describeShards(config.shards.ids);
  const baseLogger = createLogger(config.LOG_LEVEL ?? (consoleMode ? 'warn' : 'info'), undefined, chooseLogFormat(config.LOG_FORMAT, { terminal: process.stderr.isTTY, consoleMode }));
  const logger = sharded ? baseLogger.child({ shard: shardLabel }) : baseLogger;
  let bot: Bot | undefined;
  let store: Store | undefined;
  let engine: BookEngine | undefined;
  let library: LibraryRuntime | undefined;
  let health: HealthServer | undefined;

  const shutdown = installShutdown({
    logger,
    drain: async () => {
      library?.close();
      if (bot) await bot.stop();
      await bot?.services.teacher?.events?.close();
      await health?.close();
    },
  });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    void shutdown.stop(1, 'uncaught exception');
  });

  // The database first: a missing, read-only or damaged file stops start-up with a message naming
  // the file and the fix, before the slower index work (and the file is never reset).
  try {
    store = await Store.open(config.DB_PATH, {
      databaseUrl: config.DATABASE_URL,
      poolSize: config.DATABASE_POOL_SIZE,
      defaults: { rateLimitPerUser: config.RATE_LIMIT_PER_USER, rateLimitWindowSeconds: config.RATE_LIMIT_WINDOW_SECONDS },
    });
  } catch (error) {
    fail(error, logger);
  }
  logger.info(config.DATABASE_URL ? { postgres: store.db.location, poolSize: config.DATABASE_POOL_SIZE } : { file: config.DB_PATH }, 'database opened');

  const metrics = consoleMode ? undefined : new BotMetrics({ indexSize: () => engine?.stats() ?? { guides: 0, sections: 0, chunks: 0 }, ...(sharded ? { shard: shardLabel } : {}) });
  const healthPort = config.HEALTH_PORT === undefined ? undefined : healthPortOf(config.HEALTH_PORT, config.shards, process.env);
  if (!consoleMode && healthPort !== undefined) {
    const opened = store;
    try {
      health = await startHealthServer({
        host: config.HEALTH_HOST,
        port: healthPort,
        checks: healthChecks({ bot: () => bot, index: () => engine?.stats(), db: () => opened }),
        metrics: metrics && { text: () => metrics.text(), contentType: METRICS_CONTENT_TYPE },
        logger,
      });
    } catch (error) {
      fail(new ConfigError([`HEALTH_PORT: cannot listen on ${config.HEALTH_HOST}:${healthPort} (${(error as Error).message})`]), logger);
    }
  }

  try {
    // A person watching (a terminal, or the console mode) sees each slow step and the embedding progress.
    const progress = consoleMode || process.stderr.isTTY ? createProgressReporter(process.stderr) : silentProgress;
    const embedder = await loadEmbedderWithProgress(config, logger, progress);
    // The host's corpus is the shared library; servers' own guides load when first asked.
    library = await startLibrary({
      config: consoleMode ? { ...config, CORPUS_WATCH: 'off' } : config,
      logger,
      embedder,
      onProgress: (event) => {
        progress.onBuild(event);
        if (event.stage === 'ready') logger.info(event, event.rebuilt ? 'search index built' : 'search index loaded');
        else if (event.stage === 'load') logger.info(event, 'guides loaded');
      },
    });
    engine = library.library.sharedEngine();
    if (!engine) throw new CorpusError(`The corpus folder ${config.CORPUS_DIR} has no guides (.md or .txt files).`);
  } catch (error) {
    fail(error, logger);
  }

  if (!config.DISCORD_TOKEN) {
    logger.info('no DISCORD_TOKEN set: starting the console mode');
    process.removeAllListeners('SIGINT');
    process.on('SIGINT', () => process.exit(0));
    await store.close();
    await runConsole({ engine, logger });
    process.exit(0);
  }

  const events = await clusterEvents(config, store, logger);
  syncLibraryAcrossProcesses(library.library, events, logger);
  try {
    bot = await startBot({
      config,
      events,
      engine: metrics ? countEngineErrors(engine, (method) => metrics.engineError(method)) : engine,
      logger,
      store,
      library: library.library,
      parser: guideParser,
      metrics,
      onTokenRevoked: () => {
        process.stderr.write(`${TOKEN_REJECTED_MESSAGE}\n`);
        void shutdown.stop(TOKEN_REJECTED_EXIT_CODE, 'token revoked');
      },
    });
  } catch (error) {
    await health?.close();
    fail(error, logger);
  }
  if (shutdown.stopping) return;
  const stats = engine.stats();
  logger.info({ guides: stats.guides, sections: stats.sections, chunks: stats.chunks, commands: bot.commandCount, user: bot.client.user?.tag, model: stats.model }, 'ready');
}

main().catch((error: unknown) => fail(error));
