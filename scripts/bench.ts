/**
 * `npm run --silent bench [-- --scales 1,10,100,1000] [--quick]`: prints one JSON object with, for the
 * configured model and each scale of the corpus (1× is the corpus itself; larger scales are distinct
 * synthetic variants of its guides, see bench/synthetic-corpus.ts): how distinct the text is, cold build and
 * cached rebuild (clock and CPU time), start-up from the built index, warm question latency, the question's floor (its
 * embedding plus one HNSW search), HNSW recall@10 against an exact scan and resident memory; and the
 * throughput of two worker threads at 1×.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadEmbedder } from '../src/embed/embedder.js';
import { Engine } from '../src/engine.js';
import { parseEvalFile } from '../src/eval.js';
import { corpusFigures, writeScaledCorpus, type CorpusFigures } from './bench/synthetic-corpus.js';
import { EVAL_QUESTION_FILES, exitWithError, OptionValueError, parseCommandLine, startCli } from './cli.js';

const THROUGHPUT_MS = 3000;

/** Scales measured by default; 1000× takes long (see the README) and is asked for with --scales. */
const DEFAULT_SCALES = [1, 10, 100];

interface FreshProcessFigures {
  startup_ms: number;
  startup_cpu_ms: number;
  first_question_ms: number;
  rss_mb: number;
  chunks: number;
  hnsw: { m: number; efConstruction: number; efSearch: number };
  query_ms: { p50: number; p95: number; p99: number };
  floor_ms: { p50: number; p99: number };
  p50_over_floor: number;
  recall_at_10: number;
}

/** The work's result, its time on the clock and the CPU time of the whole process meanwhile (every thread), in ms. */
async function timed<T>(work: () => Promise<T>): Promise<[T, number, number]> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(cpuAtStart);
  return [result, Math.round(performance.now() - started), Math.round((cpu.user + cpu.system) / 1000)];
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
  const { values: options } = parseCommandLine(process.argv.slice(2), {
    usage: 'npm run --silent bench [-- --scales 1,10,100,1000] [--quick]',
    options: { quick: { type: 'boolean' }, scales: { type: 'string' } },
  });
  const scales = options.quick ? [1] : options.scales ? options.scales.split(',').map(Number) : DEFAULT_SCALES;
  if (scales.some((scale) => !Number.isInteger(scale) || scale < 1)) throw new OptionValueError(`--scales takes whole numbers from 1, e.g. 1,10,100 (got ${options.scales})`);
  const { config, logger } = startCli({ LOG_LEVEL: 'warn' });
  const questions = EVAL_QUESTION_FILES.flatMap((file) => parseEvalFile(fs.readFileSync(file, 'utf8')).map((question) => question.question));
  const envFor = (overrides: Record<string, string>) =>
    Object.fromEntries(Object.entries({ ...process.env, LOG_LEVEL: 'silent', ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const embedder = await loadEmbedder(config, logger);
  const benchStarted = performance.now();
  const loadAtStart = Number(os.loadavg()[0]!.toFixed(1));

  const results: Record<
    string,
    CorpusFigures & Omit<FreshProcessFigures, 'chunks'> & { build_cold_ms: number; build_cold_cpu_ms: number; build_cached_ms: number; build_cached_cpu_ms: number; bench_ms: number }
  > = {};
  let qps: number | undefined;
  for (const scale of scales) {
    const scaleStarted = performance.now();
    const folders: string[] = [];
    let corpus = config.CORPUS_DIR;
    if (scale > 1) {
      corpus = tempDir(`${scale}x-corpus`);
      folders.push(corpus);
      await writeScaledCorpus(config.CORPUS_DIR, corpus, scale);
    }
    const indexDir = tempDir(`${scale}x-index`);
    folders.push(indexDir);
    const scaleConfig = { ...config, CORPUS_DIR: corpus, INDEX_DIR: indexDir };
    // Cold build with the model already loaded, then a rebuild that finds every embedding in the cache.
    // On a machine others are using, the CPU time (of every thread the build uses) says what it costs better than the clock.
    const [, buildColdMs, buildColdCpuMs] = await timed(() => Engine.open({ config: scaleConfig, logger, embedder }));
    const [, buildCachedMs, buildCachedCpuMs] = await timed(() => Engine.open({ config: scaleConfig, logger, embedder, rebuild: 'force' }));
    const env = envFor({ CORPUS_DIR: corpus, INDEX_DIR: indexDir });
    const { chunks: _chunks, ...fresh } = measureInFreshProcess(env, questions);
    if (scale === 1) qps = await throughput(env, questions, Math.max(1, Math.min(2, os.availableParallelism())));
    results[`${scale}x`] = {
      ...(await corpusFigures(corpus)),
      build_cold_ms: buildColdMs,
      build_cold_cpu_ms: buildColdCpuMs,
      build_cached_ms: buildCachedMs,
      build_cached_cpu_ms: buildCachedCpuMs,
      ...fresh,
      bench_ms: Math.round(performance.now() - scaleStarted),
    };
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  }

  const p99At1 = results['1x']?.query_ms.p99;
  const largest = results[`${Math.max(...scales)}x`];
  process.stdout.write(
    `${JSON.stringify({
      model: embedder.modelId,
      machine: { cores: os.availableParallelism(), load_average_1m: { start: loadAtStart, end: Number(os.loadavg()[0]!.toFixed(1)) }, node: process.version },
      qps_1x: qps === undefined ? undefined : Math.round(qps),
      p99_largest_over_1x: p99At1 && largest && Math.max(...scales) > 1 ? Math.round((largest.query_ms.p99 / p99At1) * 100) / 100 : undefined,
      bench_ms: Math.round(performance.now() - benchStarted),
      scales: results,
    })}\n`,
  );
}

main().catch(exitWithError);
