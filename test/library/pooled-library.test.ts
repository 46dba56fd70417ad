import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pooledBookEngineFactory } from '../../src/engine-pool/book-engines.js';
import { EnginePool, EngineWorkerError } from '../../src/engine-pool/pool.js';
import { EngineReleasedError } from '../../src/engine-pool/pooled-engine.js';
import type { Library } from '../../src/library/library.js';
import { TeacherRuntime } from '../../src/bot/teacher/runtime.js';
import { INDEX_FILES } from '../../src/search/index-store.js';
import { Store } from '../../src/store/index.js';
import { silentLogger, testConfig } from '../helpers/engine.js';
import { copyCorpus, EXTRA_SHARED_BOOK_GUIDE, FRANKENSTEIN_GUIDE, openTestLibrary, parseGuide, type TestLibrary } from '../helpers/library.js';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const QUESTIONS = ['How does the creature learn to speak?', 'Who is Victor Frankenstein?', 'Who is Ruth?', 'What were the Exchanges?', 'What happens at the cottages?'];

/** The embedding cache keys of a server's book index (the one index folder the library keeps for it). */
function cacheKeys(library: Library, guildId: string, slug: string): string[] {
  const root = library.layout.bookIndexRoot(guildId, slug);
  const [dir, ...others] = fs.readdirSync(root);
  expect(others).toEqual([]);
  const db = new Database(path.join(root, dir!, INDEX_FILES.cache), { readonly: true });
  try {
    return db
      .prepare<[], { key: string }>('SELECT key FROM embeddings ORDER BY key')
      .all()
      .map((row) => row.key);
  } finally {
    db.close();
  }
}

/** Ids that name a library's own guide files (random per library, so they differ between two libraries), left out to compare. */
const FILE_IDS = new Set(['source', 'id', 'passageId', 'key']);

function withoutFileIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutFileIds);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).flatMap(([name, field]) => (FILE_IDS.has(name) ? [] : [[name, withoutFileIds(field)]])));
  return value;
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a library whose book engines run on a worker pool', () => {
  const config = testConfig();
  let pool: EnginePool;
  let pooled: TestLibrary;
  let local: TestLibrary;

  beforeAll(async () => {
    pool = new EnginePool({ workers: 2, logger: silentLogger });
    // A budget of one server library: loading a second unloads the first.
    pooled = await openTestLibrary({ openEngine: pooledBookEngineFactory({ pool, config }), memoryBudgetBytes: 1 });
    local = await openTestLibrary({ memoryBudgetBytes: 1 });
  }, 180_000);

  afterAll(async () => {
    await pool?.close();
    for (const t of [pooled, local]) if (t) fs.rmSync(t.root, { recursive: true, force: true });
  });

  it('answers a server book as the in-process library does, and lets the workers drop it when it is unloaded', async () => {
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
    for (const t of [pooled, local]) await t.library.addGuide(GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher#1' });
    const fromPool = (await pooled.library.engineFor(GUILD, { book: 'Frankenstein' }))!.engine;
    const inProcess = (await local.library.engineFor(GUILD, { book: 'Frankenstein' }))!.engine;
    for (const question of QUESTIONS) expect(withoutFileIds(await fromPool.ask(question)), question).toEqual(withoutFileIds(await inProcess.ask(question)));
    expect(withoutFileIds(fromPool.sections())).toEqual(withoutFileIds(inProcess.sections()));
    // The shared book and this server's book, each on both workers.
    expect(pool.openCount()).toBe(2);
    expect(await pool.workerEngineCounts()).toEqual([2, 2]);

    // Another server's library unloads this one (the budget holds one): the workers let it go.
    await pooled.library.addGuide(OTHER_GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher#2' });
    expect(pooled.library.memory().loaded).toBe(1);
    await until(async () => pool.openCount() === 2 && (await pool.workerEngineCounts()).every((count) => count === 2));
    await expect(fromPool.ask(QUESTIONS[0])).rejects.toThrow(EngineReleasedError);

    // Asked again, it loads again and answers the same.
    const reloaded = (await pooled.library.engineFor(GUILD, { book: 'Frankenstein' }))!.engine;
    expect(reloaded).not.toBe(fromPool);
    for (const question of QUESTIONS) expect(withoutFileIds(await reloaded.ask(question)), question).toEqual(withoutFileIds(await inProcess.ask(question)));
    await until(async () => pool.openCount() === 2 && (await pool.workerEngineCounts()).every((count) => count === 2));
  }, 180_000);

  it('keeps in a rebuilt book index the same vectors as the in-process library: a removed guide’s go', async () => {
    const extra = await parseGuide(EXTRA_SHARED_BOOK_GUIDE, 'hailsham.md');
    const added: Record<string, string> = {};
    for (const [name, t] of [
      ['pooled', pooled],
      ['local', local],
    ] as const)
      added[name] = (await t.library.addGuide(GUILD, { parsed: extra, fileName: 'hailsham.md', addedBy: 'teacher#1' })).id;
    const withGuide = cacheKeys(pooled.library, GUILD, 'never-let-me-go');
    expect(withGuide).toEqual(cacheKeys(local.library, GUILD, 'never-let-me-go'));

    // Removing it leaves the shared guides only in that book: the index is rebuilt and pruned.
    const second = await parseGuide(EXTRA_SHARED_BOOK_GUIDE.replace('The Exchange Gallery', 'The Sales').replace('Exchanges taught', 'Sales showed'), 'sales.md');
    for (const t of [pooled, local]) await t.library.addGuide(GUILD, { parsed: second, fileName: 'sales.md', addedBy: 'teacher#1' });
    await pooled.library.removeGuide(GUILD, added.pooled!);
    await local.library.removeGuide(GUILD, added.local!);
    const afterRemoval = cacheKeys(pooled.library, GUILD, 'never-let-me-go');
    expect(afterRemoval).toEqual(cacheKeys(local.library, GUILD, 'never-let-me-go'));
    expect(afterRemoval.filter((key) => !withGuide.includes(key)).length).toBeGreaterThan(0);
    expect(withGuide.filter((key) => !afterRemoval.includes(key)).length).toBeGreaterThan(0);
    const book = (await pooled.library.engineFor(GUILD, { book: 'Never Let Me Go' }))!.engine;
    const inProcess = (await local.library.engineFor(GUILD, { book: 'Never Let Me Go' }))!.engine;
    for (const question of QUESTIONS) expect(withoutFileIds(await book.ask(question)), question).toEqual(withoutFileIds(await inProcess.ask(question)));
  }, 180_000);
  it('gives a server’s teacher notes to its own book engines on the workers, also when a book loads again, and to no other server’s', async () => {
    const store = await Store.open(':memory:');
    const runtime = new TeacherRuntime({ store, engine: pooled.library.sharedEngine()!, logger: silentLogger, retentionDays: 90, library: pooled.library });
    const question = 'What was the ghost story contest that started the novel?';
    const notesIn = (answer: { passages: { citation: string }[] }) => answer.passages.filter((passage) => passage.citation.startsWith('Teacher note')).length;
    try {
      await runtime.start();
      const note = await store.notes.create({
        guildId: GUILD,
        authorId: '100000000000000009',
        authorName: 'Ms Emily',
        text: 'The novel started as an entry in a ghost story contest among friends, held indoors during the stormy summer of 1816.',
        question,
      });
      await runtime.indexNote(note);
      const ask = async (guildId: string) => (await pooled.library.engineFor(guildId, { book: 'Frankenstein' }))!.engine.ask(question, { exclude: runtime.exclusionsFor(guildId) });
      const first = await ask(GUILD);
      expect(first.quotes[0]?.citation).toMatch(/^Teacher note by Ms Emily, /);
      // The other server's book (loading it unloads this one): no note of this server.
      expect(notesIn(await ask(OTHER_GUILD))).toBe(0);
      expect((await pooled.library.engineFor(OTHER_GUILD, { book: 'Frankenstein' }))!.engine.stats().notes).toBe(0);
      expect(pooled.library.ownEngines(GUILD)).toEqual([]);
      // Loaded again on the workers, with the note.
      expect((await ask(GUILD)).quotes[0]?.citation).toMatch(/^Teacher note by Ms Emily, /);
      await store.notes.delete(note.id);
      await runtime.unindexNote(note);
      expect(notesIn(await ask(GUILD))).toBe(0);
    } finally {
      runtime.stop();
      await store.close();
    }
  }, 180_000);
});

describe('shared books on a worker pool, re-indexed', () => {
  it('lets the workers drop a replaced shared engine, but keeps the one the bot holds', async () => {
    const config = testConfig();
    const corpusDir = copyCorpus();
    const pool = new EnginePool({ workers: 1, logger: silentLogger });
    try {
      const t = await openTestLibrary({ openEngine: pooledBookEngineFactory({ pool, config }), corpusDir });
      const held = t.library.sharedEngine()!;
      expect(pool.openCount()).toBe(1);

      fs.writeFileSync(path.join(corpusDir, 'class-notes.md'), EXTRA_SHARED_BOOK_GUIDE);
      expect((await t.library.reloadShared()).changed).toEqual(['Never Let Me Go']);
      const second = (await t.library.engineFor(null))!.engine;
      expect(second).not.toBe(held);
      // The one the bot holds still answers, beside the new one.
      expect(pool.openCount()).toBe(2);
      expect((await held.ask('Who is Ruth?')).answered).toBe(true);

      fs.rmSync(path.join(corpusDir, 'class-notes.md'));
      await t.library.reloadShared();
      // Back to the first guides: the same spec as the engine the bot holds, so that engine again; the second is let go.
      expect((await t.library.engineFor(null))!.engine).toBe(held);
      await until(async () => pool.openCount() === 1 && (await pool.workerEngineCounts())[0] === 1);
      await expect(second.ask('Who is Ruth?')).rejects.toThrow(EngineReleasedError);
      expect((await held.ask('Who is Ruth?')).answered).toBe(true);

      // The index folder now holds the second spec's index: a replacement worker cannot reopen the held engine,
      // but it comes up (for every other engine) and the held engine's calls fail with a clear error.
      await pool.stopWorker(0);
      await until(() => pool.workers()[0]!.up);
      await expect(held.ask('Who is Ruth?')).rejects.toThrow(EngineWorkerError);
      expect(await pool.workerEngineCounts()).toEqual([0]);
      fs.rmSync(t.root, { recursive: true, force: true });
    } finally {
      await pool.close();
      fs.rmSync(corpusDir, { recursive: true, force: true });
    }
  }, 180_000);
});
