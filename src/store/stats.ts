import { sql, type Database } from './db.js';
import { normalizeQuestion } from './normalize.js';
import { days as checkDays, intInRange, snowflake } from './validate.js';

export const DAY_MS = 86_400_000;

export interface GuildStats {
  guildId: string;
  days: number;
  /** Start of the window (ms since 1970); the window ends now. */
  since: number;
  questions: number;
  answered: number;
  unanswered: number;
  /** Sections cited most in answered questions: number of answers citing each (a section cited twice in one answer counts once). */
  topCitations: Array<{ citation: string; count: number }>;
  /** Questions the guides could not answer, grouped by normalised wording, most frequent first. */
  unansweredQuestions: Array<{ question: string; count: number; lastAskedAt: number }>;
  /** Votes on answers given in the window; share is helpful / total, or null without votes. */
  votes: { helpful: number; notHelpful: number; total: number; share: number | null };
  busiestChannels: Array<{ channelId: string; count: number }>;
}

export interface StatsOptions {
  days?: number;
  /** How many entries in each top list (default 5, at most 25). */
  top?: number;
  /**
   * Count sections rather than paragraphs: a citation's trailing ` ¶n` is dropped before counting, so
   * `Guide › Section ¶2` and `Guide › Section ¶5` are one topic.
   */
  bySection?: boolean;
  now?: number;
}

export function getStats(db: Database, guildId: string, options: StatsOptions = {}): GuildStats {
  snowflake(guildId, 'guildId');
  const days = checkDays(options.days ?? 7);
  const top = intInRange(options.top ?? 5, 'top', 1, 25);
  const since = (options.now ?? Date.now()) - days * DAY_MS;

  return db
    .transaction((): GuildStats => {
      const totals = sql(db, 'SELECT count(*) AS questions, coalesce(sum(answered), 0) AS answered FROM question_log WHERE guild_id = ? AND created_at >= ?').get(guildId, since) as {
        questions: number;
        answered: number;
      };

      const cited = "json_extract(p.value, '$.citation')";
      const key = options.bySection ? `CASE WHEN instr(${cited}, ' ¶') > 0 THEN substr(${cited}, 1, instr(${cited}, ' ¶') - 1) ELSE ${cited} END` : cited;
      const topCitations = sql(
        db,
        `SELECT ${key} AS citation, count(DISTINCT q.id) AS count
         FROM question_log q, json_each(q.passages) p
         WHERE q.guild_id = ? AND q.created_at >= ? AND q.answered = 1 AND ${cited} IS NOT NULL
         GROUP BY 1 ORDER BY count DESC, citation LIMIT ?`,
      ).all(guildId, since, top) as Array<{ citation: string; count: number }>;

      const unansweredRows = sql(db, 'SELECT question, created_at FROM question_log WHERE guild_id = ? AND created_at >= ? AND answered = 0 ORDER BY created_at DESC, id DESC LIMIT 20000').all(
        guildId,
        since,
      ) as Array<{ question: string; created_at: number }>;
      const groups = new Map<string, { question: string; count: number; lastAskedAt: number }>();
      for (const row of unansweredRows) {
        const key = normalizeQuestion(row.question);
        const group = groups.get(key);
        if (group === undefined) groups.set(key, { question: row.question, count: 1, lastAskedAt: row.created_at });
        else group.count += 1;
      }
      const unansweredQuestions = [...groups.values()].sort((a, b) => b.count - a.count || b.lastAskedAt - a.lastAskedAt).slice(0, top);

      const votes = sql(
        db,
        `SELECT coalesce(sum(f.helpful), 0) AS helpful, count(f.log_id) AS total
         FROM feedback f JOIN question_log q ON q.id = f.log_id
         WHERE q.guild_id = ? AND q.created_at >= ?`,
      ).get(guildId, since) as { helpful: number; total: number };

      const busiestChannels = sql(
        db,
        `SELECT channel_id AS channelId, count(*) AS count FROM question_log WHERE guild_id = ? AND created_at >= ?
         GROUP BY channel_id ORDER BY count DESC, channel_id LIMIT ?`,
      ).all(guildId, since, top) as Array<{ channelId: string; count: number }>;

      return {
        guildId,
        days,
        since,
        questions: totals.questions,
        answered: totals.answered,
        unanswered: totals.questions - totals.answered,
        topCitations,
        unansweredQuestions,
        votes: {
          helpful: votes.helpful,
          notHelpful: votes.total - votes.helpful,
          total: votes.total,
          share: votes.total === 0 ? null : votes.helpful / votes.total,
        },
        busiestChannels,
      };
    })
    .deferred();
}
