/**
 * `npm start` (`node dist/main.js`): validates the configuration, opens the database (DB_PATH), builds
 * or loads the search index, then either logs in to Discord (DISCORD_TOKEN set) or runs the console
 * mode (no token: type questions in the terminal). With HEALTH_PORT set it also serves /healthz and
 * /metrics. SIGTERM and SIGINT stop it gracefully once (see shutdown.ts).
 */
import { startBot, type Bot } from './bot/bot.js';
import { TOKEN_REJECTED_EXIT_CODE, TOKEN_REJECTED_MESSAGE, TokenRejectedError } from './bot/token.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import type { EnginePool } from './engine-pool/pool.js';
import type { BuildEvent } from './engine.js';
import { CorpusError } from './guide/load.js';
import type { BookEngine, OpenBookEngine } from './library/engine-factory.js';
import { startLibrary, type LibraryRuntime } from './library/runtime.js';
import { WorkerGuideParser } from './library/worker-parser.js';
import { chooseLogFormat, createLogger, type LogFormat, type Logger } from './log.js';
import { healthChecks } from './ops/health-checks.js';
import { startHealthServer, type HealthServer } from './ops/health-server.js';
import { BotMetrics, countEngineErrors, METRICS_CONTENT_TYPE } from './ops/metrics.js';
import type { ProgressReporter } from './progress-reporter.js';
import { clusterEvents } from './sharding/cluster-events.js';
import { syncLibraryAcrossProcesses } from './sharding/library-sync.js';
import { describeShards } from './sharding/shard-plan.js';
import { healthPortOf } from './sharding/health-port.js';
import { installShutdown } from './shutdown.js';
import { Store } from './store/index.js';

/**
 * Errors whose message is written for the operator (by name: an engine worker's error arrives as a
 * copy, and the engine's modules are not loaded in this thread when the engine runs in workers).
 */
const FRIENDLY_ERRORS = new Set(['ConfigError', 'CorpusError', 'ModelUnavailableError', 'IndexUnavailableError', 'StoreError', 'TokenRejectedError', 'LibraryFileError']);

/**
 * How the library opens its book engines: in this thread with one loaded model (ENGINE_WORKERS=0, and
 * the console mode), or on a pool of worker threads (the model is then loaded only in the workers).
 */
async function engineFactory(
  config: Config,
  logger: Logger,
  options: { inProcess: boolean; logFormat: LogFormat; progress: ProgressReporter },
): Promise<{ openEngine: OpenBookEngine; pool?: EnginePool }> {
  if (options.inProcess || config.ENGINE_WORKERS === 0) {
    // Loaded only here: the model runtime stays out of the main thread when the engine runs in workers.
    const [{ loadEmbedderWithProgress }, { localBookEngineFactory }] = await Promise.all([import('./progress.js'), import('./library/engine-factory.js')]);
    const embedder = await loadEmbedderWithProgress(config, logger, options.progress);
    return { openEngine: localBookEngineFactory({ config, logger, embedder }) };
  }
  const [{ EnginePool }, { pooledBookEngineFactory }] = await Promise.all([import('./engine-pool/pool.js'), import('./engine-pool/book-engines.js')]);
  options.progress.step(`Starting ${config.ENGINE_WORKERS} engine worker${config.ENGINE_WORKERS === 1 ? '' : 's'} (${config.MODEL_DIR ?? config.MODEL_ID})`);
  const pool = new EnginePool({ workers: config.ENGINE_WORKERS, logger, logFormat: options.logFormat });
  return { openEngine: pooledBookEngineFactory({ pool, config }), pool };
}

function fail(error: unknown, logger?: Logger): never {
  const known = error instanceof Error && FRIENDLY_ERRORS.has(error.name);
  if (!known) logger?.fatal({ err: error }, 'could not start');
  process.stderr.write(`${known ? error.message : `Guidebot could not start: ${(error as Error)?.message ?? String(error)}`}\n`);
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
  const logFormat = chooseLogFormat(config.LOG_FORMAT, { terminal: process.stderr.isTTY, consoleMode });
  const baseLogger = createLogger(config.LOG_LEVEL ?? (consoleMode ? 'warn' : 'info'), undefined, logFormat);
  const logger = sharded ? baseLogger.child({ shard: shardLabel }) : baseLogger;
  let bot: Bot | undefined;
  let store: Store | undefined;
  let engine: BookEngine | undefined;
  let library: LibraryRuntime | undefined;
  let pool: EnginePool | undefined;
  let health: HealthServer | undefined;
  // Uploaded guides are read in a parser thread (started at the first upload): a large PDF must not hold up acknowledgements.
  const parser = new WorkerGuideParser({ logger });

  const shutdown = installShutdown({
    logger,
    drain: async () => {
      library?.close();
      if (bot) await bot.stop();
      await bot?.services.teacher?.events?.close();
      // The answers in flight are delivered by now: the workers can stop.
      await pool?.close();
      await parser.close();
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
    const { createProgressReporter, silentProgress } = await import('./progress-reporter.js');
    const progress = consoleMode || process.stderr.isTTY ? createProgressReporter(process.stderr) : silentProgress;
    // The console mode has one reader typing: its engines stay in this thread.
    const factory = await engineFactory(config, logger, { inProcess: consoleMode, logFormat, progress });
    pool = factory.pool;
    // The host's corpus is the shared library; servers' own guides load when first asked.
    library = await startLibrary({
      config: consoleMode ? { ...config, CORPUS_WATCH: 'off' } : config,
      logger,
      openEngine: factory.openEngine,
      onProgress: (event: BuildEvent) => {
        progress.onBuild(event);
        if (event.stage === 'ready') logger.info(event, event.rebuilt ? 'search index built' : 'search index loaded');
        else if (event.stage === 'load') logger.info(event, 'guides loaded');
      },
    });
    if (pool) logger.info({ workers: pool.size }, 'engine workers ready');
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
    const { runConsole } = await import('./console.js');
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
      parser,
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
