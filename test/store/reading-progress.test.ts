import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/store/errors.js';
import { clearProgress, getProgress, progressRank, setProgress, type ReadingProgress } from '../../src/store/reading-progress.js';
import { GUILD, describeEachBackend, memoryDb, OTHER_GUILD, USER, USER_2 } from './helpers.js';

describeEachBackend('reading progress', () => {
  it('is null until set, then per guild and user, and can change', async () => {
    const db = await memoryDb();
    expect(await getProgress(db, GUILD, USER)).toBeNull();
    await setProgress(db, GUILD, USER, 'part-one', 10);
    await setProgress(db, GUILD, USER_2, 'finished', 11);
    await setProgress(db, GUILD, USER, 'part-two', 12);
    expect(await getProgress(db, GUILD, USER)).toEqual({ guildId: GUILD, userId: USER, progress: 'part-two', updatedAt: 12 });
    expect((await getProgress(db, GUILD, USER_2))?.progress).toBe('finished');
    expect(await getProgress(db, OTHER_GUILD, USER)).toBeNull();
    expect(await clearProgress(db, GUILD, USER)).toBe(true);
    expect(await clearProgress(db, GUILD, USER)).toBe(false);
    expect(await getProgress(db, GUILD, USER)).toBeNull();
  });

  it('rejects unknown values and changes nothing', async () => {
    const db = await memoryDb();
    await setProgress(db, GUILD, USER, 'part-three');
    await expect(setProgress(db, GUILD, USER, 'part-four' as ReadingProgress)).rejects.toThrow(InvalidInputError);
    expect((await getProgress(db, GUILD, USER))?.progress).toBe('part-three');
  });

  it('ranks parts in book order', () => {
    expect(['finished', 'part-one', 'part-three', 'part-two'].sort((a, b) => progressRank(a as ReadingProgress) - progressRank(b as ReadingProgress))).toEqual([
      'part-one',
      'part-two',
      'part-three',
      'finished',
    ]);
  });
});
