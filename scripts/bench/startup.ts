/**
 * Run by the benchmark in a fresh process, so that earlier builds' garbage and caches do not colour
 * the figures: start-up as `npm start` pays it (model load, then index load and verification), the
 * first question right after it (which pays for what start-up leaves to first use), warm
 * per-question latency over the given questions, the resident memory of one warm engine, the floor
 * of a question (its embedding plus one HNSW search) and the HNSW graph's recall@10 against an exact
 * scan of every chunk vector. Prints one JSON line.
 */
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine.js';
import { normaliseText } from '../../src/guide/normalise.js';
import { createLogger } from '../../src/log.js';
import { dot } from '../../src/search/answer.js';
import { corpusHash, readIndex } from '../../src/search/index-store.js';
import { CANDIDATES_PER_RANKER } from '../../src/search/retrieve.js';

const ROUNDS = 5;
const RECALL_K = 10;

const config = loadConfig();
const started = performance.now();
const cpuAtStart = process.cpuUsage();
const engine = await Engine.open({ config, logger: createLogger('silent'), rebuild: 'never' });
const startupMs = performance.now() - started;
// On a machine others are using, the CPU time says what start-up costs better than the time on the clock.
const startupCpu = process.cpuUsage(cpuAtStart);
const questions = JSON.parse(process.argv[2] ?? '[]') as string[];
// The first question right after start-up pays for whatever start-up left to first use.
const firstAskedAt = performance.now();
if (questions[0] !== undefined) await engine.ask(questions[0]);
const firstQuestionMs = performance.now() - firstAskedAt;
for (const question of questions) await engine.ask(question); // warm-up
const times: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const question of questions) {
    const askedAt = performance.now();
    await engine.ask(question);
    times.push(performance.now() - askedAt);
  }
}
const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);

// The floor and the recall use a second copy of the same index files (read after the memory was measured).
const stored = readIndex(config.INDEX_DIR, { modelId: engine.embedder.identity, corpusHash: corpusHash(config.CORPUS_DIR) });
if (stored.status !== 'ok') throw new Error(`the index could not be read again: ${stored.reason}`);
const { dense } = stored.index;
const floorTimes: number[] = [];
const queryVectors: Float32Array[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const question of questions) {
    const askedAt = performance.now();
    const [vector] = await engine.embedder.embed([normaliseText(question)]);
    dense.search(vector!, CANDIDATES_PER_RANKER);
    floorTimes.push(performance.now() - askedAt);
    if (round === 0) queryVectors.push(vector!);
  }
}

const labels = dense.labels();
const vectors = labels.map((label) => dense.vector(label));
let found = 0;
let wanted = 0;
for (const query of queryVectors) {
  if (!query.some((value) => value !== 0)) continue; // a question with no word the model knows has no nearest neighbours
  const exact = labels
    .map((label, i) => ({ label, similarity: dot(vectors[i]!, query) }))
    .sort((a, b) => b.similarity - a.similarity || a.label - b.label)
    .slice(0, RECALL_K);
  const approximate = new Set(dense.search(query, RECALL_K).map((hit) => hit.label));
  found += exact.filter((hit) => approximate.has(hit.label)).length;
  wanted += exact.length;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! * 100) / 100;
};
const p50 = percentile(times, 50);
const floorP50 = percentile(floorTimes, 50);
process.stdout.write(
  `${JSON.stringify({
    startup_ms: Math.round(startupMs),
    startup_cpu_ms: Math.round((startupCpu.user + startupCpu.system) / 1000),
    first_question_ms: Math.round(firstQuestionMs * 100) / 100,
    rss_mb: rssMb,
    chunks: engine.stats().chunks,
    hnsw: stored.index.manifest.hnsw,
    query_ms: { p50, p95: percentile(times, 95), p99: percentile(times, 99) },
    floor_ms: { p50: floorP50, p99: percentile(floorTimes, 99) },
    p50_over_floor: Math.round((p50 / floorP50) * 100) / 100,
    recall_at_10: Math.round((found / Math.max(1, wanted)) * 1000) / 1000,
  })}\n`,
);
