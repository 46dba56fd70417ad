import { afterAll, describe, expect, it } from 'vitest';
import { changesAfter, latestChangeId, pruneChanges, recordChange } from '../../src/store/changes.js';
import { InvalidInputError } from '../../src/store/errors.js';
import { Store } from '../../src/store/index.js';
import { describeEachBackend, GUILD, memoryDb, OTHER_GUILD, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describeEachBackend('the change feed', () => {
  it('appends changes and reads them after an id, oldest first, in batches', async () => {
    const db = await memoryDb();
    expect(await latestChangeId(db)).toBe(0);
    const first = await recordChange(db, { kind: 'note', guildId: GUILD, subjectId: 1, origin: 'a' }, 10);
    const second = await recordChange(db, { kind: 'note', guildId: OTHER_GUILD, subjectId: 2, origin: 'b' }, 20);
    await recordChange(db, { kind: 'note', guildId: GUILD, subjectId: 3, origin: 'a' }, 30);
    expect(first).toEqual({ id: first.id, kind: 'note', guildId: GUILD, subjectId: 1, origin: 'a', createdAt: 10 });
    expect(await latestChangeId(db)).toBe(first.id + 2);
    expect((await changesAfter(db, first.id, 1)).map((change) => change.subjectId)).toEqual([2]);
    expect((await changesAfter(db, second.id, 10)).map((change) => change.subjectId)).toEqual([3]);
    expect(await pruneChanges(db, 25)).toBe(2);
    expect((await changesAfter(db, 0, 10)).map((change) => change.subjectId)).toEqual([3]);
  });

  it('rejects what it cannot carry', async () => {
    const db = await memoryDb();
    await expect(recordChange(db, { kind: 'guide' as 'note', guildId: GUILD, subjectId: 1, origin: 'a' })).rejects.toThrow(InvalidInputError);
    await expect(recordChange(db, { kind: 'note', guildId: 'x', subjectId: 1, origin: 'a' })).rejects.toThrow(InvalidInputError);
    await expect(recordChange(db, { kind: 'note', guildId: GUILD, subjectId: 0, origin: 'a' })).rejects.toThrow(InvalidInputError);
    await expect(recordChange(db, { kind: 'note', guildId: GUILD, subjectId: 1, origin: '' })).rejects.toThrow(InvalidInputError);
  });
});

describe('the change feed on one SQLite file', () => {
  it('is shared by two connections to one database file (two processes)', async () => {
    const file = `${tempDir()}/shared.db`;
    const one = await Store.open(file);
    const two = await Store.open(file);
    try {
      const start = await two.changes.latestId();
      await one.changes.record({ kind: 'note', guildId: GUILD, subjectId: 7, origin: 'one' });
      expect(await two.changes.after(start, 10)).toEqual([expect.objectContaining({ subjectId: 7, origin: 'one' })]);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describeEachBackend('the change feed of guide libraries', () => {
  it("carries a server's library change as subject 0, and nothing else", async () => {
    const db = await memoryDb();
    const change = await recordChange(db, { kind: 'guides', guildId: GUILD, subjectId: 0, origin: 'a' }, 10);
    expect(change).toMatchObject({ kind: 'guides', guildId: GUILD, subjectId: 0 });
    await expect(recordChange(db, { kind: 'guides', guildId: GUILD, subjectId: 5, origin: 'a' })).rejects.toThrow(InvalidInputError);
  });
});
