/**
 * What the store modules need of a database, implemented over SQLite (sqlite-database.ts) and
 * PostgreSQL (postgres-database.ts). Statements are written once with `?` placeholders; the
 * PostgreSQL implementation numbers them ($1, $2, …). Where the two dialects differ, a module
 * picks its text by `db.dialect`.
 */

export type Dialect = 'sqlite' | 'postgres';
export type SqlValue = string | number | null;
export type SqlParams = readonly SqlValue[];

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export interface TransactionOptions {
  /**
   * Only reads, seen as one consistent snapshot (SQLite: a deferred transaction; PostgreSQL:
   * REPEATABLE READ READ ONLY). Without it, a transaction is a write transaction: write
   * transactions run one at a time (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped
   * advisory lock), so a read followed by a write in one transaction stays correct.
   */
  readOnly?: boolean;
  /**
   * The work writes only rows of its own: it inserts, and reads or changes only the rows it inserted
   * (or others no concurrent transaction writes), so nothing it decides rests on what another
   * transaction may change meanwhile. Such a write transaction need not wait for the others: on
   * PostgreSQL it takes no write lock (SQLite's one connection runs transactions one at a time anyway).
   */
  ownRowsOnly?: boolean;
}

export interface SqlDatabase {
  readonly dialect: Dialect;
  /** For messages: the file, or the server URL without its password. */
  readonly location: string;
  readonly open: boolean;
  /** The first row, or undefined. */
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  /** Several statements, without parameters (schema changes). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `work` in one transaction: every write it makes is stored, or none is (it rolls back when
   * `work` throws). Calls on this database awaited inside `work` (in its async context) join the
   * transaction; calls from elsewhere do not see it until it commits. A transaction inside `work`
   * is a savepoint.
   */
  transaction<T>(work: () => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Whether a write can be made now (for /healthz); a sentence saying why not otherwise. */
  writable(): Promise<true | string>;
  /** Waits for a running transaction, then closes. Safe to call twice. */
  close(): Promise<void>;
  /**
   * Only where the server sends notifications (PostgreSQL LISTEN): hears `channel` on a connection
   * of its own, kept open (connected again after a loss) until the returned listener is closed.
   */
  listen?(channel: string, handlers: ListenHandlers, options?: ListenOptions): Promise<Listener>;
}

export interface ListenHandlers {
  /** A notification on the channel, with its payload. */
  notify(payload: string): void;
  /**
   * The connection listens: the first time (`again` false) and after each reconnection (`again`
   * true). Notifications sent while it did not are lost, so whatever they announce must be read again.
   */
  ready(again: boolean): void;
  /** The connection could not be made or was lost; it is tried again in `retryInMs`. */
  lost(error: unknown, retryInMs: number): void;
}

export interface ListenOptions {
  /** The wait before the first reconnection attempt; it doubles after each failed one. */
  retryFirstMs?: number;
  /** The longest wait between attempts. */
  retryMaxMs?: number;
}

export interface Listener {
  /** Whether the connection listens now. */
  readonly listening: boolean;
  /** Stops listening and closes the connection (waits for it). Safe to call twice. */
  close(): Promise<void>;
}

/** Numbers the `?` placeholders ($1, $2, …), leaving quoted text, quoted names and comments alone. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}
