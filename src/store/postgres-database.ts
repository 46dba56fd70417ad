import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { StoreError } from './errors.js';
import { PostgresListener } from './postgres-listener.js';
import { numberPlaceholders, type ListenHandlers, type Listener, type ListenOptions, type RunResult, type SqlDatabase, type SqlParams, type TransactionOptions } from './sql.js';

/** Connections per process when none is given (the config's DATABASE_POOL_SIZE default is the same). */
export const DEFAULT_POOL_SIZE = 10;
/** How long opening a connection may take before the server counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 10_000;
/**
 * The advisory lock every write transaction holds, so that write transactions run one at a time
 * as they do on SQLite (BEGIN IMMEDIATE) and a read followed by a write stays correct.
 */
export const WRITE_LOCK_KEY = 4_711_002;
const TAKE_WRITE_LOCK = 'SELECT pg_advisory_xact_lock($1)';

/** Whether a transaction with these options runs one at a time with the other write transactions. */
const needsWriteLock = (options: TransactionOptions) => !options.readOnly && !options.ownRowsOnly;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** 64-bit integers (ids, ms times, counts, sums) as numbers, like SQLite gives them; they stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as typeof pg.types.getTypeParser,
};

/** The URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unreadable DATABASE_URL)';
  }
}

interface TransactionContext {
  client: pg.PoolClient;
  savepoints: number;
  /** Holds the write lock (taken at BEGIN, or by the first nested write transaction that needs it). */
  locked: boolean;
}

export interface PostgresOptions {
  /** Connections in the pool (DATABASE_POOL_SIZE). */
  poolSize?: number;
}

/**
 * SqlDatabase over a pg Pool. Statements outside a transaction take any free connection; a
 * transaction holds one connection from BEGIN to COMMIT, and calls awaited inside its work (found
 * by their async context) run on that connection.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly current = new AsyncLocalStorage<TransactionContext>();
  private closed = false;

  private constructor(
    private readonly url: string,
    options: PostgresOptions,
  ) {
    this.location = redactUrl(url);
    this.pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? DEFAULT_POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types });
    // An idle connection the server dropped: the pool replaces it; the next query reports any real outage.
    this.pool.on('error', () => undefined);
  }

  /** Connects (once, to check the server and credentials). Problems become StoreErrors that say what to fix. */
  static async connect(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
    const db = new PostgresDatabase(url, options);
    try {
      const client = await db.pool.connect();
      client.release();
    } catch (error) {
      await db.pool.end().catch(() => undefined);
      throw postgresError(error, db.location);
    }
    return db;
  }

  get open(): boolean {
    return !this.closed;
  }

  async get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    const context = this.current.getStore();
    await (context ? context.client.query(sql) : this.pool.query(sql));
  }

  async transaction<T>(work: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const context = this.current.getStore();
    if (context !== undefined) return this.savepoint(context, work, options);
    const client = await this.pool.connect();
    // A connection whose BEGIN, COMMIT or ROLLBACK failed is not given back for reuse.
    let healthy = true;
    const control = async (sql: string, values?: unknown[]) => {
      try {
        await client.query(sql, values);
      } catch (error) {
        healthy = false;
        throw error;
      }
    };
    const locked = needsWriteLock(options);
    try {
      await control(options.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
      if (locked) await control(TAKE_WRITE_LOCK, [WRITE_LOCK_KEY]);
      let result: T;
      try {
        result = await this.current.run({ client, savepoints: 0, locked }, work);
      } catch (error) {
        await control('ROLLBACK');
        throw error;
      }
      await control('COMMIT');
      return result;
    } finally {
      client.release(healthy ? undefined : true);
    }
  }

  async writable(): Promise<true | string> {
    if (this.closed) return 'the database is not open';
    const row = await this.get<{ readonly: string; recovery: boolean }>("SELECT current_setting('transaction_read_only') AS readonly, pg_is_in_recovery() AS recovery");
    if (row?.recovery) return 'the PostgreSQL server is a read-only standby';
    if (row?.readonly === 'on') return 'the PostgreSQL session is read-only';
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** LISTENs on `channel` on a connection of its own (see PostgresListener); resolves once the first attempt to connect is over. */
  async listen(channel: string, handlers: ListenHandlers, options?: ListenOptions): Promise<Listener> {
    const listener = new PostgresListener({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }, channel, handlers, options);
    await listener.start();
    return listener;
  }

  private async savepoint<T>(context: TransactionContext, work: () => Promise<T>, options: TransactionOptions): Promise<T> {
    // A write transaction nested in one that took no write lock (its own rows only) takes it now: it may read, then write.
    if (!context.locked && needsWriteLock(options)) {
      await context.client.query(TAKE_WRITE_LOCK, [WRITE_LOCK_KEY]);
      context.locked = true;
    }
    const name = `nested_${++context.savepoints}`;
    await context.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      await context.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await context.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }

  private query(sql: string, params: SqlParams): Promise<pg.QueryResult> {
    const text = numberPlaceholders(sql);
    const values = [...params];
    const context = this.current.getStore();
    return context ? context.client.query(text, values) : this.pool.query(text, values);
  }
}

/** Turns a failure to reach or log in to the server into a StoreError that says what to fix. */
export function postgresError(error: unknown, where: string): StoreError {
  if (error instanceof StoreError) return error;
  const raw = (error as { code?: unknown } | undefined)?.code;
  const code = typeof raw === 'string' ? raw : '';
  const detail = error instanceof Error ? error.message : String(error);
  const make = (kind: ConstructorParameters<typeof StoreError>[0], message: string) => new StoreError(kind, where, message, { cause: error });
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || /timeout/i.test(detail)) {
    return make('unreachable', `Cannot reach the PostgreSQL server at ${where} (${code || detail}). Check that it is running and that DATABASE_URL names the right host and port.`);
  }
  if (code === '28P01' || code === '28000') {
    return make('auth-failed', `The PostgreSQL server at ${where} refused the login (${detail}). Check the user name and password in DATABASE_URL.`);
  }
  if (code === '3D000') {
    return make('not-found', `The PostgreSQL database named in ${where} does not exist (${detail}). Create it (createdb) or fix the database name in DATABASE_URL.`);
  }
  return make('unknown', `Cannot open the PostgreSQL database at ${where}: ${detail}`);
}
