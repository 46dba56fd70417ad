/**
 * `npm run start:sharded` (`node dist/shards.js`): discord.js's ShardingManager runs one bot process
 * per gateway shard on this machine (SHARD_COUNT shards, or the SHARD_IDS of them this machine runs),
 * each the same program as `npm start`, with its own engine. Shards start one after another, each
 * once the one before is ready (the first start builds the search index; the others load it), and
 * a shard process that dies is started again. SIGTERM or SIGINT stops every shard gracefully.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShardingManager, type Shard } from 'discord.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { chooseLogFormat, createLogger } from './log.js';
import { describeShards } from './sharding/shard-plan.js';
import { SHUTDOWN_SIGNALS } from './shutdown.js';

/** Discord lets a bot start one gateway session per 5 seconds (max_concurrency 1); a little more, to be safe. */
export const SHARD_SPAWN_DELAY_MS = 5500;
/** How long a shard process may take to connect (loading the engine, or building the index the first time). */
export const SHARD_READY_TIMEOUT_MS = 10 * 60 * 1000;
/** How long shard processes get to finish their interactions after a stop signal, beyond their own drain. */
export const SHARD_STOP_TIMEOUT_MS = 30_000;

function readConfig(): Config {
  loadDotEnv();
  try {
    const config = loadConfig();
    if (!config.DISCORD_TOKEN) throw new ConfigError(['DISCORD_TOKEN: the sharded bot needs the bot token (the console mode is `npm start` without one)']);
    return config;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.LOG_LEVEL ?? 'info', undefined, chooseLogFormat(config.LOG_FORMAT, { terminal: process.stderr.isTTY, consoleMode: false })).child({ component: 'shards' });
  // The compiled launcher runs dist/main.js; under tsx (development), src/main.ts with the same loader.
  const file = path.join(import.meta.dirname, `main${path.extname(import.meta.filename)}`);
  const { ids, count } = config.shards;
  const manager = new ShardingManager(file, { token: config.DISCORD_TOKEN, totalShards: count, shardList: ids, mode: 'process', respawn: true, execArgv: process.execArgv });
  let stopping = false;

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    manager.respawn = false;
    logger.info({ signal, shards: manager.shards.size }, 'stopping every shard');
    const exits = [...manager.shards.values()].map((shard) => stopShard(shard));
    await Promise.all(exits);
    logger.info('every shard stopped');
    process.exit(0);
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, () => void stop(signal));

  logger.info({ shards: describeShards(ids), count }, 'starting shard processes');
  for (const [i, id] of ids.entries()) {
    if (stopping) return;
    if (i > 0) await sleep(SHARD_SPAWN_DELAY_MS);
    const shard = manager.createShard(id);
    shard.on('death', () => {
      if (!stopping) logger.warn({ shard: id }, 'shard process exited; starting it again');
    });
    await shard.spawn(SHARD_READY_TIMEOUT_MS);
    logger.info({ shard: id, pid: shard.process?.pid }, 'shard ready');
  }
  logger.info({ shards: describeShards(ids), count }, 'every shard ready');
}

/** SIGTERM to one shard process (it drains), then its exit; SIGKILL if it outlasts the stop timeout. */
async function stopShard(shard: Shard): Promise<void> {
  const child = shard.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), SHARD_STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

main().catch((error: unknown) => {
  process.stderr.write(`Guidebot could not start its shards: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
