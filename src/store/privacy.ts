import type { SqlDatabase } from './sql.js';
import { DAY_MS } from './stats.js';
import { days as checkDays, snowflake } from './validate.js';

export interface ForgetResult {
  questionLog: number;
  /** The user's own votes plus votes others cast on the user's answers. */
  feedback: number;
  reviews: number;
  gapAsks: number;
  /** Gaps removed because only this user had asked them. */
  gaps: number;
  readingProgress: number;
  total: number;
}

export interface PurgeResult {
  questionLog: number;
  feedback: number;
  /** Decided reviews older than the cutoff (pending ones are kept until a teacher handles them). */
  reviews: number;
  total: number;
}

/**
 * Deletes everything stored about one user in one guild, in one transaction: logged questions
 * (and the votes on them), their votes, their review items, their unanswered-question records
 * (a gap only they asked disappears; a shared gap keeps the others' wording) and their reading progress.
 */
export async function forgetUser(db: SqlDatabase, guildId: string, userId: string): Promise<ForgetResult> {
  snowflake(guildId, 'guildId');
  snowflake(userId, 'userId');
  return db.transaction(async (): Promise<ForgetResult> => {
    const feedback = (
      await db.run(
        `DELETE FROM feedback WHERE log_id IN (SELECT id FROM question_log WHERE guild_id = ? AND user_id = ?)
             OR (user_id = ? AND log_id IN (SELECT id FROM question_log WHERE guild_id = ?))`,
        [guildId, userId, userId, guildId],
      )
    ).changes;
    const reviews = (await db.run('DELETE FROM reviews WHERE guild_id = ? AND asker_id = ?', [guildId, userId])).changes;
    const touchedGaps = (await db.all<{ gap_id: number }>('SELECT DISTINCT gap_id FROM gap_asks WHERE guild_id = ? AND user_id = ?', [guildId, userId])).map((row) => row.gap_id);
    const gapAsks = (await db.run('DELETE FROM gap_asks WHERE guild_id = ? AND user_id = ?', [guildId, userId])).changes;
    let gaps = 0;
    for (const gapId of touchedGaps) {
      const first = await db.get<{ question: string; norm_key: string }>('SELECT question, norm_key FROM gap_asks WHERE gap_id = ? ORDER BY created_at, id LIMIT 1', [gapId]);
      if (first === undefined) {
        gaps += (await db.run('DELETE FROM gaps WHERE id = ?', [gapId])).changes;
      } else {
        // The representative wording may have been this user's: take the earliest remaining ask's.
        await db.run('UPDATE gaps SET question = ?, last_asked_at = (SELECT max(created_at) FROM gap_asks WHERE gap_id = ?) WHERE id = ?', [first.question, gapId, gapId]);
      }
    }
    const questionLog = (await db.run('DELETE FROM question_log WHERE guild_id = ? AND user_id = ?', [guildId, userId])).changes;
    const readingProgress = (await db.run('DELETE FROM reading_progress WHERE guild_id = ? AND user_id = ?', [guildId, userId])).changes;
    return {
      questionLog,
      feedback,
      reviews,
      gapAsks,
      gaps,
      readingProgress,
      total: questionLog + feedback + reviews + gapAsks + gaps + readingProgress,
    };
  });
}

/** Retention: deletes logged questions older than `days` days (with their votes) and old decided reviews, in every guild. */
export async function purgeOlderThan(db: SqlDatabase, days: number, now = Date.now()): Promise<PurgeResult> {
  const cutoff = now - checkDays(days) * DAY_MS;
  return db.transaction(async (): Promise<PurgeResult> => {
    const feedback = (await db.run('DELETE FROM feedback WHERE log_id IN (SELECT id FROM question_log WHERE created_at < ?)', [cutoff])).changes;
    const questionLog = (await db.run('DELETE FROM question_log WHERE created_at < ?', [cutoff])).changes;
    const reviews = (await db.run("DELETE FROM reviews WHERE status <> 'pending' AND coalesce(handled_at, created_at) < ?", [cutoff])).changes;
    return { questionLog, feedback, reviews, total: questionLog + feedback + reviews };
  });
}
