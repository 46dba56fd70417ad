/**
 * Run by the benchmark in a fresh process, so that earlier builds' garbage and caches do not colour
 * the figures: start-up as `npm start` pays it (model load, then index load and verification), warm
 * per-question latency over the given questions, and the resident memory of one warm engine.
 * Prints one JSON line.
 */
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';

const ROUNDS = 5;
const started = performance.now();
const engine = await Engine.open({ config: loadConfig(), logger: createLogger('silent'), rebuild: 'never' });
const startupMs = performance.now() - started;
const questions = JSON.parse(process.argv[2] ?? '[]') as string[];
for (const question of questions) await engine.ask(question); // warm-up
const times: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const question of questions) {
    const askedAt = performance.now();
    await engine.ask(question);
    times.push(performance.now() - askedAt);
  }
}
times.sort((a, b) => a - b);
const percentile = (p: number) => Math.round(times[Math.min(times.length - 1, Math.max(0, Math.ceil((p / 100) * times.length) - 1))]! * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    startup_ms: Math.round(startupMs),
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
    chunks: engine.stats().chunks,
    query_ms: { p50: percentile(50), p95: percentile(95), p99: percentile(99) },
  })}\n`,
);
