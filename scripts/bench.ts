/**
 * `npm run --silent bench`: prints one JSON object with build, start-up, latency, throughput and
 * memory figures for the configured model, at the corpus's size and scaled 10× and 100×.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PROJECT_ROOT, type Config } from '../src/config.js';
import { loadEmbedder, type Embedder } from '../src/embed/embedder.js';
import { Engine } from '../src/engine.js';
import { parseEvalFile } from '../src/eval.js';
import { writeScaledCorpus } from './bench/synthetic-corpus.js';
import { exitWithError, parseArgs, startCli } from './cli.js';

const QUESTIONS_FILE = path.resolve(PROJECT_ROOT, '..', 'shared', 'eval', 'questions.jsonl');
const FALLBACK_QUESTIONS = ['Who is Miss Lucy?', 'What is Hailsham?', 'What does Norfolk symbolize?', 'How does Tommy die?', 'What is the capital of France?'];
const THROUGHPUT_MS = 3000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const round = (value: number) => Math.round(value * 100) / 100;

async function timeQueries(engine: Engine, questions: string[], rounds: number): Promise<number[]> {
  for (const question of questions) await engine.ask(question); // warm-up
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const question of questions) {
      const started = performance.now();
      await engine.ask(question);
      times.push(performance.now() - started);
    }
  }
  return times.sort((a, b) => a - b);
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function throughput(env: Record<string, string>, questions: string[], workers: number): Promise<number> {
  // Worker threads do not inherit tsx's loader: register it inside the worker, then load the TypeScript module.
  const module = new URL('./bench/throughput-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module)}); })`;
  const pool = Array.from({ length: workers }, () => new Worker(bootstrap, { eval: true, workerData: { env, questions, durationMs: THROUGHPUT_MS } }));
  await Promise.all(pool.map((worker) => new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject))));
  const counts = pool.map((worker) => new Promise<number>((resolve, reject) => worker.once('message', resolve).once('error', reject)));
  for (const worker of pool) worker.postMessage('go');
  const total = (await Promise.all(counts)).reduce((sum, count) => sum + count, 0);
  await Promise.all(pool.map((worker) => worker.terminate()));
  return total / (THROUGHPUT_MS / 1000);
}

async function scaled(config: Config, embedder: Embedder, logger: ReturnType<typeof startCli>['logger'], copies: number, questions: string[]) {
  const corpus = fs.mkdtempSync(path.join(os.tmpdir(), `guidebot-bench-${copies}x-corpus-`));
  writeScaledCorpus(config.CORPUS_DIR, corpus, copies);
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), `guidebot-bench-${copies}x-index-`));
  const [engine, buildMs] = await timed(() => Engine.open({ config: { ...config, CORPUS_DIR: corpus, INDEX_DIR: indexDir }, logger, embedder }));
  const times = await timeQueries(engine, questions, 5);
  fs.rmSync(corpus, { recursive: true, force: true });
  fs.rmSync(indexDir, { recursive: true, force: true });
  return { chunks: engine.stats().chunks, build_ms: Math.round(buildMs), query_ms: { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) } };
}

async function main() {
  const { options } = parseArgs(process.argv.slice(2), []);
  const { config, logger } = startCli({ LOG_LEVEL: 'warn' });
  const questions = fs.existsSync(QUESTIONS_FILE) ? parseEvalFile(fs.readFileSync(QUESTIONS_FILE, 'utf8')).map((question) => question.question) : FALLBACK_QUESTIONS;
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-bench-index-'));
  const benchConfig = { ...config, INDEX_DIR: indexDir };

  const [embedder] = await timed(() => loadEmbedder(benchConfig, logger));
  const [, buildColdMs] = await timed(() => Engine.open({ config: benchConfig, logger, embedder }));
  const [, buildCachedMs] = await timed(() => Engine.open({ config: benchConfig, logger, embedder, rebuild: 'force' }));
  const engine = await Engine.open({ config: benchConfig, logger, embedder, rebuild: 'never' });
  const times = await timeQueries(engine, questions, 5);
  const env = Object.fromEntries(Object.entries({ ...process.env, INDEX_DIR: indexDir, LOG_LEVEL: 'silent' }).filter((entry): entry is [string, string] => entry[1] !== undefined));
  // Start-up and memory in a fresh process, as `npm start` pays them: model load, index load and verification.
  const fresh = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'bench', 'startup.ts'), JSON.stringify(questions)], { env, encoding: 'utf8' });
  if (fresh.status !== 0) throw new Error(`the start-up measurement failed: ${fresh.stderr}`);
  const { startup_ms: startupMs, rss_mb: rssMb } = JSON.parse(fresh.stdout) as { startup_ms: number; rss_mb: number };
  const qps = await throughput(env, questions, Math.max(1, Math.min(2, os.availableParallelism())));

  const scale: Record<string, Awaited<ReturnType<typeof scaled>>> = {};
  if (!options.has('quick')) {
    scale['10x'] = await scaled(config, embedder, logger, 10, questions);
    scale['100x'] = await scaled(config, embedder, logger, 100, questions);
  }
  fs.rmSync(indexDir, { recursive: true, force: true });

  process.stdout.write(
    `${JSON.stringify({
      model: embedder.modelId,
      build_cold_ms: Math.round(buildColdMs),
      build_cached_ms: Math.round(buildCachedMs),
      startup_ms: startupMs,
      query_ms: { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), p99: round(percentile(times, 99)) },
      qps: Math.round(qps),
      rss_mb: rssMb,
      scale,
    })}\n`,
  );
}

main().catch(exitWithError);
