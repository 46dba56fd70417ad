import type { IngestResult } from '../../guide/ingest/types.js';
import { MAX_PENDING_PREVIEWS, PREVIEW_TTL_MS } from '../../library/limits.js';

/** An upload that was parsed and previewed, waiting for Add or Cancel. Kept in memory only: a restart forgets it, and nothing was written. */
export interface PendingImport {
  guildId: string;
  userId: string;
  fileName: string;
  parsed: IngestResult;
  book?: string;
  title?: string;
  createdAt: number;
}

export class PendingImports {
  private readonly entries = new Map<string, PendingImport>();
  /** Imports being indexed, by token: Cancel stops them before they are committed. */
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly ttlMs = PREVIEW_TTL_MS,
    private readonly max = MAX_PENDING_PREVIEWS,
    private readonly now: () => number = Date.now,
  ) {}

  put(token: string, pending: PendingImport): void {
    this.prune();
    this.entries.set(token, pending);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Takes a pending import out (Add and Cancel each use it once). */
  take(token: string): PendingImport | undefined {
    this.prune();
    const pending = this.entries.get(token);
    this.entries.delete(token);
    return pending;
  }

  peek(token: string): PendingImport | undefined {
    this.prune();
    return this.entries.get(token);
  }

  start(token: string): AbortController {
    const controller = new AbortController();
    this.running.set(token, controller);
    return controller;
  }

  finish(token: string): void {
    this.running.delete(token);
  }

  /** Stops an import being indexed; false when none is running under this token. */
  abort(token: string): boolean {
    const controller = this.running.get(token);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  private prune(): void {
    const oldest = this.now() - this.ttlMs;
    for (const [token, pending] of this.entries) if (pending.createdAt < oldest) this.entries.delete(token);
  }
}
