import type { SqlDatabase } from './sql.js';
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
export async function vote(db: SqlDatabase, logId: number, userId: string, helpful: boolean, now = Date.now()): Promise<VoteResult> {
  rowId(logId, 'logId');
  snowflake(userId, 'userId');
  if (typeof helpful !== 'boolean') throw new InvalidInputError('helpful', 'A vote must be helpful (true) or not helpful (false).');
  return db.transaction(async (): Promise<VoteResult> => {
    const exists = await db.get('SELECT 1 FROM question_log WHERE id = ?', [logId]);
    if (exists === undefined) throw new NotFoundError('logged answer', logId);
    const previous = await db.get<{ helpful: number }>('SELECT helpful FROM feedback WHERE log_id = ? AND user_id = ?', [logId, userId]);
    const value = helpful ? 1 : 0;
    if (previous?.helpful === value) return 'unchanged';
    await db.run(
      `INSERT INTO feedback (log_id, user_id, helpful, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (log_id, user_id) DO UPDATE SET helpful = excluded.helpful, updated_at = excluded.updated_at`,
      [logId, userId, value, now, now],
    );
    return previous === undefined ? 'created' : 'updated';
  });
}

export async function getVote(db: SqlDatabase, logId: number, userId: string): Promise<boolean | null> {
  const row = await db.get<{ helpful: number }>('SELECT helpful FROM feedback WHERE log_id = ? AND user_id = ?', [rowId(logId, 'logId'), snowflake(userId, 'userId')]);
  return row === undefined ? null : row.helpful === 1;
}

export async function removeVote(db: SqlDatabase, logId: number, userId: string): Promise<boolean> {
  return (await db.run('DELETE FROM feedback WHERE log_id = ? AND user_id = ?', [rowId(logId, 'logId'), snowflake(userId, 'userId')])).changes > 0;
}

export async function voteCounts(db: SqlDatabase, logId: number): Promise<VoteCounts> {
  const row = (await db.get<{
    helpful: number;
    total: number;
  }>('SELECT coalesce(sum(helpful), 0) AS helpful, count(*) AS total FROM feedback WHERE log_id = ?', [rowId(logId, 'logId')]))!;
  return { helpful: row.helpful, notHelpful: row.total - row.helpful, total: row.total };
}
