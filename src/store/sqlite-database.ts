import { AsyncLocalStorage } from 'node:async_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import type { RunResult, SqlDatabase, SqlParams, TransactionOptions } from './sql.js';

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/**
 * SqlDatabase over one better-sqlite3 connection. The connection is synchronous; while a
 * transaction's work awaits, calls from other callers wait for it to end (they would otherwise run
 * inside it), and calls from inside the work (found by their async context) go straight through.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  private readonly inTransaction = new AsyncLocalStorage<true>();
  /** Resolves when the running transaction ends; null when none runs. */
  private busy: Promise<void> | null = null;
  private savepoints = 0;

  constructor(
    /** The better-sqlite3 connection, for SQLite-only work (pragmas, tests). */
    readonly raw: BetterSqlite3.Database,
    readonly location: string,
  ) {}

  get open(): boolean {
    return this.raw.open;
  }

  async get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    await this.turn();
    return this.statement(sql).get(...params) as T | undefined;
  }

  async all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    await this.turn();
    return this.statement(sql).all(...params) as T[];
  }

  async run(sql: string, params: SqlParams = []): Promise<RunResult> {
    await this.turn();
    return { changes: this.statement(sql).run(...params).changes };
  }

  async exec(sql: string): Promise<void> {
    await this.turn();
    this.raw.exec(sql);
  }

  async transaction<T>(work: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.inTransaction.getStore() !== undefined) return this.savepoint(work);
    while (this.busy !== null) await this.busy;
    let release!: () => void;
    this.busy = new Promise((resolve) => (release = resolve));
    try {
      this.raw.exec(options.readOnly ? 'BEGIN DEFERRED' : 'BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await this.inTransaction.run(true, work);
      } catch (error) {
        if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
        throw error;
      }
      this.raw.exec('COMMIT');
      return result;
    } finally {
      this.busy = null;
      // Until the next transaction nothing needs the async context: Node tracks it with promise hooks
      // that cost every promise of the process (the whole bot's) some work while any storage is enabled.
      this.inTransaction.disable();
      release();
    }
  }

  async writable(): Promise<true | string> {
    if (!this.raw.open) return 'the database is not open';
    if (this.raw.readonly) return 'the database is open read-only';
    // Opening and rolling back a write transaction: the write lock can be taken.
    return this.transaction(() => Promise.resolve(true as const));
  }

  async close(): Promise<void> {
    while (this.busy !== null) await this.busy;
    if (this.raw.open) this.raw.close();
  }

  private async savepoint<T>(work: () => Promise<T>): Promise<T> {
    const name = `nested_${++this.savepoints}`;
    this.raw.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      this.raw.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.raw.exec(`ROLLBACK TO ${name}`);
      this.raw.exec(`RELEASE ${name}`);
      throw error;
    }
  }

  /** Waits while another caller's transaction runs. */
  private async turn(): Promise<void> {
    if (this.inTransaction.getStore() !== undefined) return;
    while (this.busy !== null) await this.busy;
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.raw.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
