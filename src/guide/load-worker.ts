/** A thread that parses guide files for loadGuideFiles (see load-threads.ts), taking the next file until none is left. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadGuideFile } from './load.js';
import type { LoadThreadInput, LoadThreadMessage } from './load-threads.js';

if (!parentPort) throw new Error('the guide loading worker runs only as a worker thread');
const port = parentPort;
const post = (message: LoadThreadMessage) => port.postMessage(message);
const { files, next } = workerData as LoadThreadInput;
const counter = new Int32Array(next);
for (let index = Atomics.add(counter, 0, 1); index < files.length; index = Atomics.add(counter, 0, 1)) {
  try {
    post({ type: 'guide', index, guide: await loadGuideFile(files[index]!) });
  } catch (error) {
    post({ type: 'failed', index, name: (error as Error).name, message: (error as Error).message });
  }
}
post({ type: 'done' });
