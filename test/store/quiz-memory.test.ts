import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/store/errors.js';
import { lastQuizQuestion, purgeQuizMemory, setLastQuizQuestion } from '../../src/store/quiz-memory.js';
import { memoryDb, USER, USER_2 } from './helpers.js';

describe('quiz memory', () => {
  it("keeps each user's last quiz question, replaced by the next", () => {
    const db = memoryDb();
    expect(lastQuizQuestion(db, USER)).toBeNull();
    setLastQuizQuestion(db, USER, 'guide-1:q3', 10);
    setLastQuizQuestion(db, USER_2, 'guide-1:q1', 11);
    setLastQuizQuestion(db, USER, 'guide-2:q7', 12);
    expect(lastQuizQuestion(db, USER)).toBe('guide-2:q7');
    expect(lastQuizQuestion(db, USER_2)).toBe('guide-1:q1');
  });

  it('forgets memories older than a cutoff', () => {
    const db = memoryDb();
    setLastQuizQuestion(db, USER, 'a', 10);
    setLastQuizQuestion(db, USER_2, 'b', 20);
    expect(purgeQuizMemory(db, 15)).toBe(1);
    expect(lastQuizQuestion(db, USER)).toBeNull();
    expect(lastQuizQuestion(db, USER_2)).toBe('b');
  });

  it('rejects bad input', () => {
    const db = memoryDb();
    expect(() => setLastQuizQuestion(db, 'someone', 'a')).toThrow(InvalidInputError);
    expect(() => setLastQuizQuestion(db, USER, '')).toThrow(InvalidInputError);
    expect(() => setLastQuizQuestion(db, USER, 'x'.repeat(201))).toThrow(InvalidInputError);
  });
});
