/**
 * The guide parser the bot uses: the same ingest as the in-process parser (parser.ts), run in a
 * parser thread so that reading a large PDF, Word file or web page never blocks the Discord thread
 * (and with it every acknowledgement). The file's bytes are transferred to the thread, not copied.
 * Each thread reads one file at a time; files wait in order for a free thread, up to a bound. A
 * parse over the time limit is stopped (its thread is terminated) and fails with a friendly
 * IngestError; every other IngestError arrives with the code and message the in-process parser gives.
 */
import type { Worker } from 'node:worker_threads';
import { guideToMarkdown, previewOf, type GuidePreview, type IngestInput, type IngestResult } from '../guide/ingest/index.js';
import { IngestError } from '../guide/ingest/types.js';
import type { Guide } from '../guide/types.js';
import type { Logger } from '../log.js';
import { startWorker } from '../worker-entry.js';
import { MAX_WAITING_PARSES, PARSE_TIME_LIMIT_MS, PARSE_WORKER_IDLE_MS, PARSE_WORKERS } from './limits.js';
import type { GuideParser } from './parser.js';
import { reviveParseError, type FromParseWorker, type ToParseWorker } from './parse-protocol.js';

export interface WorkerParserOptions {
  /** Parser threads (default PARSE_WORKERS). */
  workers?: number;
  /** How long one parse may take (default PARSE_TIME_LIMIT_MS). */
  timeLimitMs?: number;
  /** Files parsing or waiting at once (default MAX_WAITING_PARSES). */
  maxWaiting?: number;
  /** How long an idle thread is kept (default PARSE_WORKER_IDLE_MS). */
  idleMs?: number;
  logger?: Logger;
}

/** The parser was closed (the bot is stopping). */
export class ParserClosedError extends Error {
  constructor() {
    super('The guide parser is shutting down.');
    this.name = 'ParserClosedError';
  }
}

interface Job {
  id: number;
  input: IngestInput;
  resolve: (result: IngestResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker | undefined;
  /** Resolves once the thread has loaded the readers and listens. */
  ready: Promise<void> | undefined;
  job: Job | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  /** Files this slot's threads have parsed (results and refusals). */
  parsed: number;
  /** The thread that parsed the last file. */
  lastThreadId: number | undefined;
}

/** Transfers the bytes' memory when the view covers all of it (a pooled Buffer's slice is copied instead). */
function transferList(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : [];
}

const seconds = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} seconds` : `${ms} ms`);

export class WorkerGuideParser implements GuideParser {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private readonly previews = new WeakMap<IngestResult, GuidePreview>();
  private readonly timeLimitMs: number;
  private readonly maxWaiting: number;
  private readonly idleMs: number;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerParserOptions = {}) {
    const workers = options.workers ?? PARSE_WORKERS;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError('a worker parser needs at least one thread');
    this.timeLimitMs = options.timeLimitMs ?? PARSE_TIME_LIMIT_MS;
    this.maxWaiting = options.maxWaiting ?? MAX_WAITING_PARSES;
    this.idleMs = options.idleMs ?? PARSE_WORKER_IDLE_MS;
    this.slots = Array.from({ length: workers }, () => ({ worker: undefined, ready: undefined, job: undefined, idleTimer: undefined, parsed: 0, lastThreadId: undefined }));
  }

  /**
   * Parses a file in a parser thread. The bytes are handed over: when they fill their whole
   * ArrayBuffer it is transferred, and the caller's view is empty afterwards.
   */
  ingest(input: IngestInput): Promise<IngestResult> {
    if (this.closed) return Promise.reject(new ParserClosedError());
    const busy = this.queue.length + this.slots.filter((slot) => slot.job).length;
    if (busy >= this.maxWaiting)
      return Promise.reject(new IngestError('busy', `I am reading ${busy} other guide files right now, the most at once. Please upload ${input.fileName} again in a minute.`));
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, resolve, reject });
      this.dispatch();
    });
  }

  /** The preview the parser thread made with the result (the same as previewOf), else made here. */
  preview(result: IngestResult): GuidePreview {
    return this.previews.get(result) ?? previewOf(result);
  }

  toMarkdown(guide: Guide): string {
    return guideToMarkdown(guide);
  }

  /** Each thread slot: its thread now (undefined when stopped), how many files it parsed, and the thread that parsed the last one. */
  workers(): { threadId: number | undefined; parsed: number; lastThreadId: number | undefined }[] {
    return this.slots.map((slot) => ({ threadId: slot.worker?.threadId, parsed: slot.parsed, lastThreadId: slot.lastThreadId }));
  }

  /** Stops the threads; files being parsed or waiting fail with ParserClosedError. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new ParserClosedError());
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.job?.reject(new ParserClosedError());
        slot.job = undefined;
        await this.stop(slot);
      }),
    );
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      void this.run(slot, job);
    }
  }

  private async run(slot: Slot, job: Job): Promise<void> {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    let worker: Worker;
    try {
      worker = await this.started(slot);
    } catch (error) {
      this.finish(slot, job, () => job.reject(error as Error));
      return;
    }
    if (slot.job !== job) return;
    worker.ref();
    const timer = setTimeout(() => {
      this.options.logger?.warn({ file: job.input.fileName, limitMs: this.timeLimitMs }, 'a guide file took too long to parse; its parser thread was stopped');
      void this.stop(slot);
      this.finish(slot, job, () =>
        job.reject(
          new IngestError(
            'timed-out',
            `Reading ${job.input.fileName} took longer than ${seconds(this.timeLimitMs)}, so I stopped. Split it into smaller files, or save it as a Word document or Markdown and upload that. Nothing was added.`,
          ),
        ),
      );
    }, this.timeLimitMs);
    const onMessage = (message: FromParseWorker) => {
      if (message.type === 'ready' || message.id !== job.id) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      slot.lastThreadId = worker.threadId;
      this.finish(slot, job, () => {
        if (message.type === 'result') {
          this.previews.set(message.result, message.preview);
          job.resolve(message.result);
        } else job.reject(reviveParseError(message.error));
      });
    };
    worker.on('message', onMessage);
    const message: ToParseWorker = { type: 'parse', id: job.id, input: job.input };
    worker.postMessage(message, transferList(job.input.bytes));
  }

  /** Ends a job on its slot (once), then starts the next file waiting. */
  private finish(slot: Slot, job: Job, settle: () => void): void {
    if (slot.job !== job) return;
    slot.job = undefined;
    slot.parsed += 1;
    settle();
    if (slot.worker) {
      slot.worker.unref();
      slot.idleTimer = setTimeout(() => void this.stop(slot), this.idleMs);
      slot.idleTimer.unref();
    }
    this.dispatch();
  }

  /** The slot's thread, started (and waited for) when it has none. */
  private started(slot: Slot): Promise<Worker> {
    if (slot.worker && slot.ready) {
      const worker = slot.worker;
      return slot.ready.then(() => worker);
    }
    const worker = startWorker(import.meta.url, 'parse-worker');
    slot.worker = worker;
    slot.ready = new Promise<void>((resolve, reject) => {
      const onReady = (message: FromParseWorker) => {
        if (message.type !== 'ready') return;
        worker.off('message', onReady);
        resolve();
      };
      worker.on('message', onReady);
      worker.once('exit', (code) => reject(new Error(`the guide parser thread stopped before it started (exit code ${code})`)));
    });
    worker.on('error', (error) => this.options.logger?.error({ err: error }, 'a guide parser thread failed'));
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      slot.ready = undefined;
      const job = slot.job;
      if (job) this.finish(slot, job, () => job.reject(new Error(`the guide parser thread stopped while reading ${job.input.fileName} (exit code ${code})`)));
    });
    return slot.ready.then(() => worker);
  }

  private async stop(slot: Slot): Promise<void> {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    const worker = slot.worker;
    slot.worker = undefined;
    slot.ready = undefined;
    if (worker) await worker.terminate();
  }
}
