import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessEvents } from '../../src/sharding/events.js';
import { syncLibraryAcrossProcesses } from '../../src/sharding/library-sync.js';
import { silentLogger } from '../helpers/engine.js';
import { FRANKENSTEIN_GUIDE, openTestLibrary, parseGuide, type TestLibrary } from '../helpers/library.js';

const GUILD = '100000000000000001';

describe('guide libraries of two processes on one machine', () => {
  let one: TestLibrary;
  let two: TestLibrary;
  const feed = new InProcessEvents('process-one');
  const stops: (() => void)[] = [];

  beforeAll(async () => {
    one = await openTestLibrary();
    // The second "process" shares the library folder (and the shared index), with its own memory.
    two = await openTestLibrary({ root: one.root, indexDir: one.indexDir });
    stops.push(syncLibraryAcrossProcesses(one.library, feed, silentLogger), syncLibraryAcrossProcesses(two.library, feed.as('process-two'), silentLogger));
  });
  afterAll(() => {
    for (const stop of stops) stop();
    fs.rmSync(one.root, { recursive: true, force: true });
  });

  it('a guide added through one is answered from by the other, which had read the library before', async () => {
    expect(two.library.books(GUILD).map((book) => book.book)).toEqual(['Never Let Me Go']);
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
    await one.library.addGuide(GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher#1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(two.library.books(GUILD).map((book) => book.book)).toEqual(['Never Let Me Go', 'Frankenstein']);
    const resolved = await two.library.engineFor(GUILD, { book: 'Frankenstein' });
    const answer = await resolved!.engine.ask('How does the creature learn to speak?');
    expect(answer.passages[0]?.citation).toContain('Frankenstein — Study Notes');
  });

  it('spoiler parts set through one reach the other’s loaded engine of that book', async () => {
    const [guide] = one.library.guides(GUILD);
    const partOfCreature = async () => (await two.library.engineFor(GUILD, { book: 'Frankenstein' }))!.engine.sections().find((entry) => entry.path.join(' › ') === 'Characters › The Creature')?.part;
    expect(await partOfCreature()).toBe('part-three');
    await one.library.updateGuide(GUILD, guide!.id, { spoilers: { section: { typed: 'The Creature', part: 'part-two' } } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await partOfCreature()).toBe('part-two');
  });

  it('a guide removed through one is gone from the other, loaded engine and all', async () => {
    const [guide] = one.library.guides(GUILD);
    await one.library.removeGuide(GUILD, guide!.id);
    await new Promise((resolve) => setImmediate(resolve));
    expect(two.library.books(GUILD).map((book) => book.book)).toEqual(['Never Let Me Go']);
    expect(two.library.memory().loaded).toBe(0);
  });
});
