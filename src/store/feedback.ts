import { sql, type Database } from './db.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { rowId, snowflake } from './validate.js';

export interface VoteCounts {
  helpful: number;
  notHelpful: number;
  total: number;
}

export type VoteResult = 'created' | 'updated' | 'unchanged';

/**
 * Records a Helpful / Not helpful vote. One vote per user per logged answer: voting again replaces
 * the earlier vote. Throws NotFoundError if the logged answer no longer exists.
 */
export function vote(db: Database, logId: number, userId: string, helpful: boolean, now = Date.now()): VoteResult {
  rowId(logId, 'logId');
  snowflake(userId, 'userId');
  if (typeof helpful !== 'boolean') throw new InvalidInputError('helpful', 'A vote must be helpful (true) or not helpful (false).');
  return db
    .transaction((): VoteResult => {
      const exists = sql(db, 'SELECT 1 FROM question_log WHERE id = ?').get(logId);
      if (exists === undefined) throw new NotFoundError('logged answer', logId);
      const previous = sql(db, 'SELECT helpful FROM feedback WHERE log_id = ? AND user_id = ?').get(logId, userId) as { helpful: number } | undefined;
      const value = helpful ? 1 : 0;
      if (previous?.helpful === value) return 'unchanged';
      sql(
        db,
        `INSERT INTO feedback (log_id, user_id, helpful, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (log_id, user_id) DO UPDATE SET helpful = excluded.helpful, updated_at = excluded.updated_at`,
      ).run(logId, userId, value, now, now);
      return previous === undefined ? 'created' : 'updated';
    })
    .immediate();
}

export function getVote(db: Database, logId: number, userId: string): boolean | null {
  const row = sql(db, 'SELECT helpful FROM feedback WHERE log_id = ? AND user_id = ?').get(rowId(logId, 'logId'), snowflake(userId, 'userId')) as { helpful: number } | undefined;
  return row === undefined ? null : row.helpful === 1;
}

export function removeVote(db: Database, logId: number, userId: string): boolean {
  return sql(db, 'DELETE FROM feedback WHERE log_id = ? AND user_id = ?').run(rowId(logId, 'logId'), snowflake(userId, 'userId')).changes > 0;
}

export function voteCounts(db: Database, logId: number): VoteCounts {
  const row = sql(db, 'SELECT coalesce(sum(helpful), 0) AS helpful, count(*) AS total FROM feedback WHERE log_id = ?').get(rowId(logId, 'logId')) as {
    helpful: number;
    total: number;
  };
  return { helpful: row.helpful, notHelpful: row.total - row.helpful, total: row.total };
}
