/**
 * What the main thread and an engine worker say to each other. Everything here is plain data (it is
 * structured-cloned across the thread boundary): no functions, no class instances beyond Date and
 * typed arrays.
 */
import type { BuildEvent, Engine, EngineOptions, Quotation, RetrievalTuning, StudyQuestion } from '../engine.js';
import type { LogFormat } from '../log.js';
import type { SectionEntry } from '../section-catalogue.js';

/** Which engine to open: a library of guides and its index, as data, so any worker can open it. */
export interface EngineSpec {
  config: EngineOptions['config'];
  rebuild?: NonNullable<EngineOptions['rebuild']>;
  tuning?: Partial<RetrievalTuning>;
  /** The guides, when not the corpus folder's (a library book); after a rebuild its embedding cache keeps only their texts. */
  guideFiles?: string[];
}

/** The methods a worker runs; everything else is answered in the main thread from the catalogue. */
export const WORKER_METHODS = ['ask', 'gradeAnswer', 'embed', 'addNote', 'removeNote'] as const;
export type WorkerMethod = (typeof WORKER_METHODS)[number];

/** What the main thread keeps of an opened engine to answer cheap, synchronous calls (autocomplete, tables of contents) itself. */
export interface Catalogue {
  sections: SectionEntry[];
  studyQuestions: StudyQuestion[];
  quotations: Quotation[];
  stats: ReturnType<Engine['stats']>;
  embedder: Pick<Engine['embedder'], 'modelId' | 'dtype' | 'identity' | 'offline' | 'dimension' | 'profile'>;
  bookTitle: string | undefined;
}

export interface WorkerData {
  logLevel: string;
  logFormat: LogFormat;
}

export type ToWorker =
  | { type: 'open'; id: number; key: string; spec: EngineSpec }
  | { type: 'call'; id: number; key: string; method: WorkerMethod; args: unknown[] }
  /** Drops an engine (answers how many the worker still holds). */
  | { type: 'close'; id: number; key: string }
  /** How many engines the worker holds. */
  | { type: 'count'; id: number };

export interface SerialisedError {
  name: string;
  message: string;
  stack?: string;
  /** The error's own string and number fields (e.g. an InvalidQuestionError's `reason`). */
  fields: Record<string, string | number | boolean>;
}

export type FromWorker = { type: 'result'; id: number; value: unknown } | { type: 'error'; id: number; error: SerialisedError } | { type: 'progress'; id: number; event: BuildEvent };

/** The same spec always gives the same key, whatever order its fields were written in. */
export function specKey(spec: EngineSpec): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, field]) => field !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, field]) => [name, sorted(field)]),
      );
    }
    return value;
  };
  return JSON.stringify(sorted(spec));
}

export function serialiseError(error: unknown): SerialisedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields = Object.fromEntries(Object.entries(error).filter(([name, value]) => name !== 'name' && ['string', 'number', 'boolean'].includes(typeof value))) as SerialisedError['fields'];
  return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}), fields };
}
