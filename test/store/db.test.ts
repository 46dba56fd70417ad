import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, userVersion } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import type { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { StoreError } from '../../src/store/errors.js';
import { recordGap } from '../../src/store/gaps.js';
import { migrations, SCHEMA_VERSION, type Migration } from '../../src/store/migrations.js';
import { normalizeQuestion } from '../../src/store/normalize.js';
import { logQuestion } from '../../src/store/question-log.js';
import { CHANNEL, collect, GUILD, removeTempDirs, spawnFixture, tempDir, USER, USER_2 } from './helpers.js';

afterEach(removeTempDirs);

const TABLES = ['changes', 'feedback', 'gap_asks', 'gaps', 'guild_settings', 'notes', 'question_log', 'quiz_last', 'reading_progress', 'reviews'];

function tables(db: SqliteDatabase | BetterSqlite3.Database): string[] {
  const raw = 'raw' in db ? db.raw : db;
  return (raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
}

async function logOne(db: SqliteDatabase, question = 'Who are the guardians?'): Promise<number> {
  return await logQuestion(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, userName: 'Kathy', question, answered: true, latencyMs: 5 });
}

async function expectStoreError(fn: () => Promise<unknown>, code: string, file: string): Promise<StoreError> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreError);
  const error = caught as StoreError;
  expect(error.code).toBe(code);
  expect(error.path).toBe(path.resolve(file));
  expect(error.message).toContain(path.resolve(file));
  return error;
}

describe('openDatabase: schema and pragmas', () => {
  it('creates the schema at the latest version with WAL, synchronous NORMAL and foreign keys', async () => {
    const file = path.join(tempDir(), 'guidebot.db');
    const db = await openDatabase(file);
    expect(userVersion(db.raw)).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(migrations.length);
    expect(tables(db)).toEqual(TABLES);
    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.raw.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(db.raw.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    await db.close();
  });

  it('reopening keeps the data and applies no migration twice', async () => {
    const file = path.join(tempDir(), 'guidebot.db');
    const first = await openDatabase(file);
    const id = await logOne(first);
    await first.close();
    const second = await openDatabase(file);
    expect(userVersion(second.raw)).toBe(SCHEMA_VERSION);
    expect(await migrate(second)).toBe(0);
    expect(second.raw.prepare('SELECT question FROM question_log WHERE id = ?').get(id)).toEqual({ question: 'Who are the guardians?' });
    await second.close();
  });

  it('applies migrations in order, each once, and later ones on a later open', async () => {
    const file = path.join(tempDir(), 'm.db');
    const v1: Migration[] = [
      { name: 'table', sql: 'CREATE TABLE runs (step TEXT NOT NULL)' },
      { name: 'first row', sql: "INSERT INTO runs VALUES ('two')" },
    ];
    const a = await openDatabase(file, { migrations: v1 });
    expect(userVersion(a.raw)).toBe(2);
    await a.close();
    const b = await openDatabase(file, { migrations: v1 });
    await b.close();
    const v2 = [...v1, { name: 'second row', sql: "INSERT INTO runs VALUES ('three')" }];
    const c = await openDatabase(file, { migrations: v2 });
    expect(userVersion(c.raw)).toBe(3);
    expect(c.raw.prepare('SELECT step FROM runs ORDER BY rowid').all()).toEqual([{ step: 'two' }, { step: 'three' }]);
    await c.close();
  });

  it('a database of the first release is upgraded in place: its rows are kept and gain the new columns', async () => {
    const file = path.join(tempDir(), 'v1.db');
    const v1 = await openDatabase(file, { migrations: migrations.slice(0, 1) });
    v1.raw
      .prepare("INSERT INTO question_log (guild_id, channel_id, user_id, user_name, question, answered, latency_ms, created_at) VALUES (?, ?, ?, 'Kathy', 'Old question', 1, 3, 1)")
      .run(GUILD, CHANNEL, USER);
    await v1.close();
    const upgraded = await openDatabase(file);
    expect(userVersion(upgraded.raw)).toBe(SCHEMA_VERSION);
    expect(upgraded.raw.prepare('SELECT question, answer_id FROM question_log').all()).toEqual([{ question: 'Old question', answer_id: null }]);
    await upgraded.close();
  });

  it('a failing migration rolls back completely and is reported', async () => {
    const file = path.join(tempDir(), 'm.db');
    const list: Migration[] = [
      { name: 'ok', sql: 'CREATE TABLE a (x INTEGER)' },
      { name: 'broken', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1); THIS IS NOT SQL' },
    ];
    await expect(openDatabase(file, { migrations: list })).rejects.toThrow(StoreError);
    const raw = new BetterSqlite3(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(raw)).toEqual(['a']);
    expect(raw.prepare('SELECT count(*) AS n FROM a').get()).toEqual({ n: 0 });
    raw.close();
  });

  it(':memory: works', async () => {
    const db = await openDatabase(':memory:');
    expect(tables(db)).toEqual(TABLES);
    expect(await logOne(db)).toBe(1);
    await db.close();
  });
});

describe('openDatabase: startup errors are clear and never reset the file', () => {
  it('creates a missing parent folder', async () => {
    const file = path.join(tempDir(), 'a', 'b', 'c', 'guidebot.db');
    const db = await openDatabase(file);
    await db.close();
    expect(fs.statSync(file).isFile()).toBe(true);
  });

  it('a parent that is a regular file gives a StoreError naming the file (works as root too)', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'data'), 'I am a file');
    const file = path.join(dir, 'data', 'guidebot.db');
    const error = await expectStoreError(() => openDatabase(file), 'folder-unavailable', file);
    expect(error.message).toMatch(/DB_PATH/);
  });

  it('a path that is a folder gives a StoreError', async () => {
    const dir = tempDir();
    const error = await expectStoreError(() => openDatabase(dir), 'not-a-file', dir);
    expect(error.message).toMatch(/is a folder/);
  });

  it('random bytes: "not a SQLite database", file untouched, no WAL files created', async () => {
    const file = path.join(tempDir(), 'guidebot.db');
    const bytes = crypto.randomBytes(16_384);
    fs.writeFileSync(file, bytes);
    const error = await expectStoreError(() => openDatabase(file), 'not-a-database', file);
    expect(error.message).toMatch(/not a SQLite database/);
    expect(error.message).toMatch(/backup/);
    expect(error.message).toMatch(/move it aside/);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(fs.existsSync(`${file}-shm`)).toBe(false);
  });

  it('a valid header with damaged pages: "damaged", file untouched', async () => {
    const file = path.join(tempDir(), 'guidebot.db');
    const db = await openDatabase(file);
    await db.transaction(async () => {
      for (let i = 0; i < 300; i += 1) await logOne(db, `question ${i} ${'x'.repeat(200)}`);
    });
    await db.close();
    const pageSize = 4096;
    const original = fs.readFileSync(file);
    expect(original.length).toBeGreaterThan(pageSize * 8);
    const damagedBytes = Buffer.from(original);
    crypto.randomBytes(pageSize * 4).copy(damagedBytes, pageSize); // pages 2..5, keeping page 1 (header and schema)
    fs.writeFileSync(file, damagedBytes);
    const error = await expectStoreError(() => openDatabase(file), 'damaged', file);
    expect(error.message).toMatch(/damaged/);
    expect(error.message).toMatch(/backup/);
    expect(fs.readFileSync(file).equals(damagedBytes)).toBe(true);
  });

  it('a database from a newer schema version is refused and left as it was', async () => {
    const file = path.join(tempDir(), 'guidebot.db');
    await (await openDatabase(file)).close();
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = fs.readFileSync(file);
    const error = await expectStoreError(() => openDatabase(file), 'newer-schema', file);
    expect(error.message).toMatch(/newer version of Guidebot/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it("a SQLite file that is not Guidebot's is refused", async () => {
    const file = path.join(tempDir(), 'other.db');
    const raw = new BetterSqlite3(file);
    raw.exec('CREATE TABLE invoices (id INTEGER)');
    raw.close();
    await expectStoreError(() => openDatabase(file), 'foreign-database', file);
    const check = new BetterSqlite3(file);
    expect(tables(check)).toEqual(['invoices']);
    check.close();
  });

  it('readonly option: reads work, writes fail, nothing changes', async () => {
    const file = path.join(tempDir(), 'guidebot.db');
    const rw = await openDatabase(file);
    await logOne(rw);
    await rw.close();
    const ro = await openDatabase(file, { readonly: true });
    expect(ro.raw.prepare('SELECT count(*) AS n FROM question_log').get()).toEqual({ n: 1 });
    await expect(logOne(ro)).rejects.toThrow(/readonly/i);
    await ro.close();
    const again = await openDatabase(file);
    expect(again.raw.prepare('SELECT count(*) AS n FROM question_log').get()).toEqual({ n: 1 });
    await again.close();
  });

  it('readonly option on a missing file gives a StoreError', async () => {
    const file = path.join(tempDir(), 'missing.db');
    await expectStoreError(() => openDatabase(file, { readonly: true }), 'not-found', file);
    expect(fs.existsSync(file)).toBe(false);
  });

  // Root ignores permission bits, so as root the check runs in a child process with the uid of "nobody".
  const runAs = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

  async function openInChild(file: string): Promise<{ ok: boolean; name?: string; code?: string; path?: string; message?: string }> {
    const result = await collect(spawnFixture('open-db.ts', [file], runAs));
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout.trim()) as { ok: boolean };
  }

  it('a read-only file (chmod 444) gives a clear StoreError naming the file', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o777);
    const file = path.join(dir, 'guidebot.db');
    await (await openDatabase(file)).close();
    fs.chmodSync(file, 0o444);
    const before = fs.readFileSync(file);
    const result = await openInChild(file);
    expect(result).toMatchObject({ ok: false, name: 'StoreError', code: 'file-read-only', path: file });
    expect(result.message).toContain(file);
    expect(result.message).toMatch(/read-only/);
    expect(result.message).toMatch(/permissions/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  }, 30_000);

  it('a read-only folder gives a clear StoreError naming the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'guidebot.db');
    await (await openDatabase(file)).close();
    fs.chmodSync(file, 0o666);
    fs.chmodSync(dir, 0o555);
    const result = await openInChild(file);
    expect(result).toMatchObject({ ok: false, name: 'StoreError', code: 'folder-read-only', path: file });
    expect(result.message).toMatch(/not writable/);
  }, 30_000);

  it('the same child succeeds on a writable file (so the failures above are real)', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o777);
    const result = await openInChild(path.join(dir, 'fresh.db'));
    expect(result).toEqual({ ok: true });
  }, 30_000);
});

describe('migration 3: question keys from the search tokenizer', () => {
  it('re-keys stored gaps and their asks, and merges open gaps that now share a key', async () => {
    const file = path.join(tempDir(), 'v2.db');
    const v2 = await openDatabase(file, { migrations: migrations.slice(0, 2) });
    // Rows as the previous key function stored them ("running" and "run" were different keys then).
    const addGap = (question: string, key: string, at: number, status = 'open') =>
      Number(v2.raw.prepare('INSERT INTO gaps (guild_id, question, norm_key, status, created_at, last_asked_at) VALUES (?, ?, ?, ?, ?, ?)').run(GUILD, question, key, status, at, at).lastInsertRowid);
    const addAsk = (gapId: number, question: string, key: string, at: number, userId = USER) =>
      v2.raw.prepare('INSERT INTO gap_asks (gap_id, guild_id, channel_id, user_id, question, norm_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(gapId, GUILD, CHANNEL, userId, question, key, at);
    const run = addGap('Why do the students run?', 'run student', 1);
    addAsk(run, 'Why do the students run?', 'run student', 1);
    const running = addGap('Why are the students running?', 'running student', 2);
    addAsk(running, 'Why are the students running?', 'running student', 5, USER_2);
    const tape = addGap('Why did Kathy keep the tape?', 'kathy keep tape', 3, 'answered');
    addAsk(tape, 'Why did Kathy keep the tape?', 'kathy keep tape', 3);
    await v2.close();

    const db = await openDatabase(file);
    expect(userVersion(db.raw)).toBe(SCHEMA_VERSION);
    const gaps = db.raw.prepare('SELECT id, question, norm_key, status, last_asked_at FROM gaps ORDER BY id').all();
    expect(gaps).toEqual([
      { id: run, question: 'Why do the students run?', norm_key: 'run student', status: 'open', last_asked_at: 2 },
      { id: tape, question: 'Why did Kathy keep the tape?', norm_key: 'kathi keep tape', status: 'answered', last_asked_at: 3 },
    ]);
    const asks = db.raw.prepare('SELECT gap_id, question, norm_key FROM gap_asks ORDER BY id').all() as Array<{ gap_id: number; question: string; norm_key: string }>;
    expect(asks.map((ask) => ask.gap_id)).toEqual([run, run, tape]);
    for (const ask of asks) expect(ask.norm_key).toBe(normalizeQuestion(ask.question));
    // A new wording joins the merged gap.
    expect(await recordGap(db, { guildId: GUILD, channelId: CHANNEL, userId: USER_2, question: 'why are students running', createdAt: 9 })).toEqual({ gapId: run, created: false, count: 3 });
    await db.close();
  });
});
