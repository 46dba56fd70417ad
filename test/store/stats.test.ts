import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.js';
import { InvalidInputError } from '../../src/store/errors.js';
import { vote } from '../../src/store/feedback.js';
import { logQuestion, type PassageRef } from '../../src/store/question-log.js';
import { getStats } from '../../src/store/stats.js';
import { CHANNEL, CHANNEL_2, CHANNEL_3, DAY, GUILD, memoryDb, NOW, OTHER_GUILD, USER, USER_2, USER_3 } from './helpers.js';

const A = (id: string): PassageRef => ({ id, citation: 'SparkNotes, Chapter 7', score: 0.8 });
const B: PassageRef = { id: 'b', citation: 'LitCharts, Part One', score: 0.7 };
const C: PassageRef = { id: 'c', citation: 'CliffsNotes, Chapter 22', score: 0.6 };

function fixture(): Database {
  const db = memoryDb();
  const log = (channelId: string, question: string, passages: PassageRef[], daysAgo: number, guildId = GUILD) =>
    logQuestion(db, { guildId, channelId, userId: USER, question, answered: passages.length > 0, passages, latencyMs: 10, createdAt: NOW - daysAgo * DAY });
  const q1 = log(CHANNEL, 'Why do they make art?', [A('a1'), B], 1);
  log(CHANNEL, 'What is the exchange?', [A('a1'), A('a2')], 2); // A twice in one answer counts once
  log(CHANNEL_2, 'Who is Keffers?', [C], 3);
  const q4 = log(CHANNEL, 'What is the Gallery for?', [], 1);
  log(CHANNEL_2, 'what is the gallery for', [], 2);
  log(CHANNEL_3, 'Who is Chrissie?', [], 1);
  const old = log(CHANNEL, 'Old question', [B], 10);
  log(CHANNEL, 'Old unanswered', [], 10);
  const elsewhere = log(CHANNEL, 'Other guild', [A('a1')], 1, OTHER_GUILD);
  vote(db, q1, USER, true);
  vote(db, q1, USER_2, true);
  vote(db, q1, USER_3, false);
  vote(db, q4, USER, false);
  vote(db, old, USER, true);
  vote(db, elsewhere, USER, true);
  return db;
}

describe('stats', () => {
  it('computes the /stats numbers over the window', () => {
    const stats = getStats(fixture(), GUILD, { days: 7, now: NOW });
    expect(stats).toEqual({
      guildId: GUILD,
      days: 7,
      since: NOW - 7 * DAY,
      questions: 6,
      answered: 3,
      unanswered: 3,
      topCitations: [
        { citation: 'SparkNotes, Chapter 7', count: 2 },
        { citation: 'CliffsNotes, Chapter 22', count: 1 },
        { citation: 'LitCharts, Part One', count: 1 },
      ],
      unansweredQuestions: [
        { question: 'What is the Gallery for?', count: 2, lastAskedAt: NOW - DAY },
        { question: 'Who is Chrissie?', count: 1, lastAskedAt: NOW - DAY },
      ],
      votes: { helpful: 2, notHelpful: 2, total: 4, share: 0.5 },
      busiestChannels: [
        { channelId: CHANNEL, count: 3 },
        { channelId: CHANNEL_2, count: 2 },
        { channelId: CHANNEL_3, count: 1 },
      ],
    });
  });

  it('a wider window includes older rows; top limits the lists', () => {
    const stats = getStats(fixture(), GUILD, { days: 30, now: NOW, top: 1 });
    expect(stats.questions).toBe(8);
    // LitCharts (q1 and the old question) ties SparkNotes (q1, q2) at 2; ties are broken alphabetically.
    expect(stats.topCitations).toEqual([{ citation: 'LitCharts, Part One', count: 2 }]);
    expect(stats.votes).toEqual({ helpful: 3, notHelpful: 2, total: 5, share: 0.6 });
    expect(stats.busiestChannels).toEqual([{ channelId: CHANNEL, count: 5 }]);
  });

  it('bySection counts a section once however many of its paragraphs an answer cites', () => {
    const db = memoryDb();
    const p = (id: string, citation: string): PassageRef => ({ id, citation, score: 0.5 });
    const log = (passages: PassageRef[]) => logQuestion(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'q', answered: true, passages, latencyMs: 1, createdAt: NOW });
    log([p('a', 'Guide › Hailsham ¶1'), p('b', 'Guide › Hailsham ¶4'), p('c', 'Guide › Tommy ¶2')]);
    log([p('d', 'Guide › Hailsham ¶2'), p('e', 'Teacher note by Ms Emily, 2025-03-01')]);
    expect(getStats(db, GUILD, { now: NOW, bySection: true }).topCitations).toEqual([
      { citation: 'Guide › Hailsham', count: 2 },
      { citation: 'Guide › Tommy', count: 1 },
      { citation: 'Teacher note by Ms Emily, 2025-03-01', count: 1 },
    ]);
    expect(getStats(db, GUILD, { now: NOW }).topCitations.map((row) => row.citation)).toContain('Guide › Hailsham ¶4');
  });

  it('an empty guild has zeros and no share', () => {
    const stats = getStats(memoryDb(), GUILD, { days: 1, now: NOW });
    expect(stats).toMatchObject({ questions: 0, answered: 0, unanswered: 0, topCitations: [], unansweredQuestions: [], busiestChannels: [] });
    expect(stats.votes).toEqual({ helpful: 0, notHelpful: 0, total: 0, share: null });
  });

  it.each([0, -1, 3651, 1.5, Number.NaN])('rejects days = %s', (days) => {
    expect(() => getStats(memoryDb(), GUILD, { days })).toThrow(InvalidInputError);
  });
});
