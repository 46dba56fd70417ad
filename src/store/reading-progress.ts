import type { SqlDatabase } from './sql.js';
import { InvalidInputError } from './errors.js';
import { snowflake } from './validate.js';

/** How far a student has read: Part One (Hailsham), Part Two (the Cottages), Part Three (adulthood, the ending). */
export const READING_PROGRESS = ['part-one', 'part-two', 'part-three', 'finished'] as const;
export type ReadingProgress = (typeof READING_PROGRESS)[number];

export interface ReadingProgressRow {
  guildId: string;
  userId: string;
  progress: ReadingProgress;
  updatedAt: number;
}

export function isReadingProgress(value: unknown): value is ReadingProgress {
  return typeof value === 'string' && (READING_PROGRESS as readonly string[]).includes(value);
}

/** 0 for part-one ... 3 for finished, to compare how far someone has read. */
export function progressRank(progress: ReadingProgress): number {
  return READING_PROGRESS.indexOf(progress);
}

export async function getProgress(db: SqlDatabase, guildId: string, userId: string): Promise<ReadingProgressRow | null> {
  const row = await db.get<{ guild_id: string; user_id: string; progress: ReadingProgress; updated_at: number }>(
    'SELECT guild_id, user_id, progress, updated_at FROM reading_progress WHERE guild_id = ? AND user_id = ?',
    [snowflake(guildId, 'guildId'), snowflake(userId, 'userId')],
  );
  return row === undefined ? null : { guildId: row.guild_id, userId: row.user_id, progress: row.progress, updatedAt: row.updated_at };
}

export async function setProgress(db: SqlDatabase, guildId: string, userId: string, progress: ReadingProgress, now = Date.now()): Promise<ReadingProgressRow> {
  snowflake(guildId, 'guildId');
  snowflake(userId, 'userId');
  if (!isReadingProgress(progress)) {
    throw new InvalidInputError('progress', `Reading progress must be one of: ${READING_PROGRESS.join(', ')}.`);
  }
  await db.run(
    `INSERT INTO reading_progress (guild_id, user_id, progress, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (guild_id, user_id) DO UPDATE SET progress = excluded.progress, updated_at = excluded.updated_at`,
    [guildId, userId, progress, now],
  );
  return { guildId, userId, progress, updatedAt: now };
}

/** Returns true if there was something to clear. */
export async function clearProgress(db: SqlDatabase, guildId: string, userId: string): Promise<boolean> {
  return (await db.run('DELETE FROM reading_progress WHERE guild_id = ? AND user_id = ?', [snowflake(guildId, 'guildId'), snowflake(userId, 'userId')])).changes > 0;
}
