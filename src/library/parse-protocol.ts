import { IngestError, type IngestErrorCode, type IngestInput, type IngestResult } from '../guide/ingest/types.js';
import type { GuidePreview } from '../guide/ingest/preview.js';

/** The messages between the main thread and a parser thread (parse-worker.ts). */

export type ToParseWorker = { type: 'parse'; id: number; input: IngestInput };

export type FromParseWorker = { type: 'ready' } | { type: 'result'; id: number; result: IngestResult; preview: GuidePreview } | { type: 'error'; id: number; error: SerialisedParseError };

export interface SerialisedParseError {
  name: string;
  message: string;
  /** An IngestError's code: the error is rebuilt as the same IngestError on the main thread. */
  code?: IngestErrorCode;
  stack?: string;
}

export function serialiseParseError(error: unknown): SerialisedParseError {
  if (error instanceof IngestError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: 'Error', message: String(error) };
}

export function reviveParseError(serialised: SerialisedParseError): Error {
  if (serialised.code) return new IngestError(serialised.code, serialised.message);
  const error = new Error(serialised.message);
  error.name = serialised.name;
  if (serialised.stack) error.stack = serialised.stack;
  return error;
}
