import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { IngestError, type IngestResult } from '../../guide/ingest/types.js';
import { writeFileAtomic } from '../../library/atomic-file.js';
import { LibraryError } from '../../library/errors.js';
import { MAX_PENDING_PREVIEWS, PREVIEW_TTL_MS } from '../../library/limits.js';
import type { GuideParser } from '../../library/parser.js';
import type { Logger } from '../../log.js';

/**
 * Uploads that were parsed and previewed, waiting for Add or Cancel, kept on disk so the buttons still
 * work after a restart: for each, the parsed guide as its canonical Markdown (`<token>.md`) and a small
 * record (`<token>.json`: who uploaded it where, the format, the warnings, the page count). The record
 * is written last and is the commit point: a Markdown file without one is a write a crash cut short.
 *
 * The folder is local to the machine, and that is enough: a server's interactions always go to the
 * shard that holds it, so the process that showed a preview is the one its buttons reach (after a
 * restart too), and shard processes share LIBRARY_DIR on one machine. The count limit is across all
 * servers of the folder, as it was in memory.
 *
 * The folder is not a server's folder (see layout.ts), so nothing here is ever read as a guide.
 */

/** A preview waiting for Add or Cancel. */
export interface PendingPreview {
  guildId: string;
  userId: string;
  fileName: string;
  /** The parsed guide's title (the teacher's title when they gave one). */
  guideTitle: string;
  book?: string;
  title?: string;
  createdAt: number;
}

/** A preview taken for Add, with the parsed guide read back. */
export interface PendingImport extends PendingPreview {
  parsed: IngestResult;
}

const recordSchema = z.object({
  version: z.literal(1),
  guildId: z.string(),
  userId: z.string(),
  fileName: z.string(),
  guideTitle: z.string(),
  book: z.string().optional(),
  title: z.string().optional(),
  createdAt: z.number(),
  /** The parsed guide's own source name (the Markdown is read back under the token's name). */
  source: z.string(),
  format: z.enum(['markdown', 'text', 'pdf', 'docx', 'html']),
  warnings: z.array(z.string()),
  pageCount: z.number().int().positive().optional(),
});
type PendingRecord = z.infer<typeof recordSchema>;

/** Tokens are interaction ids (snowflakes); anything else in a button's id is refused before it names a file. */
const TOKEN = /^\d{17,20}$/;

export interface PendingImportsOptions {
  dir: string;
  /** Writes the guide as Markdown and reads it back (through the same parser as the upload). */
  parser: Pick<GuideParser, 'ingest' | 'toMarkdown'>;
  logger?: Logger;
  ttlMs?: number;
  max?: number;
  now?: () => number;
}

export class PendingImports {
  /** Imports being indexed, by token: Cancel stops them before they are committed. Indexing does not survive a restart, so these live in memory. */
  private readonly running = new Map<string, { controller: AbortController; guildId: string; userId: string }>();
  private readonly dir: string;
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  /** Opens the folder, deleting expired previews and what interrupted writes left. */
  constructor(private readonly options: PendingImportsOptions) {
    this.dir = options.dir;
    this.ttlMs = options.ttlMs ?? PREVIEW_TTL_MS;
    this.max = options.max ?? MAX_PENDING_PREVIEWS;
    this.now = options.now ?? Date.now;
    fs.mkdirSync(this.dir, { recursive: true });
    this.prune();
  }

  put(token: string, pending: PendingPreview & { parsed: IngestResult }): void {
    if (!TOKEN.test(token)) throw new Error(`not a preview token: ${token}`);
    const { parsed, ...preview } = pending;
    const record: PendingRecord = {
      version: 1,
      ...preview,
      source: parsed.guide.source,
      format: parsed.format,
      warnings: parsed.warnings,
      ...(parsed.pageCount !== undefined ? { pageCount: parsed.pageCount } : {}),
    };
    writeFileAtomic(this.file(token, 'md'), this.options.parser.toMarkdown(parsed.guide));
    writeFileAtomic(this.file(token, 'json'), JSON.stringify(record) + '\n');
    this.prune();
  }

  /** The preview waiting under a token, if it has not expired. */
  peek(token: string): PendingPreview | undefined {
    const record = this.read(token);
    return record && this.previewOf(record);
  }

  /**
   * Takes a preview out for Add, with its guide read back from the Markdown. The files are deleted
   * before anything is awaited, so a second press finds nothing.
   */
  async take(token: string): Promise<PendingImport | undefined> {
    const record = this.read(token);
    if (!record) return undefined;
    let markdown: Buffer;
    try {
      markdown = fs.readFileSync(this.file(token, 'md'));
    } catch {
      this.remove(token);
      return undefined;
    }
    this.remove(token);
    const back = await this.options.parser.ingest({ fileName: `${token}.md`, bytes: markdown }).catch((error: unknown) => {
      // Told in terms of the teacher's file, not the preview's.
      if (error instanceof IngestError)
        throw new LibraryError(
          error.code === 'busy' || error.code === 'timed-out'
            ? `I am busy reading other guide files, so ${record.fileName} was not added. Please upload it again in a minute.`
            : `The preview of ${record.fileName} could not be read back, so it was not added. Please upload the file again.`,
        );
      throw error;
    });
    const parsed: IngestResult = {
      guide: { ...back.guide, source: record.source },
      format: record.format,
      warnings: record.warnings,
      ...(record.pageCount !== undefined ? { pageCount: record.pageCount } : {}),
    };
    return { ...this.previewOf(record), parsed };
  }

  /** Deletes a preview (Cancel) and returns what it was. */
  discard(token: string): PendingPreview | undefined {
    const record = this.read(token);
    if (!record) return undefined;
    this.remove(token);
    return this.previewOf(record);
  }

  start(token: string, owner: { guildId: string; userId: string }): AbortController {
    const controller = new AbortController();
    this.running.set(token, { controller, guildId: owner.guildId, userId: owner.userId });
    return controller;
  }

  finish(token: string): void {
    this.running.delete(token);
  }

  /** Stops an import being indexed; false when none is running under this token for this teacher in this server. */
  abort(token: string, owner: { guildId: string; userId: string }): boolean {
    const running = this.running.get(token);
    if (!running || running.guildId !== owner.guildId || running.userId !== owner.userId) return false;
    running.controller.abort();
    return true;
  }

  /** How many previews are waiting. */
  get size(): number {
    return this.tokens().length;
  }

  private file(token: string, kind: 'md' | 'json'): string {
    return path.join(this.dir, `${token}.${kind}`);
  }

  private previewOf(record: PendingRecord): PendingPreview {
    const { version: _version, source: _source, format: _format, warnings: _warnings, pageCount: _pageCount, ...preview } = record;
    return preview;
  }

  /** The record under a token; an expired or unreadable one is deleted. */
  private read(token: string): PendingRecord | undefined {
    if (!TOKEN.test(token)) return undefined;
    let text: string;
    try {
      text = fs.readFileSync(this.file(token, 'json'), 'utf8');
    } catch {
      return undefined;
    }
    let record: PendingRecord;
    try {
      record = recordSchema.parse(JSON.parse(text));
    } catch (error) {
      this.options.logger?.warn({ err: error, token }, 'discarded an unreadable guide preview');
      this.remove(token);
      return undefined;
    }
    if (record.createdAt < this.now() - this.ttlMs) {
      this.remove(token);
      return undefined;
    }
    return record;
  }

  private remove(token: string): void {
    fs.rmSync(this.file(token, 'json'), { force: true });
    fs.rmSync(this.file(token, 'md'), { force: true });
  }

  private tokens(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter((token) => TOKEN.test(token));
  }

  /** Deletes expired previews, the oldest past the count limit, and what interrupted writes left. */
  private prune(): void {
    const live = this.tokens()
      .map((token) => ({ token, record: this.read(token) }))
      .filter((entry): entry is { token: string; record: PendingRecord } => entry.record !== undefined)
      .sort((a, b) => a.record.createdAt - b.record.createdAt);
    for (const { token } of live.slice(0, Math.max(0, live.length - this.max))) this.remove(token);
    // Markdown without a record, and temporary files, older than a preview lives: another shard process may be writing a young one.
    const kept = new Set(live.slice(Math.max(0, live.length - this.max)).map((entry) => entry.token));
    const old = this.now() - this.ttlMs;
    for (const name of fs.readdirSync(this.dir)) {
      const leftover = (name.endsWith('.md') && !kept.has(name.slice(0, -'.md'.length))) || name.endsWith('.tmp');
      if (leftover && (fs.statSync(path.join(this.dir, name), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < old) fs.rmSync(path.join(this.dir, name), { force: true });
    }
  }
}
