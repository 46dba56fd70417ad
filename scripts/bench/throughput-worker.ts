import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';

/** One of the benchmark's throughput workers: its own engine, asking questions for a fixed time. */
const { env, questions, durationMs } = workerData as { env: Record<string, string>; questions: string[]; durationMs: number };
const engine = await Engine.open({ config: loadConfig(env), logger: createLogger('silent'), rebuild: 'never' });
parentPort!.postMessage('ready');
await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
const deadline = performance.now() + durationMs;
let answered = 0;
while (performance.now() < deadline) {
  await engine.ask(questions[answered % questions.length]!);
  answered++;
}
parentPort!.postMessage(answered);
