import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { LOG_FORMATS } from './log.js';
import { MAX_SHARD_COUNT, shardPlan, type ShardPlan } from './sharding/shard-plan.js';

/** The only module that reads process.env. Every variable is listed in .env.example. */

/** The folder above this file's: the repository from src/ (tsx) and from dist/ (the compiled build) alike. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** The model id that selects the word-vector model built by `npm run model:offline`. */
export const OFFLINE_MODEL_ALIAS = 'offline';
export const DEFAULT_MODEL_ID = 'Xenova/all-MiniLM-L6-v2';
/** Each engine worker holds a whole engine (model and index) in memory: more than this is a typo. */
export const MAX_ENGINE_WORKERS = 64;
/** Cores kept for the main (Discord) thread when ENGINE_WORKERS is unset. */
export const MAIN_THREAD_CORES = 1;

export function defaultEngineWorkers(cores: number): number {
  return Math.min(MAX_ENGINE_WORKERS, Math.max(1, cores - MAIN_THREAD_CORES));
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** PostgreSQL connections per process: the default, and the most DATABASE_POOL_SIZE may ask for. */
export const DEFAULT_DATABASE_POOL_SIZE = 10;
export const MAX_DATABASE_POOL_SIZE = 100;

const positiveInt = (fallback: number, max: number) => z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`).default(fallback);

const snowflake = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional()
  .refine((value) => value === undefined || /^\d{17,20}$/.test(value), 'must be a Discord id (17 to 20 digits)');

export const configSchema = z.object({
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: snowflake,
  DISCORD_GUILD_ID: snowflake,
  /** Base URL of the Discord REST API; only tests point it elsewhere. */
  DISCORD_API_URL: z.url('must be a URL').default('https://discord.com/api'),
  MODEL_ID: z.string().trim().min(1).default(DEFAULT_MODEL_ID),
  MODEL_DIR: optionalText,
  /** Precision of the model's weights; unset: int8 for the offline model, float32 for hub models. */
  MODEL_DTYPE: z.enum(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'bnb4', 'q4f16']).optional(),
  CORPUS_DIR: z.string().trim().min(1).default('corpus'),
  INDEX_DIR: z.string().trim().min(1).default('embeddings'),
  MODELS_DIR: z.string().trim().min(1).default('models'),
  DB_PATH: z.string().trim().min(1).default('data/guidebot.db'),
  /** Set: the store runs on this PostgreSQL server instead of the SQLite file (DB_PATH is then unused). */
  DATABASE_URL: z
    .string()
    .trim()
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
      } catch {
        return false;
      }
    }, 'must be a PostgreSQL URL such as postgres://user:password@localhost:5432/guidebot')
    .optional(),
  /** PostgreSQL connections each bot process keeps open (at most). */
  DATABASE_POOL_SIZE: positiveInt(DEFAULT_DATABASE_POOL_SIZE, MAX_DATABASE_POOL_SIZE),
  /** Servers' own guide libraries, one folder per server. */
  LIBRARY_DIR: z.string().trim().min(1).default('data/libraries'),
  /** Memory for loaded server libraries (MB); the least recently used are unloaded past it. */
  LIBRARY_MEMORY_MB: positiveInt(256, 65_536),
  /** Re-index the corpus folder live when a guide there is added, changed or removed. */
  CORPUS_WATCH: z.enum(['on', 'off']).default('on'),
  /** Unset: `info` for the bot and tools, `warn` in the console mode (where logs would crowd the answers). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Unset: readable lines in a terminal and in the console mode, JSON lines otherwise (see chooseLogFormat). */
  LOG_FORMAT: z.enum(LOG_FORMATS).optional(),
  RATE_LIMIT_PER_USER: positiveInt(5, 1000),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt(30, 86_400),
  RETENTION_DAYS: positiveInt(90, 3650),
  /** The health and metrics HTTP listener's port; unset: no listener. 0 picks a free port (tests). */
  HEALTH_PORT: z.coerce.number().int('must be a whole number').min(0, 'must be a port number (0-65535)').max(65_535, 'must be a port number (0-65535)').optional(),
  /**
   * Engine worker threads (each with its own engine on the same index files); 0 runs the engine in the
   * bot's own thread. Unset: one per core but one (at least one), so a core stays for the Discord thread
   * (acknowledgements, rendering, writes): with a worker on every core the answers compete with the
   * acknowledgements Discord waits 3 s for, and every worker holds its own engine in memory.
   */
  ENGINE_WORKERS: z.coerce
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(MAX_ENGINE_WORKERS, `must be at most ${MAX_ENGINE_WORKERS}`)
    .default(() => defaultEngineWorkers(os.availableParallelism())),
  /** Where the health listener binds; the default keeps it to this machine. */
  HEALTH_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** Shards across every machine; unset: one (or, with SHARD_IDS unset too, `npm start` is shard 0 of 1). */
  SHARD_COUNT: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_SHARD_COUNT, `must be at most ${MAX_SHARD_COUNT}`).optional(),
  /** The shard ids this machine runs ("0-3", "0,2"); unset: all of SHARD_COUNT. */
  SHARD_IDS: optionalText,
  /** A shared REST proxy (`npm run rest-proxy`) every process sends Discord requests through; unset: straight to DISCORD_API_URL. */
  REST_PROXY_URL: z.url('must be a URL such as http://127.0.0.1:8080').optional(),
  /** The port `npm run rest-proxy` listens on. */
  REST_PROXY_PORT: z.coerce.number().int('must be a whole number').min(0, 'must be a port number (0-65535)').max(65_535, 'must be a port number (0-65535)').default(8080),
  /** Where the REST proxy binds; the default keeps it to this machine. */
  REST_PROXY_HOST: z.string().trim().min(1).default('127.0.0.1'),
});

type RawConfig = z.infer<typeof configSchema>;

/** Every variable's default, for code that may be given a partial configuration. */
export const CONFIG_DEFAULTS = configSchema.parse({});

export interface Config extends Omit<RawConfig, 'CORPUS_DIR' | 'INDEX_DIR' | 'MODELS_DIR' | 'DB_PATH' | 'MODEL_DIR' | 'LIBRARY_DIR'> {
  /** The gateway shards this process runs (see shard-plan.ts). */
  shards: ShardPlan;
  /** Absolute paths, resolved against the project root. */
  CORPUS_DIR: string;
  LIBRARY_DIR: string;
  INDEX_DIR: string;
  MODELS_DIR: string;
  DB_PATH: string;
  MODEL_DIR: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\nSee .env.example for every variable and what it means.`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`LOG_LEVEL=` in .env) means "not set": its default applies.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = configSchema.safeParse(set);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const raw = parsed.data;
  // A shard process started by the sharding launcher is told its one shard by discord.js's ShardingManager.
  const launched = env.SHARDING_MANAGER === 'true' && env.SHARDS !== undefined;
  const shards = launched ? shardPlan(String(Number(env.SHARDS)), raw.SHARD_COUNT) : shardPlan(raw.SHARD_IDS, raw.SHARD_COUNT);
  if (Array.isArray(shards)) throw new ConfigError(shards);
  const resolve = (value: string) => path.resolve(PROJECT_ROOT, value);
  return {
    ...raw,
    shards,
    CORPUS_DIR: resolve(raw.CORPUS_DIR),
    INDEX_DIR: resolve(raw.INDEX_DIR),
    MODELS_DIR: resolve(raw.MODELS_DIR),
    DB_PATH: raw.DB_PATH === ':memory:' ? raw.DB_PATH : resolve(raw.DB_PATH),
    LIBRARY_DIR: resolve(raw.LIBRARY_DIR),
    MODEL_DIR: raw.MODEL_DIR === undefined ? undefined : resolve(raw.MODEL_DIR),
  };
}

/** Reads a `.env` file in the project root into process.env when one exists (variables already set win). */
export function loadDotEnv(file = path.join(PROJECT_ROOT, '.env')): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
