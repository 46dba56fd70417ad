/**
 * Engines in worker threads, so questions are answered on every core while the main thread only
 * routes, acknowledges, renders and writes. Each worker opens its own engine on the same index files
 * (the first builds the index when it is missing or stale, the others then load it). A call goes to
 * the least busy worker; teacher notes are added and removed on every worker, and kept here so a
 * replacement for a worker that stopped gets them again. A worker can host several engines, one per
 * spec, each opened when first asked for.
 */
import type { Worker } from 'node:worker_threads';
import type { BuildEvent, TeacherNote } from '../engine.js';
import type { Logger, LogFormat } from '../log.js';
import { InvalidQuestionError, type InvalidQuestionReason } from '../question.js';
import { startWorker } from '../worker-entry.js';
import { PooledEngine } from './pooled-engine.js';
import { specKey, type Catalogue, type EngineSpec, type FromWorker, type SerialisedError, type ToWorker, type WorkerData, type WorkerMethod } from './protocol.js';

/** A replacement worker that cannot open its engines is tried again after this long. */
export const WORKER_RETRY_DELAY_MS = 2000;
/** How long close() waits for calls in flight before it stops the workers. */
export const POOL_CLOSE_TIMEOUT_MS = 5000;

/** An engine worker stopped while it had the call: the call was not answered. */
export class EngineWorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineWorkerError';
  }
}

/** A call after close(). */
export class EnginePoolClosedError extends Error {
  constructor() {
    super('The engine pool is shutting down.');
    this.name = 'EnginePoolClosedError';
  }
}

export interface EnginePoolOptions {
  /** How many worker threads (at least 1; the in-process engine is the 0-worker choice, made by the caller). */
  workers: number;
  logger: Logger;
  /** How the workers log (default: the logger's level, JSON lines). */
  logFormat?: LogFormat;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (event: BuildEvent) => void;
}

interface Slot {
  index: number;
  worker: Worker | undefined;
  /** Takes calls: its engines are open (and, after a restart, its notes replayed). */
  up: boolean;
  pending: Map<number, Pending>;
  /** Calls answered (results and errors) by this slot's workers. */
  answered: number;
  /** Why the worker last stopped, for the error its calls in flight get. */
  lastError?: string;
  /** Engines this worker could not reopen after a restart (their index on disk was replaced since): their calls go to the other workers. */
  missing: Set<string>;
}

interface OpenedSpec {
  spec: EngineSpec;
  /** Its specKey (the workers know the engine by the instance key instead, so a spec released and opened again never mixes the two). */
  specKey: string;
  /** The notes every worker holds, by id, in the order they were added. */
  notes: Map<string, TeacherNote>;
}

function reviveError(serialised: SerialisedError): Error {
  const error =
    serialised.name === 'InvalidQuestionError'
      ? new InvalidQuestionError(serialised.fields.reason as InvalidQuestionReason, serialised.message)
      : Object.assign(new Error(serialised.message), serialised.fields);
  error.name = serialised.name;
  if (serialised.stack) error.stack = serialised.stack;
  return error;
}

export class EnginePool {
  private readonly slots: Slot[];
  private readonly specs = new Map<string, OpenedSpec>();
  /** By specKey: the engine opened (or opening) for that spec, and its instance key. */
  private readonly opening = new Map<string, { key: string; engine: Promise<PooledEngine> }>();
  private readonly logger: Logger;
  private readonly workerData: WorkerData;
  private readonly upWaiters: (() => void)[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private nextId = 1;
  private nextInstance = 1;
  private closed = false;

  constructor(options: EnginePoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError('an engine pool needs at least one worker');
    this.logger = options.logger.child({ component: 'engine-pool' });
    this.workerData = { logLevel: options.logger.level, logFormat: options.logFormat ?? 'json' };
    this.slots = Array.from({ length: options.workers }, (_, index) => ({ index, worker: undefined, up: false, pending: new Map(), answered: 0, missing: new Set<string>() }));
    for (const slot of this.slots) this.spawn(slot);
  }

  get size(): number {
    return this.slots.length;
  }

  /** Each worker's thread id (a stopped worker's replacement has a new one), whether it takes calls, and how many calls it answered. */
  workers(): { threadId: number | undefined; up: boolean; answered: number }[] {
    return this.slots.map((slot) => ({ threadId: slot.worker?.threadId, up: slot.up, answered: slot.answered }));
  }

  /**
   * The engine for a spec, opened on every worker. When the index on disk can be used, all workers load
   * it at once; otherwise the first opens it as the spec says (building the index, with progress) and
   * then the others load what it wrote. Opened once per spec.
   */
  open(spec: EngineSpec, options: { onProgress?: (event: BuildEvent) => void } = {}): Promise<PooledEngine> {
    if (this.closed) return Promise.reject(new EnginePoolClosedError());
    const id = specKey(spec);
    const current = this.opening.get(id);
    if (current) return current.engine;
    const key = String(this.nextInstance++);
    const engine = (async () => {
      try {
        const catalogue = await this.openOnEveryWorker(key, spec, options.onProgress);
        this.specs.set(key, { spec, specKey: id, notes: new Map() });
        return new PooledEngine(this, key, catalogue);
      } catch (error) {
        if (this.opening.get(id)?.key === key) this.opening.delete(id);
        // The workers that did open it let it go again.
        await this.closeOnEveryWorker(key).catch(() => undefined);
        throw error;
      }
    })();
    this.opening.set(id, { key, engine });
    return engine;
  }

  /**
   * Drops an engine on every worker (its notes too); a later open of the same spec opens it afresh.
   * Calls already sent to a worker are answered first (a worker takes messages in order).
   */
  async release(key: string): Promise<void> {
    this.retire(key);
    for (const slot of this.slots) slot.missing.delete(key);
    if (!this.specs.delete(key) || this.closed) return;
    await this.closeOnEveryWorker(key);
  }

  /** A later open of this engine's spec opens a new one (this one is being released). */
  retire(key: string): void {
    const opened = this.specs.get(key);
    if (opened && this.opening.get(opened.specKey)?.key === key) this.opening.delete(opened.specKey);
  }

  /** How many engines the pool has open (each on every worker). */
  openCount(): number {
    return this.specs.size;
  }

  /** How many engines each running worker holds (a worker still starting answers once it has reopened the pool's engines). */
  async workerEngineCounts(): Promise<number[]> {
    return (await Promise.all(this.slots.filter((slot) => slot.worker).map((slot) => this.request(slot, { type: 'count', id: 0 })))) as number[];
  }

  private async closeOnEveryWorker(key: string): Promise<void> {
    await Promise.all(this.slots.filter((slot) => slot.worker).map((slot) => this.request(slot, { type: 'close', id: 0, key })));
  }

  private async openOnEveryWorker(key: string, spec: EngineSpec, onProgress?: (event: BuildEvent) => void): Promise<Catalogue> {
    const loadOnly: EngineSpec = { ...spec, rebuild: 'never' };
    if (spec.rebuild !== 'force') {
      const loaded = await Promise.allSettled(this.slots.map((slot) => this.request(slot, { type: 'open', id: 0, key, spec: loadOnly }, slot.index === 0 ? onProgress : undefined)));
      const failures = loaded.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
      if (failures.length === 0) return (loaded[0] as PromiseFulfilledResult<unknown>).value as Catalogue;
      // Anything but an index that needs building (a missing corpus, a model that cannot load) is the answer.
      const other = failures.find((error) => error.name !== 'IndexUnavailableError');
      if (other || spec.rebuild === 'never') throw other ?? failures[0]!;
    }
    const [first, ...rest] = this.slots;
    const catalogue = (await this.request(first!, { type: 'open', id: 0, key, spec }, onProgress)) as Catalogue;
    await Promise.all(rest.map((slot) => this.request(slot, { type: 'open', id: 0, key, spec: loadOnly })));
    return catalogue;
  }

  /** Runs a call on the least busy worker that is up. */
  async call(key: string, method: WorkerMethod, args: unknown[]): Promise<unknown> {
    if (this.closed) throw new EnginePoolClosedError();
    let slot = this.leastBusy(key);
    while (!slot) {
      if (this.slots.every((other) => other.up && other.missing.has(key)))
        throw new EngineWorkerError('No engine worker holds this engine any more (its index was replaced on disk after a worker restarted).');
      await new Promise<void>((resolve) => this.upWaiters.push(resolve));
      if (this.closed) throw new EnginePoolClosedError();
      slot = this.leastBusy(key);
    }
    return this.request(slot, { type: 'call', id: 0, key, method, args });
  }

  /** Adds a note on every worker; resolves once all have it. If any fails, it is removed from all again. */
  async addNote(key: string, note: TeacherNote): Promise<void> {
    const opened = this.opened(key);
    opened.notes.delete(note.id);
    opened.notes.set(note.id, note);
    try {
      await this.broadcast(key, 'addNote', [note]);
    } catch (error) {
      opened.notes.delete(note.id);
      await this.broadcast(key, 'removeNote', [note.id]).catch((undo: unknown) => this.logger.error({ err: undo, noteId: note.id }, 'could not undo a teacher note that failed on a worker'));
      throw error;
    }
  }

  /** Removes a note from every worker; resolves (whether any held it) once all have. */
  async removeNote(key: string, id: string): Promise<boolean> {
    const opened = this.opened(key);
    const held = opened.notes.delete(id);
    const results = await this.broadcast(key, 'removeNote', [id]);
    return held || results.some((removed) => removed === true);
  }

  noteCount(key: string): number {
    return this.specs.get(key)?.notes.size ?? 0;
  }

  /**
   * Stops one worker at once, as a crash would: its calls in flight fail and a replacement starts.
   * For operators' drills and the tests.
   */
  async stopWorker(index: number): Promise<void> {
    const worker = this.slots[index]?.worker;
    if (worker) await worker.terminate();
  }

  /** Waits for the calls in flight (up to POOL_CLOSE_TIMEOUT_MS), then stops every worker. Later calls fail. */
  async close(timeoutMs = POOL_CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    for (const wake of this.upWaiters.splice(0)) wake();
    const inFlight = this.slots.flatMap((slot) => [...slot.pending.values()].map((pending) => new Promise<void>((resolve) => Object.assign(pending, wrapSettled(pending, resolve)))));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(inFlight), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    await Promise.all(this.slots.flatMap((slot) => (slot.worker ? [slot.worker.terminate()] : [])));
  }

  private opened(key: string): OpenedSpec {
    const opened = this.specs.get(key);
    if (!opened) throw new Error('this engine is not open in the pool');
    return opened;
  }

  private leastBusy(key: string): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) if (slot.up && slot.worker && !slot.missing.has(key) && (!best || slot.pending.size < best.pending.size)) best = slot;
    return best;
  }

  /** Posts to every worker that exists, up or still starting: a starting worker gets it after its replayed notes. */
  private broadcast(key: string, method: WorkerMethod, args: unknown[]): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new EnginePoolClosedError());
    return Promise.all(this.slots.filter((slot) => slot.worker && !slot.missing.has(key)).map((slot) => this.request(slot, { type: 'call', id: 0, key, method, args })));
  }

  private request(slot: Slot, message: ToWorker, onProgress?: (event: BuildEvent) => void): Promise<unknown> {
    const worker = slot.worker;
    if (!worker) return Promise.reject(new EngineWorkerError(`The engine worker ${slot.index} is restarting.`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      worker.postMessage({ ...message, id });
    });
  }

  private spawn(slot: Slot): void {
    const worker = startWorker(import.meta.url, 'worker', { workerData: this.workerData });
    slot.worker = worker;
    slot.up = false;
    slot.missing = new Set();
    worker.on('message', (message: FromWorker) => {
      const pending = slot.pending.get(message.id);
      if (!pending) return;
      if (message.type === 'progress') return pending.onProgress?.(message.event);
      slot.pending.delete(message.id);
      slot.answered += 1;
      if (message.type === 'result') pending.resolve(message.value);
      else pending.reject(reviveError(message.error));
    });
    worker.on('error', (error) => {
      slot.lastError = error.message;
      this.logger.error({ err: error, worker: slot.index }, 'an engine worker failed');
    });
    let openFailed = false;
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      slot.up = false;
      const reason = slot.lastError ?? (openFailed ? 'it could not open its engines' : `exit code ${code}`);
      slot.lastError = undefined;
      for (const pending of slot.pending.values()) pending.reject(new EngineWorkerError(`An engine worker stopped (${reason}) before answering.`));
      slot.pending.clear();
      if (this.closed) return;
      if (!openFailed) {
        this.logger.error({ worker: slot.index, reason }, 'an engine worker stopped; starting a replacement');
        return this.spawn(slot);
      }
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        if (!this.closed) this.spawn(slot);
      }, WORKER_RETRY_DELAY_MS);
      this.retryTimers.add(timer);
    });
    // Reopen what the pool has open, with its notes, before the worker takes calls (nothing, at first start).
    const reopened = [...this.specs].map(([key, { spec, notes }]) => {
      const opened = this.request(slot, { type: 'open', id: 0, key, spec: { ...spec, rebuild: 'never' } });
      const added = Promise.all([...notes.values()].map((note) => this.request(slot, { type: 'call', id: 0, key, method: 'addNote', args: [note] })));
      added.catch(() => undefined);
      return opened.then(
        () => added,
        (error: Error) => {
          // Another spec wrote the same index folder since (a shared book re-indexed while the bot kept its first engine).
          if (error.name !== 'IndexUnavailableError') throw error;
          slot.missing.add(key);
          this.logger.error({ err: error, worker: slot.index }, 'a replacement engine worker could not reopen an engine whose index was replaced; the other workers answer for it');
        },
      );
    });
    Promise.all(reopened).then(
      () => {
        if (slot.worker !== worker) return;
        slot.up = true;
        for (const wake of this.upWaiters.splice(0)) wake();
      },
      (error: unknown) => {
        if (slot.worker !== worker || this.closed) return;
        this.logger.error({ err: error, worker: slot.index }, `a replacement engine worker could not open its engines; trying again in ${WORKER_RETRY_DELAY_MS} ms`);
        openFailed = true;
        void worker.terminate();
      },
    );
  }
}

function wrapSettled(pending: Pending, settled: () => void): Pick<Pending, 'resolve' | 'reject'> {
  const { resolve, reject } = pending;
  return {
    resolve: (value) => {
      resolve(value);
      settled();
    },
    reject: (error) => {
      reject(error);
      settled();
    },
  };
}
