/** A worker thread that computes an index's term files (see term-files.ts) and posts them back, then ends. */
import { parentPort, workerData } from 'node:worker_threads';
import { termFilesFromStored, type TermThreadInput, type TermThreadOutput } from './term-files.js';

if (!parentPort) throw new Error('the corpus terms worker runs only as a worker thread');
let output: TermThreadOutput;
try {
  const { terms, spellingKeys } = termFilesFromStored(workerData as TermThreadInput);
  // Sent by moving the memory: a view of only part of a buffer (a small Buffer shares a pool) is copied first.
  output = { ok: true, terms: terms.byteOffset === 0 && terms.byteLength === terms.buffer.byteLength ? terms : Uint8Array.from(terms), spellingKeys };
} catch (error) {
  output = { ok: false, message: (error as Error).message };
}
parentPort.postMessage(output, output.ok ? [output.terms.buffer as ArrayBuffer, output.spellingKeys.buffer as ArrayBuffer] : []);
