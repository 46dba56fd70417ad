import type { SqlDatabase } from './sql.js';
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

export async function getStats(db: SqlDatabase, guildId: string, options: StatsOptions = {}): Promise<GuildStats> {
  snowflake(guildId, 'guildId');
  const days = checkDays(options.days ?? 7);
  const top = intInRange(options.top ?? 5, 'top', 1, 25);
  const since = (options.now ?? Date.now()) - days * DAY_MS;

  return db.transaction(
    async (): Promise<GuildStats> => {
      const totals = (await db.get<{
        questions: number;
        answered: number;
      }>('SELECT count(*) AS questions, coalesce(sum(answered), 0) AS answered FROM question_log WHERE guild_id = ? AND created_at >= ?', [guildId, since]))!;

      const sqlite = db.dialect === 'sqlite';
      const cited = sqlite ? "json_extract(p.value, '$.citation')" : "(p.value ->> 'citation')";
      const find = (what: string) => (sqlite ? `instr(${what}, ' ¶')` : `strpos(${what}, ' ¶')`);
      const key = options.bySection ? `CASE WHEN ${find(cited)} > 0 THEN substr(${cited}, 1, ${find(cited)} - 1) ELSE ${cited} END` : cited;
      const passages = sqlite ? 'json_each(q.passages) p' : 'json_array_elements(q.passages::json) AS p(value)';
      const topCitations = await db.all<{ citation: string; count: number }>(
        `SELECT ${key} AS citation, count(DISTINCT q.id) AS count
         FROM question_log q, ${passages}
         WHERE q.guild_id = ? AND q.created_at >= ? AND q.answered = 1 AND ${cited} IS NOT NULL
         GROUP BY 1 ORDER BY count DESC, citation LIMIT ?`,
        [guildId, since, top],
      );

      const unansweredRows = await db.all<{ question: string; created_at: number }>(
        'SELECT question, created_at FROM question_log WHERE guild_id = ? AND created_at >= ? AND answered = 0 ORDER BY created_at DESC, id DESC LIMIT 20000',
        [guildId, since],
      );
      const groups = new Map<string, { question: string; count: number; lastAskedAt: number }>();
      for (const row of unansweredRows) {
        const key = normalizeQuestion(row.question);
        const group = groups.get(key);
        if (group === undefined) groups.set(key, { question: row.question, count: 1, lastAskedAt: row.created_at });
        else group.count += 1;
      }
      const unansweredQuestions = [...groups.values()].sort((a, b) => b.count - a.count || b.lastAskedAt - a.lastAskedAt).slice(0, top);

      const votes = (await db.get<{ helpful: number; total: number }>(
        `SELECT coalesce(sum(f.helpful), 0) AS helpful, count(f.log_id) AS total
         FROM feedback f JOIN question_log q ON q.id = f.log_id
         WHERE q.guild_id = ? AND q.created_at >= ?`,
        [guildId, since],
      ))!;

      const busiestChannels = await db.all<{ channelId: string; count: number }>(
        `SELECT channel_id AS "channelId", count(*) AS count FROM question_log WHERE guild_id = ? AND created_at >= ?
         GROUP BY channel_id ORDER BY count DESC, channel_id LIMIT ?`,
        [guildId, since, top],
      );

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
    },
    { readOnly: true },
  );
}
