import { expect, it } from 'vitest';
import type { SqlDatabase } from '../../src/store/sql.js';
import { InvalidInputError } from '../../src/store/errors.js';
import { vote } from '../../src/store/feedback.js';
import { logQuestion, type PassageRef } from '../../src/store/question-log.js';
import { getStats } from '../../src/store/stats.js';
import { CHANNEL, CHANNEL_2, CHANNEL_3, DAY, GUILD, describeEachBackend, memoryDb, NOW, OTHER_GUILD, USER, USER_2, USER_3 } from './helpers.js';

const A = (id: string): PassageRef => ({ id, citation: 'SparkNotes, Chapter 7', score: 0.8 });
const B: PassageRef = { id: 'b', citation: 'LitCharts, Part One', score: 0.7 };
const C: PassageRef = { id: 'c', citation: 'CliffsNotes, Chapter 22', score: 0.6 };

async function fixture(): Promise<SqlDatabase> {
  const db = await memoryDb();
  const log = async (channelId: string, question: string, passages: PassageRef[], daysAgo: number, guildId = GUILD) =>
    await logQuestion(db, { guildId, channelId, userId: USER, question, answered: passages.length > 0, passages, latencyMs: 10, createdAt: NOW - daysAgo * DAY });
  const q1 = await log(CHANNEL, 'Why do they make art?', [A('a1'), B], 1);
  await log(CHANNEL, 'What is the exchange?', [A('a1'), A('a2')], 2); // A twice in one answer counts once
  await log(CHANNEL_2, 'Who is Keffers?', [C], 3);
  const q4 = await log(CHANNEL, 'What is the Gallery for?', [], 1);
  await log(CHANNEL_2, 'what is the gallery for', [], 2);
  await log(CHANNEL_3, 'Who is Chrissie?', [], 1);
  const old = await log(CHANNEL, 'Old question', [B], 10);
  await log(CHANNEL, 'Old unanswered', [], 10);
  const elsewhere = await log(CHANNEL, 'Other guild', [A('a1')], 1, OTHER_GUILD);
  await vote(db, q1, USER, true);
  await vote(db, q1, USER_2, true);
  await vote(db, q1, USER_3, false);
  await vote(db, q4, USER, false);
  await vote(db, old, USER, true);
  await vote(db, elsewhere, USER, true);
  return db;
}

describeEachBackend('stats', () => {
  it('computes the /stats numbers over the window', async () => {
    const stats = await getStats(await fixture(), GUILD, { days: 7, now: NOW });
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

  it('a wider window includes older rows; top limits the lists', async () => {
    const stats = await getStats(await fixture(), GUILD, { days: 30, now: NOW, top: 1 });
    expect(stats.questions).toBe(8);
    // LitCharts (q1 and the old question) ties SparkNotes (q1, q2) at 2; ties are broken alphabetically.
    expect(stats.topCitations).toEqual([{ citation: 'LitCharts, Part One', count: 2 }]);
    expect(stats.votes).toEqual({ helpful: 3, notHelpful: 2, total: 5, share: 0.6 });
    expect(stats.busiestChannels).toEqual([{ channelId: CHANNEL, count: 5 }]);
  });

  it('bySection counts a section once however many of its paragraphs an answer cites', async () => {
    const db = await memoryDb();
    const p = (id: string, citation: string): PassageRef => ({ id, citation, score: 0.5 });
    const log = async (passages: PassageRef[]) => await logQuestion(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'q', answered: true, passages, latencyMs: 1, createdAt: NOW });
    await log([p('a', 'Guide › Hailsham ¶1'), p('b', 'Guide › Hailsham ¶4'), p('c', 'Guide › Tommy ¶2')]);
    await log([p('d', 'Guide › Hailsham ¶2'), p('e', 'Teacher note by Ms Emily, 2025-03-01')]);
    expect((await getStats(db, GUILD, { now: NOW, bySection: true })).topCitations).toEqual([
      { citation: 'Guide › Hailsham', count: 2 },
      { citation: 'Guide › Tommy', count: 1 },
      { citation: 'Teacher note by Ms Emily, 2025-03-01', count: 1 },
    ]);
    expect((await getStats(db, GUILD, { now: NOW })).topCitations.map((row) => row.citation)).toContain('Guide › Hailsham ¶4');
  });

  it('an empty guild has zeros and no share', async () => {
    const stats = await getStats(await memoryDb(), GUILD, { days: 1, now: NOW });
    expect(stats).toMatchObject({ questions: 0, answered: 0, unanswered: 0, topCitations: [], unansweredQuestions: [], busiestChannels: [] });
    expect(stats.votes).toEqual({ helpful: 0, notHelpful: 0, total: 0, share: null });
  });

  it.each([0, -1, 3651, 1.5, Number.NaN])('rejects days = %s', async (days) => {
    await expect(getStats(await memoryDb(), GUILD, { days })).rejects.toThrow(InvalidInputError);
  });
});
