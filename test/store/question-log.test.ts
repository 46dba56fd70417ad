import { expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/store/errors.js';
import { findByAnswerId, getQuestion, listQuestions, logQuestion, setReviewOutcome, type LogQuestionInput } from '../../src/store/question-log.js';
import { CHANNEL, GUILD, describeEachBackend, memoryDb, OTHER_GUILD, USER } from './helpers.js';

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

describeEachBackend('question log', () => {
  it('logs a question and returns its id; the row reads back typed', async () => {
    const db = await memoryDb();
    const id = await logQuestion(db, base);
    expect(id).toBe(1);
    expect(await getQuestion(db, id)).toEqual({
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
    expect(await getQuestion(db, 99)).toBeNull();
  });

  it('ids keep growing after deletes (never reused)', async () => {
    const db = await memoryDb();
    const first = await logQuestion(db, base);
    await db.run('DELETE FROM question_log');
    expect(await logQuestion(db, base)).toBe(first + 1);
  });

  it('sets and clears the review outcome', async () => {
    const db = await memoryDb();
    const id = await logQuestion(db, base);
    await setReviewOutcome(db, id, 'pending');
    expect((await getQuestion(db, id))?.reviewOutcome).toBe('pending');
    await setReviewOutcome(db, id, 'approved');
    expect((await getQuestion(db, id))?.reviewOutcome).toBe('approved');
    await setReviewOutcome(db, id, null);
    expect((await getQuestion(db, id))?.reviewOutcome).toBeNull();
    await expect(setReviewOutcome(db, 999, 'approved')).rejects.toThrow(NotFoundError);
    await expect(setReviewOutcome(db, id, 'maybe' as 'approved')).rejects.toThrow(InvalidInputError);
  });

  it('remembers the answer id so votes find their row; an answer id is logged once', async () => {
    const db = await memoryDb();
    const id = await logQuestion(db, { ...base, answerId: '900000000000000001' });
    expect((await findByAnswerId(db, '900000000000000001'))?.id).toBe(id);
    expect(await findByAnswerId(db, '900000000000000002')).toBeNull();
    await expect(logQuestion(db, { ...base, answerId: '900000000000000001' })).rejects.toThrow(/UNIQUE|duplicate key/);
    await expect(logQuestion(db, { ...base, answerId: 'abc' })).rejects.toThrow(InvalidInputError);
    await expect(findByAnswerId(db, 'abc')).rejects.toThrow(InvalidInputError);
    // Without an answer id (older rows, other callers) any number of rows may be logged.
    await logQuestion(db, base);
    await logQuestion(db, base);
    expect(await listQuestions(db, GUILD)).toHaveLength(3);
  });

  it('lists a guild newest first', async () => {
    const db = await memoryDb();
    await logQuestion(db, { ...base, question: 'old', createdAt: 1 });
    await logQuestion(db, { ...base, question: 'new', createdAt: 3 });
    await logQuestion(db, { ...base, guildId: OTHER_GUILD, question: 'elsewhere', createdAt: 2 });
    expect((await listQuestions(db, GUILD)).map((row) => row.question)).toEqual(['new', 'old']);
    expect((await listQuestions(db, GUILD, { since: 2 })).map((row) => row.question)).toEqual(['new']);
  });

  it.each<[string, Partial<LogQuestionInput>]>([
    ['empty question', { question: '   ' }],
    ['bad guild id', { guildId: '123' }],
    ['negative latency', { latencyMs: -1 }],
    ['infinite confidence', { confidence: Number.POSITIVE_INFINITY }],
    ['passage without citation', { passages: [{ id: 'x', score: 1 } as never] }],
    ['too long question', { question: 'x'.repeat(7000) }],
  ])('rejects %s and writes nothing', async (_name, change) => {
    const db = await memoryDb();
    await expect(logQuestion(db, { ...base, ...change })).rejects.toThrow(InvalidInputError);
    expect(await db.get('SELECT count(*) AS n FROM question_log')).toEqual({ n: 0 });
  });
});
