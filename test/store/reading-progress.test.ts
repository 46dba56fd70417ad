import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/store/errors.js';
import { clearProgress, getProgress, progressRank, setProgress, type ReadingProgress } from '../../src/store/reading-progress.js';
import { GUILD, memoryDb, OTHER_GUILD, USER, USER_2 } from './helpers.js';

describe('reading progress', () => {
  it('is null until set, then per guild and user, and can change', () => {
    const db = memoryDb();
    expect(getProgress(db, GUILD, USER)).toBeNull();
    setProgress(db, GUILD, USER, 'part-one', 10);
    setProgress(db, GUILD, USER_2, 'finished', 11);
    setProgress(db, GUILD, USER, 'part-two', 12);
    expect(getProgress(db, GUILD, USER)).toEqual({ guildId: GUILD, userId: USER, progress: 'part-two', updatedAt: 12 });
    expect(getProgress(db, GUILD, USER_2)?.progress).toBe('finished');
    expect(getProgress(db, OTHER_GUILD, USER)).toBeNull();
    expect(clearProgress(db, GUILD, USER)).toBe(true);
    expect(clearProgress(db, GUILD, USER)).toBe(false);
    expect(getProgress(db, GUILD, USER)).toBeNull();
  });

  it('rejects unknown values and changes nothing', () => {
    const db = memoryDb();
    setProgress(db, GUILD, USER, 'part-three');
    expect(() => setProgress(db, GUILD, USER, 'part-four' as ReadingProgress)).toThrow(InvalidInputError);
    expect(getProgress(db, GUILD, USER)?.progress).toBe('part-three');
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
