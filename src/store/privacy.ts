import { sql, type Database } from './db.js';
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
export function forgetUser(db: Database, guildId: string, userId: string): ForgetResult {
  snowflake(guildId, 'guildId');
  snowflake(userId, 'userId');
  return db
    .transaction((): ForgetResult => {
      const feedback = sql(
        db,
        `DELETE FROM feedback WHERE log_id IN (SELECT id FROM question_log WHERE guild_id = ? AND user_id = ?)
             OR (user_id = ? AND log_id IN (SELECT id FROM question_log WHERE guild_id = ?))`,
      ).run(guildId, userId, userId, guildId).changes;
      const reviews = sql(db, 'DELETE FROM reviews WHERE guild_id = ? AND asker_id = ?').run(guildId, userId).changes;
      const touchedGaps = (sql(db, 'SELECT DISTINCT gap_id FROM gap_asks WHERE guild_id = ? AND user_id = ?').all(guildId, userId) as Array<{ gap_id: number }>).map((row) => row.gap_id);
      const gapAsks = sql(db, 'DELETE FROM gap_asks WHERE guild_id = ? AND user_id = ?').run(guildId, userId).changes;
      let gaps = 0;
      for (const gapId of touchedGaps) {
        const first = sql(db, 'SELECT question, norm_key FROM gap_asks WHERE gap_id = ? ORDER BY created_at, id LIMIT 1').get(gapId) as { question: string; norm_key: string } | undefined;
        if (first === undefined) {
          gaps += sql(db, 'DELETE FROM gaps WHERE id = ?').run(gapId).changes;
        } else {
          // The representative wording may have been this user's: take the earliest remaining ask's.
          sql(db, 'UPDATE gaps SET question = ?, last_asked_at = (SELECT max(created_at) FROM gap_asks WHERE gap_id = ?) WHERE id = ?').run(first.question, gapId, gapId);
        }
      }
      const questionLog = sql(db, 'DELETE FROM question_log WHERE guild_id = ? AND user_id = ?').run(guildId, userId).changes;
      const readingProgress = sql(db, 'DELETE FROM reading_progress WHERE guild_id = ? AND user_id = ?').run(guildId, userId).changes;
      return {
        questionLog,
        feedback,
        reviews,
        gapAsks,
        gaps,
        readingProgress,
        total: questionLog + feedback + reviews + gapAsks + gaps + readingProgress,
      };
    })
    .immediate();
}

/** Retention: deletes logged questions older than `days` days (with their votes) and old decided reviews, in every guild. */
export function purgeOlderThan(db: Database, days: number, now = Date.now()): PurgeResult {
  const cutoff = now - checkDays(days) * DAY_MS;
  return db
    .transaction((): PurgeResult => {
      const feedback = sql(db, 'DELETE FROM feedback WHERE log_id IN (SELECT id FROM question_log WHERE created_at < ?)').run(cutoff).changes;
      const questionLog = sql(db, 'DELETE FROM question_log WHERE created_at < ?').run(cutoff).changes;
      const reviews = sql(db, "DELETE FROM reviews WHERE status <> 'pending' AND coalesce(handled_at, created_at) < ?").run(cutoff).changes;
      return { questionLog, feedback, reviews, total: questionLog + feedback + reviews };
    })
    .immediate();
}
