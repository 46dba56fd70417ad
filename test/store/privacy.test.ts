import { expect, it } from 'vitest';
import type { SqlDatabase } from '../../src/store/sql.js';
import { InvalidInputError } from '../../src/store/errors.js';
import { vote } from '../../src/store/feedback.js';
import { getGap, recordGap } from '../../src/store/gaps.js';
import { forgetUser, purgeOlderThan } from '../../src/store/privacy.js';
import { logQuestion } from '../../src/store/question-log.js';
import { getProgress, setProgress } from '../../src/store/reading-progress.js';
import { createReview, decideReview, getReview } from '../../src/store/reviews.js';
import { CHANNEL, CHANNEL_2, DAY, GUILD, describeEachBackend, memoryDb, NOW, OTHER_GUILD, TEACHER, USER, USER_2 } from './helpers.js';

async function count(db: SqlDatabase, table: string): Promise<number> {
  return (await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;
}

async function ask(db: SqlDatabase, userId: string, question: string, guildId = GUILD, createdAt = NOW): Promise<number> {
  return await logQuestion(db, { guildId, channelId: CHANNEL, userId, userName: 'name', question, answered: true, latencyMs: 1, createdAt });
}

describeEachBackend('forgetUser', () => {
  async function fixture() {
    const db = await memoryDb();
    const q1 = await ask(db, USER, 'Why did Ruth lie?');
    const q2 = await ask(db, USER, 'Who is Miss Emily?');
    const q3 = await ask(db, USER, 'What happens at the end?');
    const otherGuild = await ask(db, USER, 'Kept elsewhere', OTHER_GUILD);
    const theirs = await ask(db, USER_2, 'Who is Tommy?');
    await vote(db, q1, USER, true);
    await vote(db, q1, USER_2, false);
    await vote(db, theirs, USER, true);
    await vote(db, theirs, USER_2, true);
    await vote(db, otherGuild, USER, true);
    await setProgress(db, GUILD, USER, 'part-two');
    await setProgress(db, OTHER_GUILD, USER, 'finished');
    await setProgress(db, GUILD, USER_2, 'part-one');
    await createReview(db, { logId: q2, guildId: GUILD, originChannelId: CHANNEL, askerId: USER, question: 'Who is Miss Emily?', payload: {}, queueChannelId: CHANNEL_2 });
    const theirReview = await createReview(db, { logId: theirs, guildId: GUILD, originChannelId: CHANNEL, askerId: USER_2, question: 'Who is Tommy?', payload: {}, queueChannelId: CHANNEL_2 });
    const onlyMine = await recordGap(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'What is a carer?', logId: q3, createdAt: 1 });
    const shared = await recordGap(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'WHY do the donors donate?', createdAt: 2 });
    await recordGap(db, { guildId: GUILD, channelId: CHANNEL, userId: USER_2, question: 'why do donors donate', createdAt: 3 });
    return { db, theirs, theirReview, onlyMine, shared };
  }

  it("deletes the user's rows in that guild in one go and counts them per table", async () => {
    const { db, theirs, theirReview, onlyMine, shared } = await fixture();
    expect(await forgetUser(db, GUILD, USER)).toEqual({
      questionLog: 3,
      feedback: 3, // own votes on q1 and on USER_2's question, and USER_2's vote on q1
      reviews: 1,
      gapAsks: 2,
      gaps: 1,
      readingProgress: 1,
      total: 11,
    });
    // Nothing with this user id remains in the guild.
    expect(await db.get('SELECT count(*) AS n FROM question_log WHERE guild_id = ? AND user_id = ?', [GUILD, USER])).toEqual({ n: 0 });
    expect(await db.get('SELECT count(*) AS n FROM feedback f JOIN question_log q ON q.id = f.log_id WHERE q.guild_id = ? AND f.user_id = ?', [GUILD, USER])).toEqual({ n: 0 });
    expect(await db.get('SELECT count(*) AS n FROM gap_asks WHERE user_id = ?', [USER])).toEqual({ n: 0 });
    expect(await db.get('SELECT count(*) AS n FROM reviews WHERE asker_id = ?', [USER])).toEqual({ n: 0 });
    expect(await getProgress(db, GUILD, USER)).toBeNull();
    // Other people's data and the same user's data in another guild stay.
    expect((await getProgress(db, OTHER_GUILD, USER))?.progress).toBe('finished');
    expect((await getProgress(db, GUILD, USER_2))?.progress).toBe('part-one');
    expect(await count(db, 'question_log')).toBe(2);
    expect(await db.all('SELECT user_id FROM feedback WHERE log_id = ?', [theirs])).toEqual([{ user_id: USER_2 }]);
    expect((await getReview(db, theirReview.id))?.askerId).toBe(USER_2);
    expect(await getGap(db, onlyMine.gapId)).toBeNull();
    // The shared gap keeps the other asker's wording instead of the forgotten user's.
    expect(await getGap(db, shared.gapId)).toMatchObject({ question: 'why do donors donate', count: 1, askers: 1 });
    // Forgetting again finds nothing.
    expect((await forgetUser(db, GUILD, USER)).total).toBe(0);
  });

  it('is all or nothing', async () => {
    const { db } = await fixture();
    const counts = async () => {
      const found: number[] = [];
      for (const table of ['question_log', 'feedback', 'reviews', 'gap_asks', 'gaps', 'reading_progress']) found.push(await count(db, table));
      return found;
    };
    const before = await counts();
    // The last delete fails: everything before it must be rolled back.
    await db.exec(
      db.dialect === 'sqlite'
        ? "CREATE TRIGGER fail_late BEFORE DELETE ON reading_progress BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        : `CREATE FUNCTION fail_late() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$;
           CREATE TRIGGER fail_late BEFORE DELETE ON reading_progress FOR EACH ROW EXECUTE FUNCTION fail_late();`,
    );
    await expect(forgetUser(db, GUILD, USER)).rejects.toThrow(/disk on fire/);
    expect(await counts()).toEqual(before);
  });

  it('validates ids', async () => {
    await expect(forgetUser(await memoryDb(), GUILD, 'everyone')).rejects.toThrow(InvalidInputError);
  });
});

describeEachBackend('purgeOlderThan', () => {
  it('deletes log rows older than N days with their votes and old decided reviews', async () => {
    const db = await memoryDb();
    const ancient = await ask(db, USER, 'a', GUILD, NOW - 100 * DAY);
    const old = await ask(db, USER, 'b', OTHER_GUILD, NOW - 91 * DAY);
    const recent = await ask(db, USER, 'c', GUILD, NOW - 89 * DAY);
    await ask(db, USER, 'd', GUILD, NOW - DAY);
    await vote(db, ancient, USER, true);
    await vote(db, ancient, USER_2, true);
    await vote(db, old, USER, false);
    await vote(db, recent, USER, true);
    const decided = await createReview(db, {
      logId: ancient,
      guildId: GUILD,
      originChannelId: CHANNEL,
      askerId: USER,
      question: 'a',
      payload: {},
      queueChannelId: CHANNEL_2,
      createdAt: NOW - 100 * DAY,
    });
    await decideReview(db, decided.id, { decision: 'approved', teacherId: TEACHER, now: NOW - 99 * DAY });
    const pending = await createReview(db, { logId: old, guildId: GUILD, originChannelId: CHANNEL, askerId: USER, question: 'b', payload: {}, queueChannelId: CHANNEL_2, createdAt: NOW - 95 * DAY });

    expect(await purgeOlderThan(db, 90, NOW)).toEqual({ questionLog: 2, feedback: 3, reviews: 1, total: 6 });
    expect((await db.all<{ question: string }>('SELECT question FROM question_log ORDER BY id')).map((row) => row.question)).toEqual(['c', 'd']);
    expect(await count(db, 'feedback')).toBe(1);
    expect(await getReview(db, decided.id)).toBeNull();
    expect(await getReview(db, pending.id)).toMatchObject({ status: 'pending', logId: null });
    expect((await purgeOlderThan(db, 90, NOW)).total).toBe(0);
  });

  it.each([0, -3, 3651, 0.5])('rejects days = %s', async (days) => {
    await expect(purgeOlderThan(await memoryDb(), days)).rejects.toThrow(InvalidInputError);
  });
});
