/**
 * One engine worker thread: opens engines by spec (lazily, each once) and runs the calls the main
 * thread routes to it. Each call starts when its message arrives, in order, so a note removed before
 * a question was sent is gone when that question is searched.
 */
import os from 'node:os';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { Engine, type TeacherNote } from '../engine.js';
import { pruneCache } from '../library/engine-factory.js';
import { createLogger } from '../log.js';
import { serialiseError, type Catalogue, type EngineSpec, type FromWorker, type ToWorker, type WorkerData } from './protocol.js';

if (!parentPort) throw new Error('the engine worker runs only as a worker thread');

/**
 * How much lower than the main thread an engine worker's CPU priority is (a nice increment). When the
 * cores are busy, the main thread's acknowledgements then come before answers (Discord waits 3 s for
 * an acknowledgement, 15 minutes for the answer): at +5 the scheduler gives the main thread about three
 * times a worker's share. On idle cores it changes nothing. More would starve the answers whenever
 * other processes keep the cores busy.
 */
export const ENGINE_WORKER_NICENESS = 5;
const MAX_NICE = 19;

let lowered = false;
/**
 * On Linux a nice value belongs to a thread (and the threads it starts later): this lowers the worker
 * only. Elsewhere it would lower the whole process, so it is left alone. Called once the first engine
 * is open, so start-up (which the bot waits for) runs at full priority.
 */
function lowerPriority(): void {
  if (lowered || process.platform !== 'linux') return;
  lowered = true;
  try {
    os.setPriority(0, Math.min(MAX_NICE, os.getPriority(0) + ENGINE_WORKER_NICENESS));
  } catch {
    // Not permitted (a sandbox): the worker keeps the main thread's priority.
  }
}

const port = parentPort;
const data = workerData as WorkerData;
const logger = createLogger(data.logLevel, undefined, data.logFormat).child({ engineThread: threadId });
const engines = new Map<string, Promise<Engine>>();

const post = (message: FromWorker) => port.postMessage(message);

function open(key: string, spec: EngineSpec, id: number): Promise<Engine> {
  let engine = engines.get(key);
  if (!engine) {
    let rebuilt = false;
    engine = Engine.open({
      config: spec.config,
      logger,
      rebuild: spec.rebuild ?? 'auto',
      ...(spec.tuning ? { tuning: spec.tuning } : {}),
      ...(spec.guideFiles ? { guideFiles: spec.guideFiles } : {}),
      onProgress: (event) => {
        if (event.stage === 'ready') rebuilt = event.rebuilt;
        post({ type: 'progress', id, event });
      },
    }).then((opened) => {
      // Only the worker that built the index sees a rebuild; the others load it after, so nobody reads the cache meanwhile.
      if (rebuilt && spec.guideFiles) pruneCache(opened, spec.config.INDEX_DIR);
      return opened;
    });
    engines.set(key, engine);
    // A failed open is not remembered: the next request may try again (the index may have been rebuilt meanwhile).
    engine.catch(() => engines.delete(key));
  }
  return engine;
}

function catalogue(engine: Engine): Catalogue {
  const { modelId, dtype, identity, offline, dimension, profile } = engine.embedder;
  return {
    sections: engine.sections(),
    studyQuestions: engine.studyQuestions(),
    quotations: engine.quotations(),
    stats: engine.stats(),
    embedder: { modelId, dtype, identity, offline, dimension, profile },
    bookTitle: engine.bookTitle,
  };
}

async function handle(message: ToWorker): Promise<unknown> {
  if (message.type === 'open') {
    const engine = await open(message.key, message.spec, message.id);
    lowerPriority();
    return catalogue(engine);
  }
  if (message.type === 'close') {
    engines.delete(message.key);
    return engines.size;
  }
  if (message.type === 'count') return engines.size;
  const engine = await engines.get(message.key);
  if (!engine) throw new Error('this engine was not opened in the worker');
  const args = message.args;
  switch (message.method) {
    case 'ask':
      return engine.ask(args[0], args[1] as Parameters<Engine['ask']>[1]);
    case 'gradeAnswer':
      return engine.gradeAnswer(args[0] as string, args[1]);
    case 'embed':
      return engine.embed(args[0] as string[]);
    case 'addNote':
      return engine.addNote(args[0] as TeacherNote);
    case 'removeNote':
      return engine.removeNote(args[0] as string);
  }
}

port.on('message', (message: ToWorker) => {
  handle(message).then(
    (value) => post({ type: 'result', id: message.id, value }),
    (error: unknown) => post({ type: 'error', id: message.id, error: serialiseError(error) }),
  );
});
