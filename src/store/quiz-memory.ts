import { sql, type Database } from './db.js';
import { InvalidInputError } from './errors.js';
import { snowflake } from './validate.js';

/** Longest study-question id kept (the engine's ids are hashes with a guide prefix). */
export const QUIZ_QUESTION_ID_MAX = 200;

/** The study question a user was given last by `/quiz` (so the next one differs, on any shard), or null. */
export function lastQuizQuestion(db: Database, userId: string): string | null {
  const row = sql(db, 'SELECT question_id FROM quiz_last WHERE user_id = ?').get(snowflake(userId, 'userId')) as { question_id: string } | undefined;
  return row?.question_id ?? null;
}

export function setLastQuizQuestion(db: Database, userId: string, questionId: string, now = Date.now()): void {
  snowflake(userId, 'userId');
  if (typeof questionId !== 'string' || questionId === '' || questionId.length > QUIZ_QUESTION_ID_MAX) {
    throw new InvalidInputError('questionId', `questionId must be 1 to ${QUIZ_QUESTION_ID_MAX} characters.`);
  }
  sql(
    db,
    `INSERT INTO quiz_last (user_id, question_id, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET question_id = excluded.question_id, updated_at = excluded.updated_at`,
  ).run(userId, questionId, now);
}

/** Forgets quiz memories not touched since `before` (ms since the epoch). Returns how many. */
export function purgeQuizMemory(db: Database, before: number): number {
  return sql(db, 'DELETE FROM quiz_last WHERE updated_at < ?').run(before).changes;
}
