/**
 * Run by the benchmark in a fresh process: start-up time as `npm start` pays it (model load, then
 * index load and verification) and the resident memory of one warm engine. Prints one JSON line.
 */
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';

const started = performance.now();
const engine = await Engine.open({ config: loadConfig(), logger: createLogger('silent'), rebuild: 'never' });
const startupMs = performance.now() - started;
const questions = JSON.parse(process.argv[2] ?? '[]') as string[];
for (let round = 0; round < 3; round++) for (const question of questions) await engine.ask(question);
process.stdout.write(`${JSON.stringify({ startup_ms: Math.round(startupMs), rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20) })}\n`);
