import { expect, it } from 'vitest';
import { NotFoundError } from '../../src/store/errors.js';
import { getVote, removeVote, vote, voteCounts } from '../../src/store/feedback.js';
import { logQuestion } from '../../src/store/question-log.js';
import { CHANNEL, GUILD, describeEachBackend, memoryDb, USER, USER_2, USER_3 } from './helpers.js';

async function setup() {
  const db = await memoryDb();
  const ask = async () => await logQuestion(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'Who is Miss Lucy?', answered: true, latencyMs: 1 });
  return { db, a: await ask(), b: await ask() };
}

describeEachBackend('feedback', () => {
  it('one vote per user per answer; voting again updates it', async () => {
    const { db, a, b } = await setup();
    expect(await vote(db, a, USER, true)).toBe('created');
    expect(await vote(db, a, USER, true)).toBe('unchanged');
    expect(await voteCounts(db, a)).toEqual({ helpful: 1, notHelpful: 0, total: 1 });
    expect(await vote(db, a, USER, false)).toBe('updated');
    expect(await voteCounts(db, a)).toEqual({ helpful: 0, notHelpful: 1, total: 1 });
    expect(await getVote(db, a, USER)).toBe(false);
    expect(await db.get('SELECT count(*) AS n FROM feedback')).toEqual({ n: 1 });

    await vote(db, a, USER_2, true);
    await vote(db, a, USER_3, true);
    await vote(db, b, USER, true);
    expect(await voteCounts(db, a)).toEqual({ helpful: 2, notHelpful: 1, total: 3 });
    expect(await voteCounts(db, b)).toEqual({ helpful: 1, notHelpful: 0, total: 1 });
    expect(await getVote(db, b, USER_2)).toBeNull();
  });

  it('can remove a vote', async () => {
    const { db, a } = await setup();
    await vote(db, a, USER, true);
    expect(await removeVote(db, a, USER)).toBe(true);
    expect(await removeVote(db, a, USER)).toBe(false);
    expect(await voteCounts(db, a)).toEqual({ helpful: 0, notHelpful: 0, total: 0 });
  });

  it('voting on an answer that no longer exists is a NotFoundError', async () => {
    const { db } = await setup();
    await expect(vote(db, 42, USER, true)).rejects.toThrow(NotFoundError);
  });

  it('votes go when their answer is deleted', async () => {
    const { db, a } = await setup();
    await vote(db, a, USER, true);
    await db.run('DELETE FROM question_log WHERE id = ?', [a]);
    expect(await db.get('SELECT count(*) AS n FROM feedback')).toEqual({ n: 0 });
  });
});
