import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import { InvalidInputError, NotFoundError } from '../../src/store/errors.js';
import { getQuestion, logQuestion } from '../../src/store/question-log.js';
import { createReview, decideReview, findReviewByMessage, getReview, listPending, reopenReview, setQueueMessage, setReviewNotified, type DecideResult } from '../../src/store/reviews.js';
import { CHANNEL, CHANNEL_2, collect, GUILD, describeEachBackend, memoryDb, OTHER_GUILD, removeTempDirs, spawnFixture, TEACHER, TEACHER_2, tempDir, USER } from './helpers.js';

afterEach(removeTempDirs);

const MESSAGE = '600000000000000001';
const payload = { text: '"It was a lovely day"', citations: ['SparkNotes, Chapter 5'], confidence: 0.61 };

async function queue(db: SqlDatabase, createdAt = 1000) {
  const logId = await logQuestion(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'Why is Hailsham special?', answered: true, latencyMs: 3 });
  const review = await createReview(db, { logId, guildId: GUILD, originChannelId: CHANNEL, askerId: USER, question: 'Why is Hailsham special?', payload, queueChannelId: CHANNEL_2, createdAt });
  return { logId, review };
}

describeEachBackend('reviews', () => {
  it('creates a pending item, marks the log pending, stores the queue message', async () => {
    const db = await memoryDb();
    const { logId, review } = await queue(db);
    expect(review).toMatchObject({ status: 'pending', logId, guildId: GUILD, askerId: USER, payload, queueChannelId: CHANNEL_2, queueMessageId: null, handledBy: null });
    expect((await getQuestion(db, logId))?.reviewOutcome).toBe('pending');
    expect((await setQueueMessage(db, review.id, MESSAGE)).queueMessageId).toBe(MESSAGE);
    expect((await findReviewByMessage(db, MESSAGE))?.id).toBe(review.id);
    await expect(setQueueMessage(db, 999, MESSAGE)).rejects.toThrow(NotFoundError);
  });

  it('lists pending items of one guild, oldest first', async () => {
    const db = await memoryDb();
    const second = (await queue(db, 2000)).review;
    const first = (await queue(db, 1000)).review;
    await createReview(db, { guildId: OTHER_GUILD, originChannelId: CHANNEL, askerId: USER, question: 'q', payload: {}, queueChannelId: CHANNEL_2 });
    expect((await listPending(db, GUILD)).map((r) => r.id)).toEqual([first.id, second.id]);
    await decideReview(db, first.id, { decision: 'approved', teacherId: TEACHER });
    expect((await listPending(db, GUILD)).map((r) => r.id)).toEqual([second.id]);
  });

  it('the first decision wins; a second one learns who decided and when', async () => {
    const db = await memoryDb();
    const { logId, review } = await queue(db);
    const won = await decideReview(db, review.id, { decision: 'rejected', teacherId: TEACHER, note: 'wrong chapter', now: 5000 });
    expect(won).toMatchObject({ ok: true, review: { status: 'rejected', handledBy: TEACHER, handledAt: 5000, note: 'wrong chapter' } });
    expect((await getQuestion(db, logId))?.reviewOutcome).toBe('rejected');
    const lost = await decideReview(db, review.id, { decision: 'approved', teacherId: TEACHER_2, now: 6000 });
    expect(lost).toEqual({ ok: false, status: 'rejected', handledBy: TEACHER, handledAt: 5000, note: 'wrong chapter' });
    expect(await getReview(db, review.id)).toMatchObject({ status: 'rejected', handledBy: TEACHER });
    expect((await getQuestion(db, logId))?.reviewOutcome).toBe('rejected');
  });

  it('rejects bad decisions and unknown ids', async () => {
    const db = await memoryDb();
    const { review } = await queue(db);
    await expect(decideReview(db, review.id, { decision: 'maybe' as 'approved', teacherId: TEACHER })).rejects.toThrow(InvalidInputError);
    await expect(decideReview(db, review.id, { decision: 'approved', teacherId: 'me' })).rejects.toThrow(InvalidInputError);
    await expect(decideReview(db, 12345, { decision: 'approved', teacherId: TEACHER })).rejects.toThrow(NotFoundError);
    expect((await getReview(db, review.id))?.status).toBe('pending');
  });

  it('a decision the bot could not carry out is reopened, only by the teacher who made it', async () => {
    const db = await memoryDb();
    const { logId, review } = await queue(db);
    expect(await reopenReview(db, review.id, TEACHER)).toBe(false); // still pending
    await decideReview(db, review.id, { decision: 'approved', teacherId: TEACHER, note: 'well found', now: 5000 });
    expect(await reopenReview(db, review.id, TEACHER_2)).toBe(false);
    expect((await getReview(db, review.id))?.status).toBe('approved');
    expect(await reopenReview(db, review.id, TEACHER)).toBe(true);
    expect(await getReview(db, review.id)).toMatchObject({ status: 'pending', handledBy: null, handledAt: null, note: null, notified: null });
    expect((await getQuestion(db, logId))?.reviewOutcome).toBe('pending');
    expect((await decideReview(db, review.id, { decision: 'rejected', teacherId: TEACHER_2 })).ok).toBe(true);
    expect(await reopenReview(db, 999, TEACHER)).toBe(false);
  });

  it('records how the asker was told about the decision', async () => {
    const db = await memoryDb();
    const { review } = await queue(db);
    expect(review.notified).toBeNull();
    await decideReview(db, review.id, { decision: 'rejected', teacherId: TEACHER });
    await setReviewNotified(db, review.id, 'dm');
    expect((await getReview(db, review.id))?.notified).toBe('dm');
    await expect(setReviewNotified(db, review.id, 'pigeon' as 'dm')).rejects.toThrow(InvalidInputError);
    await expect(setReviewNotified(db, 999, 'failed')).rejects.toThrow(NotFoundError);
    expect((await getReview(db, review.id))?.notified).toBe('dm');
  });
});

describe('reviews in one SQLite file shared by connections and processes', () => {
  it('two connections to the same file: the stale one loses and learns the winner', async () => {
    const file = path.join(tempDir(), 'guidebot.db');
    const a = await openDatabase(file);
    const b = await openDatabase(file);
    const { review } = await queue(a);
    expect((await getReview(b, review.id))?.status).toBe('pending'); // b has seen it pending
    const first = await decideReview(a, review.id, { decision: 'approved', teacherId: TEACHER, now: 7000 });
    const second = await decideReview(b, review.id, { decision: 'rejected', teacherId: TEACHER_2, now: 7001 });
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, status: 'approved', handledBy: TEACHER, handledAt: 7000, note: null });
    await a.close();
    await b.close();
  });

  it('pending items survive a restart', async () => {
    const file = path.join(tempDir(), 'guidebot.db');
    const a = await openDatabase(file);
    const { review } = await queue(a);
    await setQueueMessage(a, review.id, MESSAGE);
    await a.close();
    const b = await openDatabase(file);
    expect(await listPending(b, GUILD)).toEqual([{ ...review, queueMessageId: MESSAGE }]);
    await b.close();
  });

  it('processes racing to decide the same item: exactly one wins, the others learn who and when', async () => {
    const file = path.join(tempDir(), 'guidebot.db');
    const db = await openDatabase(file);
    const { logId, review } = await queue(db);
    await db.close();
    const teachers = ['400000000000000011', '400000000000000012', '400000000000000013', '400000000000000014', '400000000000000015'];
    const children = teachers.map((teacher, i) => spawnFixture('decide.ts', [file, String(review.id), teacher, i % 2 === 0 ? 'approved' : 'rejected']));
    const outputs = children.map(collect);
    // Barrier: wait until every process has opened the database, then release them together.
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            let seen = '';
            child.stdout.on('data', (chunk: Buffer | string) => {
              seen += String(chunk);
              if (seen.includes('ready\n')) resolve();
            });
            child.on('close', () => reject(new Error(`child exited before ready: ${seen}`)));
          }),
      ),
    );
    for (const child of children) child.stdin.write('go\n');
    const results = (await Promise.all(outputs)).map((output) => {
      expect(output.stderr).toBe('');
      return JSON.parse(output.stdout.replace('ready\n', '').trim()) as DecideResult;
    });
    const winners = results.flatMap((result, i) => (result.ok ? [{ result, teacher: teachers[i] }] : []));
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    if (!winner.result.ok) throw new Error('unreachable');
    const after = await openDatabase(file);
    const stored = await getReview(after, review.id);
    expect(stored).toMatchObject({ status: winner.result.review.status, handledBy: winner.teacher, handledAt: winner.result.review.handledAt });
    expect((await getQuestion(after, logId))?.reviewOutcome).toBe(winner.result.review.status);
    for (const result of results) {
      if (!result.ok) expect(result).toEqual({ ok: false, status: stored?.status, handledBy: winner.teacher, handledAt: stored?.handledAt, note: `by ${winner.teacher}` });
    }
    await after.close();
  }, 60_000);
});
