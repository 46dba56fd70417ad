import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.js';
import { InvalidInputError } from '../../src/store/errors.js';
import { vote } from '../../src/store/feedback.js';
import { getGap, recordGap } from '../../src/store/gaps.js';
import { forgetUser, purgeOlderThan } from '../../src/store/privacy.js';
import { logQuestion } from '../../src/store/question-log.js';
import { getProgress, setProgress } from '../../src/store/reading-progress.js';
import { createReview, decideReview, getReview } from '../../src/store/reviews.js';
import { CHANNEL, CHANNEL_2, DAY, GUILD, memoryDb, NOW, OTHER_GUILD, TEACHER, USER, USER_2 } from './helpers.js';

function count(db: Database, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

function ask(db: Database, userId: string, question: string, guildId = GUILD, createdAt = NOW): number {
  return logQuestion(db, { guildId, channelId: CHANNEL, userId, userName: 'name', question, answered: true, latencyMs: 1, createdAt });
}

describe('forgetUser', () => {
  function fixture() {
    const db = memoryDb();
    const q1 = ask(db, USER, 'Why did Ruth lie?');
    const q2 = ask(db, USER, 'Who is Miss Emily?');
    const q3 = ask(db, USER, 'What happens at the end?');
    const otherGuild = ask(db, USER, 'Kept elsewhere', OTHER_GUILD);
    const theirs = ask(db, USER_2, 'Who is Tommy?');
    vote(db, q1, USER, true);
    vote(db, q1, USER_2, false);
    vote(db, theirs, USER, true);
    vote(db, theirs, USER_2, true);
    vote(db, otherGuild, USER, true);
    setProgress(db, GUILD, USER, 'part-two');
    setProgress(db, OTHER_GUILD, USER, 'finished');
    setProgress(db, GUILD, USER_2, 'part-one');
    createReview(db, { logId: q2, guildId: GUILD, originChannelId: CHANNEL, askerId: USER, question: 'Who is Miss Emily?', payload: {}, queueChannelId: CHANNEL_2 });
    const theirReview = createReview(db, { logId: theirs, guildId: GUILD, originChannelId: CHANNEL, askerId: USER_2, question: 'Who is Tommy?', payload: {}, queueChannelId: CHANNEL_2 });
    const onlyMine = recordGap(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'What is a carer?', logId: q3, createdAt: 1 });
    const shared = recordGap(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'WHY do the donors donate?', createdAt: 2 });
    recordGap(db, { guildId: GUILD, channelId: CHANNEL, userId: USER_2, question: 'why do donors donate', createdAt: 3 });
    return { db, theirs, theirReview, onlyMine, shared };
  }

  it("deletes the user's rows in that guild in one go and counts them per table", () => {
    const { db, theirs, theirReview, onlyMine, shared } = fixture();
    expect(forgetUser(db, GUILD, USER)).toEqual({
      questionLog: 3,
      feedback: 3, // own votes on q1 and on USER_2's question, and USER_2's vote on q1
      reviews: 1,
      gapAsks: 2,
      gaps: 1,
      readingProgress: 1,
      total: 11,
    });
    // Nothing with this user id remains in the guild.
    expect(db.prepare('SELECT count(*) AS n FROM question_log WHERE guild_id = ? AND user_id = ?').get(GUILD, USER)).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM feedback f JOIN question_log q ON q.id = f.log_id WHERE q.guild_id = ? AND f.user_id = ?').get(GUILD, USER)).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM gap_asks WHERE user_id = ?').get(USER)).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM reviews WHERE asker_id = ?').get(USER)).toEqual({ n: 0 });
    expect(getProgress(db, GUILD, USER)).toBeNull();
    // Other people's data and the same user's data in another guild stay.
    expect(getProgress(db, OTHER_GUILD, USER)?.progress).toBe('finished');
    expect(getProgress(db, GUILD, USER_2)?.progress).toBe('part-one');
    expect(count(db, 'question_log')).toBe(2);
    expect(db.prepare('SELECT user_id FROM feedback WHERE log_id = ?').all(theirs)).toEqual([{ user_id: USER_2 }]);
    expect(getReview(db, theirReview.id)?.askerId).toBe(USER_2);
    expect(getGap(db, onlyMine.gapId)).toBeNull();
    // The shared gap keeps the other asker's wording instead of the forgotten user's.
    expect(getGap(db, shared.gapId)).toMatchObject({ question: 'why do donors donate', count: 1, askers: 1 });
    // Forgetting again finds nothing.
    expect(forgetUser(db, GUILD, USER).total).toBe(0);
  });

  it('is all or nothing', () => {
    const { db } = fixture();
    const before = ['question_log', 'feedback', 'reviews', 'gap_asks', 'gaps', 'reading_progress'].map((table) => count(db, table));
    db.exec("CREATE TRIGGER fail_late BEFORE DELETE ON reading_progress BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    expect(() => forgetUser(db, GUILD, USER)).toThrow(/disk on fire/);
    expect(['question_log', 'feedback', 'reviews', 'gap_asks', 'gaps', 'reading_progress'].map((table) => count(db, table))).toEqual(before);
  });

  it('validates ids', () => {
    expect(() => forgetUser(memoryDb(), GUILD, 'everyone')).toThrow(InvalidInputError);
  });
});

describe('purgeOlderThan', () => {
  it('deletes log rows older than N days with their votes and old decided reviews', () => {
    const db = memoryDb();
    const ancient = ask(db, USER, 'a', GUILD, NOW - 100 * DAY);
    const old = ask(db, USER, 'b', OTHER_GUILD, NOW - 91 * DAY);
    const recent = ask(db, USER, 'c', GUILD, NOW - 89 * DAY);
    ask(db, USER, 'd', GUILD, NOW - DAY);
    vote(db, ancient, USER, true);
    vote(db, ancient, USER_2, true);
    vote(db, old, USER, false);
    vote(db, recent, USER, true);
    const decided = createReview(db, { logId: ancient, guildId: GUILD, originChannelId: CHANNEL, askerId: USER, question: 'a', payload: {}, queueChannelId: CHANNEL_2, createdAt: NOW - 100 * DAY });
    decideReview(db, decided.id, { decision: 'approved', teacherId: TEACHER, now: NOW - 99 * DAY });
    const pending = createReview(db, { logId: old, guildId: GUILD, originChannelId: CHANNEL, askerId: USER, question: 'b', payload: {}, queueChannelId: CHANNEL_2, createdAt: NOW - 95 * DAY });

    expect(purgeOlderThan(db, 90, NOW)).toEqual({ questionLog: 2, feedback: 3, reviews: 1, total: 6 });
    expect((db.prepare('SELECT question FROM question_log ORDER BY id').all() as Array<{ question: string }>).map((row) => row.question)).toEqual(['c', 'd']);
    expect(count(db, 'feedback')).toBe(1);
    expect(getReview(db, decided.id)).toBeNull();
    expect(getReview(db, pending.id)).toMatchObject({ status: 'pending', logId: null });
    expect(purgeOlderThan(db, 90, NOW).total).toBe(0);
  });

  it.each([0, -3, 3651, 0.5])('rejects days = %s', (days) => {
    expect(() => purgeOlderThan(memoryDb(), days)).toThrow(InvalidInputError);
  });
});
