import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/store/errors.js';
import { findByAnswerId, getQuestion, listQuestions, logQuestion, setReviewOutcome, type LogQuestionInput } from '../../src/store/question-log.js';
import { CHANNEL, GUILD, memoryDb, OTHER_GUILD, USER } from './helpers.js';

const base: LogQuestionInput = {
  guildId: GUILD,
  channelId: CHANNEL,
  userId: USER,
  userName: 'Tommy',
  question: '  Why does Tommy lose his temper?  ',
  answered: true,
  confidence: 0.72,
  passages: [
    { id: 'sparknotes-ch2-3', citation: 'SparkNotes, Chapter 2', score: 0.81 },
    { id: 7, citation: 'LitCharts, Part One', score: 0.64 },
  ],
  latencyMs: 123.6,
  createdAt: 1_700_000_000_000,
};

describe('question log', () => {
  it('logs a question and returns its id; the row reads back typed', () => {
    const db = memoryDb();
    const id = logQuestion(db, base);
    expect(id).toBe(1);
    expect(getQuestion(db, id)).toEqual({
      id: 1,
      guildId: GUILD,
      channelId: CHANNEL,
      userId: USER,
      userName: 'Tommy',
      question: 'Why does Tommy lose his temper?',
      answered: true,
      confidence: 0.72,
      passages: [
        { id: 'sparknotes-ch2-3', citation: 'SparkNotes, Chapter 2', score: 0.81 },
        { id: '7', citation: 'LitCharts, Part One', score: 0.64 },
      ],
      latencyMs: 124,
      reviewOutcome: null,
      answerId: null,
      createdAt: 1_700_000_000_000,
    });
    expect(getQuestion(db, 99)).toBeNull();
  });

  it('ids keep growing after deletes (never reused)', () => {
    const db = memoryDb();
    const first = logQuestion(db, base);
    db.prepare('DELETE FROM question_log').run();
    expect(logQuestion(db, base)).toBe(first + 1);
  });

  it('sets and clears the review outcome', () => {
    const db = memoryDb();
    const id = logQuestion(db, base);
    setReviewOutcome(db, id, 'pending');
    expect(getQuestion(db, id)?.reviewOutcome).toBe('pending');
    setReviewOutcome(db, id, 'approved');
    expect(getQuestion(db, id)?.reviewOutcome).toBe('approved');
    setReviewOutcome(db, id, null);
    expect(getQuestion(db, id)?.reviewOutcome).toBeNull();
    expect(() => setReviewOutcome(db, 999, 'approved')).toThrow(NotFoundError);
    expect(() => setReviewOutcome(db, id, 'maybe' as 'approved')).toThrow(InvalidInputError);
  });

  it('remembers the answer id so votes find their row; an answer id is logged once', () => {
    const db = memoryDb();
    const id = logQuestion(db, { ...base, answerId: '900000000000000001' });
    expect(findByAnswerId(db, '900000000000000001')?.id).toBe(id);
    expect(findByAnswerId(db, '900000000000000002')).toBeNull();
    expect(() => logQuestion(db, { ...base, answerId: '900000000000000001' })).toThrow(/UNIQUE/);
    expect(() => logQuestion(db, { ...base, answerId: 'abc' })).toThrow(InvalidInputError);
    expect(() => findByAnswerId(db, 'abc')).toThrow(InvalidInputError);
    // Without an answer id (older rows, other callers) any number of rows may be logged.
    logQuestion(db, base);
    logQuestion(db, base);
    expect(listQuestions(db, GUILD)).toHaveLength(3);
  });

  it('lists a guild newest first', () => {
    const db = memoryDb();
    logQuestion(db, { ...base, question: 'old', createdAt: 1 });
    logQuestion(db, { ...base, question: 'new', createdAt: 3 });
    logQuestion(db, { ...base, guildId: OTHER_GUILD, question: 'elsewhere', createdAt: 2 });
    expect(listQuestions(db, GUILD).map((row) => row.question)).toEqual(['new', 'old']);
    expect(listQuestions(db, GUILD, { since: 2 }).map((row) => row.question)).toEqual(['new']);
  });

  it.each<[string, Partial<LogQuestionInput>]>([
    ['empty question', { question: '   ' }],
    ['bad guild id', { guildId: '123' }],
    ['negative latency', { latencyMs: -1 }],
    ['infinite confidence', { confidence: Number.POSITIVE_INFINITY }],
    ['passage without citation', { passages: [{ id: 'x', score: 1 } as never] }],
    ['too long question', { question: 'x'.repeat(7000) }],
  ])('rejects %s and writes nothing', (_name, change) => {
    const db = memoryDb();
    expect(() => logQuestion(db, { ...base, ...change })).toThrow(InvalidInputError);
    expect(db.prepare('SELECT count(*) AS n FROM question_log').get()).toEqual({ n: 0 });
  });
});
