import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/store/errors.js';
import { getVote, removeVote, vote, voteCounts } from '../../src/store/feedback.js';
import { logQuestion } from '../../src/store/question-log.js';
import { CHANNEL, GUILD, memoryDb, USER, USER_2, USER_3 } from './helpers.js';

function setup() {
  const db = memoryDb();
  const ask = () => logQuestion(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'Who is Miss Lucy?', answered: true, latencyMs: 1 });
  return { db, a: ask(), b: ask() };
}

describe('feedback', () => {
  it('one vote per user per answer; voting again updates it', () => {
    const { db, a, b } = setup();
    expect(vote(db, a, USER, true)).toBe('created');
    expect(vote(db, a, USER, true)).toBe('unchanged');
    expect(voteCounts(db, a)).toEqual({ helpful: 1, notHelpful: 0, total: 1 });
    expect(vote(db, a, USER, false)).toBe('updated');
    expect(voteCounts(db, a)).toEqual({ helpful: 0, notHelpful: 1, total: 1 });
    expect(getVote(db, a, USER)).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM feedback').get()).toEqual({ n: 1 });

    vote(db, a, USER_2, true);
    vote(db, a, USER_3, true);
    vote(db, b, USER, true);
    expect(voteCounts(db, a)).toEqual({ helpful: 2, notHelpful: 1, total: 3 });
    expect(voteCounts(db, b)).toEqual({ helpful: 1, notHelpful: 0, total: 1 });
    expect(getVote(db, b, USER_2)).toBeNull();
  });

  it('can remove a vote', () => {
    const { db, a } = setup();
    vote(db, a, USER, true);
    expect(removeVote(db, a, USER)).toBe(true);
    expect(removeVote(db, a, USER)).toBe(false);
    expect(voteCounts(db, a)).toEqual({ helpful: 0, notHelpful: 0, total: 0 });
  });

  it('voting on an answer that no longer exists is a NotFoundError', () => {
    const { db } = setup();
    expect(() => vote(db, 42, USER, true)).toThrow(NotFoundError);
  });

  it('votes go when their answer is deleted', () => {
    const { db, a } = setup();
    vote(db, a, USER, true);
    db.prepare('DELETE FROM question_log WHERE id = ?').run(a);
    expect(db.prepare('SELECT count(*) AS n FROM feedback').get()).toEqual({ n: 0 });
  });
});
