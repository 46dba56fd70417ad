import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/store/errors.js';
import { lastQuizQuestion, purgeQuizMemory, setLastQuizQuestion } from '../../src/store/quiz-memory.js';
import { describeEachBackend, memoryDb, USER, USER_2 } from './helpers.js';

describeEachBackend('quiz memory', () => {
  it("keeps each user's last quiz question, replaced by the next", async () => {
    const db = await memoryDb();
    expect(await lastQuizQuestion(db, USER)).toBeNull();
    await setLastQuizQuestion(db, USER, 'guide-1:q3', 10);
    await setLastQuizQuestion(db, USER_2, 'guide-1:q1', 11);
    await setLastQuizQuestion(db, USER, 'guide-2:q7', 12);
    expect(await lastQuizQuestion(db, USER)).toBe('guide-2:q7');
    expect(await lastQuizQuestion(db, USER_2)).toBe('guide-1:q1');
  });

  it('forgets memories older than a cutoff', async () => {
    const db = await memoryDb();
    await setLastQuizQuestion(db, USER, 'a', 10);
    await setLastQuizQuestion(db, USER_2, 'b', 20);
    expect(await purgeQuizMemory(db, 15)).toBe(1);
    expect(await lastQuizQuestion(db, USER)).toBeNull();
    expect(await lastQuizQuestion(db, USER_2)).toBe('b');
  });

  it('rejects bad input', async () => {
    const db = await memoryDb();
    await expect(setLastQuizQuestion(db, 'someone', 'a')).rejects.toThrow(InvalidInputError);
    await expect(setLastQuizQuestion(db, USER, '')).rejects.toThrow(InvalidInputError);
    await expect(setLastQuizQuestion(db, USER, 'x'.repeat(201))).rejects.toThrow(InvalidInputError);
  });
});
