/**
 * `npm run --silent bench`: prints one JSON object with build, start-up, latency, throughput and
 * memory figures for the configured model, at the corpus's size and scaled 10× and 100×.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadEmbedder } from '../src/embed/embedder.js';
import { Engine } from '../src/engine.js';
import { parseEvalFile } from '../src/eval.js';
import { writeScaledCorpus } from './bench/synthetic-corpus.js';
import { EVAL_QUESTION_FILES, exitWithError, parseCommandLine, startCli } from './cli.js';

const THROUGHPUT_MS = 3000;

interface FreshProcessFigures {
  startup_ms: number;
  rss_mb: number;
  chunks: number;
  query_ms: { p50: number; p95: number; p99: number };
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, Math.round(performance.now() - started)];
}

const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `guidebot-bench-${name}-`));

/** Start-up, latency and memory measured in a fresh process over an index that is already built. */
function measureInFreshProcess(env: Record<string, string>, questions: string[]): FreshProcessFigures {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'bench', 'startup.ts'), JSON.stringify(questions)], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`a benchmark process failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as FreshProcessFigures;
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

async function main() {
  const { values: options } = parseCommandLine(process.argv.slice(2), { usage: 'npm run --silent bench [-- --quick]', options: { quick: { type: 'boolean' } } });
  const { config, logger } = startCli({ LOG_LEVEL: 'warn' });
  const questions = EVAL_QUESTION_FILES.flatMap((file) => parseEvalFile(fs.readFileSync(file, 'utf8')).map((question) => question.question));
  const envFor = (overrides: Record<string, string>) =>
    Object.fromEntries(Object.entries({ ...process.env, LOG_LEVEL: 'silent', ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const embedder = await loadEmbedder(config, logger);

  // 1×: cold build (model already loaded), cached rebuild, then a fresh process and two throughput workers.
  const indexDir = tempDir('index');
  const benchConfig = { ...config, INDEX_DIR: indexDir };
  const [, buildColdMs] = await timed(() => Engine.open({ config: benchConfig, logger, embedder }));
  const [, buildCachedMs] = await timed(() => Engine.open({ config: benchConfig, logger, embedder, rebuild: 'force' }));
  const env = envFor({ INDEX_DIR: indexDir });
  const fresh = measureInFreshProcess(env, questions);
  const qps = await throughput(env, questions, Math.max(1, Math.min(2, os.availableParallelism())));

  const scale: Record<string, { chunks: number; build_ms: number; query_ms: { p50: number; p99: number } }> = {};
  const folders = [indexDir];
  for (const copies of options.quick ? [] : [10, 100]) {
    const corpus = tempDir(`${copies}x-corpus`);
    const scaledIndex = tempDir(`${copies}x-index`);
    folders.push(corpus, scaledIndex);
    await writeScaledCorpus(config.CORPUS_DIR, corpus, copies);
    const [, buildMs] = await timed(() => Engine.open({ config: { ...config, CORPUS_DIR: corpus, INDEX_DIR: scaledIndex }, logger, embedder }));
    const figures = measureInFreshProcess(envFor({ CORPUS_DIR: corpus, INDEX_DIR: scaledIndex }), questions);
    scale[`${copies}x`] = { chunks: figures.chunks, build_ms: buildMs, query_ms: { p50: figures.query_ms.p50, p99: figures.query_ms.p99 } };
  }
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });

  process.stdout.write(
    `${JSON.stringify({
      model: embedder.modelId,
      build_cold_ms: buildColdMs,
      build_cached_ms: buildCachedMs,
      startup_ms: fresh.startup_ms,
      query_ms: fresh.query_ms,
      qps: Math.round(qps),
      rss_mb: fresh.rss_mb,
      scale,
    })}\n`,
  );
}

main().catch(exitWithError);
