import type { SqlDatabase } from './sql.js';
import { InvalidInputError } from './errors.js';
import { snowflake } from './validate.js';

/** Longest study-question id kept (the engine's ids are hashes with a guide prefix). */
export const QUIZ_QUESTION_ID_MAX = 200;

/** The study question a user was given last by `/quiz` (so the next one differs, on any shard), or null. */
export async function lastQuizQuestion(db: SqlDatabase, userId: string): Promise<string | null> {
  const row = await db.get<{ question_id: string }>('SELECT question_id FROM quiz_last WHERE user_id = ?', [snowflake(userId, 'userId')]);
  return row?.question_id ?? null;
}

export async function setLastQuizQuestion(db: SqlDatabase, userId: string, questionId: string, now = Date.now()): Promise<void> {
  snowflake(userId, 'userId');
  if (typeof questionId !== 'string' || questionId === '' || questionId.length > QUIZ_QUESTION_ID_MAX) {
    throw new InvalidInputError('questionId', `questionId must be 1 to ${QUIZ_QUESTION_ID_MAX} characters.`);
  }
  await db.run(
    `INSERT INTO quiz_last (user_id, question_id, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET question_id = excluded.question_id, updated_at = excluded.updated_at`,
    [userId, questionId, now],
  );
}

/** Forgets quiz memories not touched since `before` (ms since the epoch). Returns how many. */
export async function purgeQuizMemory(db: SqlDatabase, before: number): Promise<number> {
  return (await db.run('DELETE FROM quiz_last WHERE updated_at < ?', [before])).changes;
}
