import type { SqlDatabase } from './sql.js';
import { InvalidInputError } from './errors.js';
import { rowId, snowflake } from './validate.js';

/**
 * A change feed in the database: each process that changes state other processes hold in memory
 * (a teacher note in the search index, a server's guide library) appends a row, and every process reads the rows after the
 * last one it saw. This is how shard processes sharing one SQLite file hear of each other's changes.
 */
export const CHANGE_KINDS = ['note', 'guides'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface Change {
  id: number;
  kind: ChangeKind;
  guildId: string;
  /** The changed row: a note id; 0 for `guides` (the server's whole library). */
  subjectId: number;
  /** The process that made the change, so it can skip its own. */
  origin: string;
  createdAt: number;
}

export interface RecordChangeInput {
  kind: ChangeKind;
  guildId: string;
  subjectId: number;
  origin: string;
}

/** Longest process id accepted as an origin. */
export const ORIGIN_MAX = 100;

interface ChangeRow {
  id: number;
  kind: ChangeKind;
  guild_id: string;
  subject_id: number;
  origin: string;
  created_at: number;
}

const toChange = (row: ChangeRow): Change => ({ id: row.id, kind: row.kind, guildId: row.guild_id, subjectId: row.subject_id, origin: row.origin, createdAt: row.created_at });

export async function recordChange(db: SqlDatabase, input: RecordChangeInput, now = Date.now()): Promise<Change> {
  if (!(CHANGE_KINDS as readonly string[]).includes(input.kind)) throw new InvalidInputError('kind', `kind must be one of: ${CHANGE_KINDS.join(', ')}.`);
  snowflake(input.guildId, 'guildId');
  if (input.kind === 'guides') {
    if (input.subjectId !== 0) throw new InvalidInputError('subjectId', 'subjectId must be 0 for a change of the guide library.');
  } else rowId(input.subjectId, 'subjectId');
  if (typeof input.origin !== 'string' || input.origin === '' || input.origin.length > ORIGIN_MAX) throw new InvalidInputError('origin', `origin must be 1 to ${ORIGIN_MAX} characters.`);
  const row = await db.get<ChangeRow>('INSERT INTO changes (kind, guild_id, subject_id, origin, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *', [
    input.kind,
    input.guildId,
    input.subjectId,
    input.origin,
    now,
  ]);
  return toChange(row!);
}

/** The changes after `afterId`, oldest first, at most `limit`. */
export async function changesAfter(db: SqlDatabase, afterId: number, limit: number): Promise<Change[]> {
  const rows = await db.all<ChangeRow>('SELECT * FROM changes WHERE id > ? ORDER BY id LIMIT ?', [afterId, limit]);
  return rows.map(toChange);
}

/** The id of the newest change (0 when there is none): where a process that starts now begins reading. */
export async function latestChangeId(db: SqlDatabase): Promise<number> {
  const row = await db.get<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM changes');
  return row?.id ?? 0;
}

/** Deletes changes older than `before` (every process has long read them). Returns how many. */
export async function pruneChanges(db: SqlDatabase, before: number): Promise<number> {
  return (await db.run('DELETE FROM changes WHERE created_at < ?', [before])).changes;
}
