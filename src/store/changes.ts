import type { ListenOptions, Listener, SqlDatabase } from './sql.js';
import { InvalidInputError } from './errors.js';
import { rowId, snowflake } from './validate.js';

/**
 * A change feed in the database: each process that changes state other processes hold in memory
 * (a teacher note in the search index, a server's guide library) appends a row, and every process reads the rows after the
 * last one it saw. This is how shard processes sharing one database hear of each other's changes.
 * On PostgreSQL, recording a change also sends a notification on CHANGES_CHANNEL with the change's
 * id, so readers need not wait for their next poll; the row stays the only source of truth.
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
/** The PostgreSQL notification channel of new changes; the payload is the change's id. */
export const CHANGES_CHANNEL = 'guidebot_changes';

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
  // A write transaction: write transactions run one at a time, so changes commit in the order of
  // their ids and a reader that has seen id N never later finds a smaller one committed. The
  // notification is sent when the transaction commits, so no reader hears of a row it cannot read.
  const row = await db.transaction(async () => {
    const inserted = await db.get<ChangeRow>('INSERT INTO changes (kind, guild_id, subject_id, origin, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *', [
      input.kind,
      input.guildId,
      input.subjectId,
      input.origin,
      now,
    ]);
    if (db.dialect === 'postgres') await db.get('SELECT pg_notify(?, ?)', [CHANGES_CHANNEL, String(inserted!.id)]);
    return inserted!;
  });
  return toChange(row);
}

export interface ChangeWatchHandlers {
  /** A change was recorded (by any process) with this id. */
  recorded(id: number): void;
  /** The watch listens: the first time, and (`again`) after a lost connection, when changes recorded meanwhile went unannounced. */
  ready(again: boolean): void;
  /** The watching connection was lost or could not be made; it is tried again in `retryInMs`. */
  lost(error: unknown, retryInMs: number): void;
}

/**
 * Hears of changes as they are recorded, where the database announces them (PostgreSQL); undefined
 * where it does not (SQLite), and the feed must be polled.
 */
export async function watchChanges(db: SqlDatabase, handlers: ChangeWatchHandlers, options?: ListenOptions): Promise<Listener | undefined> {
  if (db.listen === undefined) return undefined;
  return db.listen(
    CHANGES_CHANNEL,
    { notify: (payload) => handlers.recorded(Number(payload)), ready: (again) => handlers.ready(again), lost: (error, retryInMs) => handlers.lost(error, retryInMs) },
    options,
  );
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
