import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a module beside the caller (`from` is the caller's import.meta.url,
 * `name` the worker module's name without extension). Compiled (dist/), the worker is JavaScript.
 * From the TypeScript sources (tsx, the test runner) it is loaded through tsx's API: on Node.js 20 a
 * worker does not take loader hooks from --import.
 */
export function startWorker(from: string, name: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (from.endsWith('.js')) return new Worker(new URL(`./${name}.js`, from), options);
  const api = pathToFileURL(path.join(path.dirname(createRequire(from).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const target = new URL(`./${name}.ts`, from).href;
  const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(code, { ...options, eval: true, execArgv: [] });
}
