import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptionsWithoutStdio } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import pg from 'pg';
import { openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { PostgresDatabase } from '../../src/store/postgres-database.js';
import type { Dialect, SqlDatabase } from '../../src/store/sql.js';

export const GUILD = '100000000000000001';
export const OTHER_GUILD = '100000000000000002';
export const CHANNEL = '200000000000000001';
export const CHANNEL_2 = '200000000000000002';
export const CHANNEL_3 = '200000000000000003';
export const USER = '300000000000000001';
export const USER_2 = '300000000000000002';
export const USER_3 = '300000000000000003';
export const TEACHER = '400000000000000001';
export const TEACHER_2 = '400000000000000002';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(import.meta.dirname, 'fixtures');
export const DAY = 86_400_000;
export const NOW = Date.UTC(2025, 2, 1, 12, 0, 0);

/**
 * The store tests run once per backend: SQLite always; PostgreSQL when TEST_DATABASE_URL is set
 * (each suite creates its own database there and drops it after, so files can run in parallel).
 * Without it the PostgreSQL variants are skipped, unless REQUIRE_POSTGRES=1 (CI), where they fail.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;
export const REQUIRE_POSTGRES = process.env.REQUIRE_POSTGRES === '1';
export const BACKENDS: readonly Dialect[] = ['sqlite', 'postgres'];

let active: { dialect: Dialect; url?: string } = { dialect: 'sqlite' };
const opened: SqlDatabase[] = [];
let schemas = 0;

/** A fresh, empty, migrated database on the backend of the running suite (SQLite: in memory; PostgreSQL: a new schema). */
export async function memoryDb(): Promise<SqlDatabase> {
  if (active.dialect === 'sqlite') {
    const db = await openDatabase(':memory:');
    opened.push(db);
    return db;
  }
  if (active.url === undefined) throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: start a server with scripts/postgres-for-tests.sh start.');
  const schema = `t${process.pid}_${++schemas}`;
  const admin = new pg.Client({ connectionString: active.url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(active.url);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const db = await PostgresDatabase.connect(url.toString(), { poolSize: 4 });
  await migrate(db);
  opened.push(db);
  return db;
}

/** Runs `body` as one suite per backend (see BACKENDS); inside it, memoryDb() opens that backend. */
export function describeEachBackend(name: string, body: (dialect: Dialect) => void): void {
  for (const dialect of BACKENDS) {
    const skip = dialect === 'postgres' && TEST_DATABASE_URL === undefined && !REQUIRE_POSTGRES;
    (skip ? describe.skip : describe)(`${name} [${dialect}]`, () => {
      let url: string | undefined;
      let database: string | undefined;
      beforeAll(async () => {
        if (dialect !== 'postgres' || TEST_DATABASE_URL === undefined) return;
        database = `guidebot_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
        const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${database}`);
        await admin.end();
        const target = new URL(TEST_DATABASE_URL);
        target.pathname = `/${database}`;
        url = target.toString();
      });
      beforeEach(() => {
        active = { dialect, ...(url ? { url } : {}) };
      });
      afterEach(async () => {
        for (const db of opened.splice(0)) await db.close();
      });
      afterAll(async () => {
        if (database === undefined || TEST_DATABASE_URL === undefined) return;
        const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.end();
      });
      body(dialect);
    });
  }
}

const made: string[] = [];

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-store-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a TypeScript fixture in a fresh Node process (tsx loader). */
export function spawnFixture(name: string, args: string[], options: SpawnOptionsWithoutStdio = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', path.join(FIXTURES, name), ...args], {
    cwd: PROJECT_ROOT,
    stdio: 'pipe',
    ...options,
  });
}

/** Resolves with everything the process printed once it exits. */
export function collect(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A new, empty PostgreSQL database on the test server (for tests that start bot processes on PostgreSQL); drop() removes it. */
export async function createPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const database = `guidebot_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${database}`);
  const target = new URL(serverUrl);
  target.pathname = `/${database}`;
  return { url: target.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) };
}
