import fs from 'node:fs';
import os from 'node:os';
import { startWorker } from '../worker-entry.js';
import type { Guide } from './types.js';

/** From this many bytes of guide files, other threads parse some of them (the corpus itself is well under a megabyte; at a few megabytes parsing takes seconds). */
export const THREADED_LOAD_MIN_BYTES = 2 * 1024 * 1024;
/** The most threads parsing besides the caller's. */
export const MAX_LOAD_THREADS = 3;

/** What a loading thread receives: the files, and the shared counter of the next file to take. */
export interface LoadThreadInput {
  files: readonly string[];
  next: SharedArrayBuffer;
}

export type LoadThreadMessage = { type: 'guide'; index: number; guide: Guide } | { type: 'failed'; index: number; name: string; message: string } | { type: 'done' };

/** How many other threads should help to load these files: none for a small corpus or a one-core machine. */
export function loadThreadsFor(files: readonly string[]): number {
  const threads = Math.min(MAX_LOAD_THREADS, os.availableParallelism() - 1, files.length - 1);
  if (threads < 1) return 0;
  let bytes = 0;
  for (const file of files) {
    bytes += fs.statSync(file).size;
    if (bytes >= THREADED_LOAD_MIN_BYTES) return threads;
  }
  return 0;
}

/**
 * Loads the files with `threads` other threads: each thread, this one included, takes the next file not yet
 * taken until none is left, so a thread that draws long files takes fewer. The guides come back in file
 * order; when files fail, the error is that of the first of them in file order, as when loading one by one.
 */
export async function loadWithThreads(files: readonly string[], threads: number, loadHere: (file: string) => Promise<Guide>, revive: (name: string, message: string) => Error): Promise<Guide[]> {
  const next = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const counter = new Int32Array(next);
  const guides: (Guide | undefined)[] = new Array<Guide | undefined>(files.length);
  const errors = new Map<number, Error>();
  const helpers = Array.from({ length: threads }, () => {
    const input: LoadThreadInput = { files, next };
    const worker = startWorker(import.meta.url, 'load-worker', { workerData: input });
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: LoadThreadMessage) => {
        if (message.type === 'guide') guides[message.index] = message.guide;
        else if (message.type === 'failed') errors.set(message.index, revive(message.name, message.message));
        else resolve();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`a guide loading thread stopped (exit code ${code}) before it finished`)));
    });
  });
  // Without a handler until awaited, a thread's failure would count as unhandled while this thread parses.
  const helped = Promise.all(helpers);
  helped.catch(() => undefined);
  for (let index = Atomics.add(counter, 0, 1); index < files.length; index = Atomics.add(counter, 0, 1)) {
    try {
      guides[index] = await loadHere(files[index]!);
    } catch (error) {
      errors.set(index, error as Error);
    }
  }
  await helped;
  if (errors.size > 0) throw errors.get(Math.min(...errors.keys()))!;
  return guides as Guide[];
}
