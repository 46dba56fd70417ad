import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportCancelledError, LibraryError } from '../../src/library/errors.js';
import type { OpenBookEngine } from '../../src/library/engine-factory.js';
import { readLibraryState } from '../../src/library/state.js';
import { captureLogs } from '../e2e/bot-harness.js';
import { EXTRA_SHARED_BOOK_GUIDE, FRANKENSTEIN_GUIDE, openTestLibrary, parseGuide, type TestLibrary } from '../helpers/library.js';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .flatMap((entry) => (entry.isFile() ? [path.relative(dir, path.join(entry.parentPath, entry.name))] : []))
    .sort();
}

describe('a server library', () => {
  let t: TestLibrary;

  beforeAll(async () => {
    t = await openTestLibrary();
  });
  afterAll(() => fs.rmSync(t.root, { recursive: true, force: true }));

  it('starts as the shared library: one book, the shared engine itself (no copy)', async () => {
    expect(t.library.books(GUILD)).toEqual([{ book: 'Never Let Me Go', slug: 'never-let-me-go', shared: 2, own: 0 }]);
    const resolved = await t.library.engineFor(GUILD);
    expect(resolved?.engine).toBe(t.library.sharedEngine());
    expect(resolved?.bookCount).toBe(1);
    expect(t.library.memory().loaded).toBe(0);
  });

  it('adds a guide of a new book whole: file, index, then library.json; other servers do not see it', async () => {
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
    const added = await t.library.addGuide(GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher#1' });
    expect(added).toMatchObject({ title: 'Frankenstein — Study Notes', book: 'Frankenstein', format: 'markdown', sections: 5, fileName: 'frankenstein.md' });

    const state = readLibraryState(t.library.layout.stateFile(GUILD));
    expect(state.guides.map((guide) => guide.id)).toEqual([added.id]);
    const markdown = fs.readFileSync(t.library.layout.guideFile(GUILD, added.id), 'utf8');
    expect(markdown).toContain('## Victor Frankenstein');
    expect(t.library.exportGuide(GUILD, added.id).markdown).toBe(markdown);
    expect(filesUnder(t.library.layout.stagingRoot(GUILD))).toEqual([]);

    expect(t.library.books(GUILD).map((book) => book.book)).toEqual(['Never Let Me Go', 'Frankenstein']);
    const frankenstein = await t.library.engineFor(GUILD, { book: 'frankenstein' });
    expect(frankenstein?.book).toBe('Frankenstein');
    const answer = await frankenstein!.engine.ask('How does the creature learn to speak?');
    expect(answer.answered).toBe(true);
    expect(answer.passages[0]?.citation).toContain('Frankenstein — Study Notes › Characters › The Creature');
    // The shared book is untouched, and stays the default.
    expect((await t.library.engineFor(GUILD))?.engine).toBe(t.library.sharedEngine());
    expect(t.library.books(OTHER_GUILD).map((book) => book.book)).toEqual(['Never Let Me Go']);
    await expect(t.library.engineFor(OTHER_GUILD, { book: 'Frankenstein' })).rejects.toThrow(LibraryError);
  });

  it('adds a guide to the shared book: that server gets an engine of both, reusing the shared vectors', async () => {
    const parsed = await parseGuide(EXTRA_SHARED_BOOK_GUIDE, 'hailsham-notes.md');
    const events: number[] = [];
    const added = await t.library.addGuide(GUILD, { parsed, fileName: 'hailsham-notes.md', addedBy: 'teacher#1' }, { onProgress: (event) => event.stage === 'ready' && events.push(event.computed) });
    expect(added.book).toBe('Never Let Me Go');
    // Only the new guide's chunks and sentences were embedded: the shared guides' vectors came from the seeded cache.
    expect(events).toHaveLength(1);
    expect(events[0]).toBeGreaterThan(0);
    expect(events[0]).toBeLessThan(10);
    const resolved = await t.library.engineFor(GUILD, { book: 'Never Let Me Go' });
    expect(resolved?.engine).not.toBe(t.library.sharedEngine());
    expect(resolved!.engine.stats().guides).toBe(3);
    const answer = await resolved!.engine.ask('What did our class decide the Exchanges taught?');
    expect(answer.passages[0]?.citation).toContain('Class Notes on Hailsham');
    expect((await resolved!.engine.ask('Who is Miss Lucy?')).answered).toBe(true);
  });

  it('a cancelled import leaves everything as it was', async () => {
    const before = { state: fs.readFileSync(t.library.layout.stateFile(GUILD), 'utf8'), files: filesUnder(t.library.layout.guildDir(GUILD)) };
    const controller = new AbortController();
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE.replace('Study Notes', 'Second Copy').replace('Frankenstein"', 'Frankenstein Again"'), 'again.md');
    const adding = t.library.addGuide(
      GUILD,
      { parsed, fileName: 'again.md', addedBy: 'teacher#1' },
      { onProgress: (event) => event.stage === 'load' && controller.abort(), signal: controller.signal },
    );
    await expect(adding).rejects.toBeInstanceOf(ImportCancelledError);
    expect(fs.readFileSync(t.library.layout.stateFile(GUILD), 'utf8')).toBe(before.state);
    expect(filesUnder(t.library.layout.guildDir(GUILD))).toEqual(before.files);
    expect(t.library.books(GUILD).map((book) => book.book)).toEqual(['Never Let Me Go', 'Frankenstein']);
  });

  it('renames a guide: the citation changes and nothing is embedded again', async () => {
    const guide = t.library.guides(GUILD).find((candidate) => candidate.book === 'Frankenstein')!;
    const computed: number[] = [];
    const { after } = await t.library.updateGuide(GUILD, guide.id, { title: 'Frankenstein Notes for Year 10' }, { onProgress: (event) => event.stage === 'ready' && computed.push(event.computed) });
    expect(after.title).toBe('Frankenstein Notes for Year 10');
    expect(computed).toEqual([0]);
    const answer = await (await t.library.engineFor(GUILD, { book: 'Frankenstein' }))!.engine.ask('How does the creature learn to speak?');
    expect(answer.passages[0]?.citation).toMatch(/^Frankenstein Notes for Year 10 › /);
    expect(t.library.exportGuide(GUILD, guide.id).markdown).toContain('title: Frankenstein Notes for Year 10');
  });

  it('a channel can have a default book', async () => {
    await t.library.setChannelBook(GUILD, '200000000000000001', 'frankenstein');
    expect((await t.library.engineFor(GUILD, { channelId: '200000000000000001' }))?.book).toBe('Frankenstein');
    expect((await t.library.engineFor(GUILD, { channelId: '200000000000000002' }))?.book).toBe('Never Let Me Go');
    // The option beats the channel's default.
    expect((await t.library.engineFor(GUILD, { channelId: '200000000000000001', book: 'Never Let Me Go' }))?.book).toBe('Never Let Me Go');
    await expect(t.library.setChannelBook(GUILD, '200000000000000001', 'Dracula')).rejects.toThrow(/no book called “Dracula”/);
  });

  it('with the shared library off, a server has only its own guides', async () => {
    await t.library.setSharedLibrary(GUILD, false);
    // Without the shared guides, the books are in the order their guides were added.
    expect(t.library.books(GUILD)).toEqual([
      { book: 'Frankenstein', slug: 'frankenstein', shared: 0, own: 1 },
      { book: 'Never Let Me Go', slug: 'never-let-me-go', shared: 0, own: 1 },
    ]);
    const own = await t.library.engineFor(GUILD, { book: 'Never Let Me Go' });
    expect(own!.engine.stats().guides).toBe(1);
    await t.library.setSharedLibrary(GUILD, true);
    expect((await t.library.engineFor(GUILD, { book: 'Never Let Me Go' }))!.engine.stats().guides).toBe(3);
  });

  it('removes a guide: its file, its index and its vectors go', async () => {
    const guide = t.library.guides(GUILD).find((candidate) => candidate.book === 'Frankenstein')!;
    const bookIndex = t.library.layout.bookIndexRoot(GUILD, 'frankenstein');
    expect(fs.existsSync(bookIndex)).toBe(true);
    await t.library.removeGuide(GUILD, guide.id);
    expect(fs.existsSync(t.library.layout.guideFile(GUILD, guide.id))).toBe(false);
    expect(fs.existsSync(bookIndex)).toBe(false);
    expect(t.library.books(GUILD).map((book) => book.book)).toEqual(['Never Let Me Go']);
    await expect(t.library.engineFor(GUILD, { book: 'Frankenstein' })).rejects.toThrow(LibraryError);
    expect(() => t.library.exportGuide(GUILD, guide.id)).toThrow(LibraryError);
    // The channel default that named it falls back to the first book.
    expect((await t.library.engineFor(GUILD, { channelId: '200000000000000001' }))?.book).toBe('Never Let Me Go');
  });

  it('a failed index build changes nothing', async () => {
    const failing: OpenBookEngine = () => Promise.reject(new Error('disk full'));
    const other = await openTestLibrary({
      root: t.root,
      indexDir: t.indexDir,
      openEngine: async (spec, progress) => (spec.guideFiles.some((file) => file.includes('staging')) ? failing(spec, progress) : t.openEngine(spec, progress)),
    });
    const before = { state: fs.readFileSync(other.library.layout.stateFile(GUILD), 'utf8'), files: filesUnder(other.library.layout.guildDir(GUILD)) };
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
    await expect(other.library.addGuide(GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher#1' })).rejects.toThrow('disk full');
    expect(fs.readFileSync(other.library.layout.stateFile(GUILD), 'utf8')).toBe(before.state);
    expect(filesUnder(other.library.layout.guildDir(GUILD))).toEqual(before.files);
  });
});

describe('start-up after an interrupted import', () => {
  it('discards the staged file and a guide file library.json does not list, with a log line, and keeps the rest', async () => {
    const t = await openTestLibrary();
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
    const kept = await t.library.addGuide(GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher#1' });
    // What a crash mid-import leaves: a staging folder, and a guide moved into place before library.json was replaced.
    const staged = path.join(t.library.layout.stagingRoot(GUILD), 'gaaaaaaaaaaaa-1234');
    fs.mkdirSync(staged, { recursive: true });
    fs.writeFileSync(path.join(staged, 'gaaaaaaaaaaaa.md'), FRANKENSTEIN_GUIDE);
    fs.writeFileSync(path.join(t.library.layout.guidesDir(GUILD), 'gbbbbbbbbbbbb.md'), FRANKENSTEIN_GUIDE);

    const logs = captureLogs('info');
    const restarted = await openTestLibrary({ root: t.root, indexDir: t.indexDir, logger: logs.logger });
    expect(fs.existsSync(staged)).toBe(false);
    expect(fs.readdirSync(restarted.library.layout.guidesDir(GUILD))).toEqual([`${kept.id}.md`]);
    expect(logs.lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['discarded an interrupted guide import (the library is as it was before it)', 'discarded a guide file of an interrupted import']),
    );
    const answer = await (await restarted.library.engineFor(GUILD, { book: 'Frankenstein' }))!.engine.ask('Where is Victor Frankenstein from?');
    expect(answer.answered).toBe(true);
    fs.rmSync(t.root, { recursive: true, force: true });
  });
});

describe('loaded libraries', () => {
  it('stay within the memory budget: the least recently used is unloaded and loads again when asked', async () => {
    const logs = captureLogs('info');
    // A budget of one library: loading a second unloads the first.
    const t = await openTestLibrary({ memoryBudgetBytes: 1, logger: logs.logger });
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
    await t.library.addGuide(GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'a' });
    await t.library.addGuide(OTHER_GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'b' });
    expect(t.library.memory().loaded).toBe(1);
    expect(logs.lines.filter((line) => line.msg === 'library unloaded (least recently used)').map((line) => line.library)).toEqual([`${GUILD}/frankenstein`]);

    const first = await t.library.engineFor(GUILD, { book: 'Frankenstein' });
    expect((await first!.engine.ask('Who is Victor Frankenstein?')).answered).toBe(true);
    expect(t.library.memory().loaded).toBe(1);
    // The shared engine is never unloaded.
    expect((await t.library.engineFor(GUILD))?.engine).toBe(t.library.sharedEngine());
    fs.rmSync(t.root, { recursive: true, force: true });
  });
});
