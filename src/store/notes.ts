import { sql, type Database } from './db.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { intInRange, rowId, snowflake, text } from './validate.js';

export const MAX_NOTE_LENGTH = 4000;

export interface Note {
  id: number;
  guildId: string;
  authorId: string;
  authorName: string;
  /** The question (gap) this note answers, if any. */
  question: string | null;
  gapId: number | null;
  text: string;
  createdAt: number;
  updatedAt: number;
}

export interface CreateNoteInput {
  guildId: string;
  authorId: string;
  authorName: string;
  text: string;
  question?: string | null;
  gapId?: number | null;
  createdAt?: number;
}

interface NoteRow {
  id: number;
  guild_id: string;
  author_id: string;
  author_name: string;
  question: string | null;
  gap_id: number | null;
  text: string;
  created_at: number;
  updated_at: number;
}

function fromRow(row: NoteRow): Note {
  return {
    id: row.id,
    guildId: row.guild_id,
    authorId: row.author_id,
    authorName: row.author_name,
    question: row.question,
    gapId: row.gap_id,
    text: row.text,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function optionalQuestion(value: string | null | undefined): string | null {
  return value == null || value.trim() === '' ? null : text(value, 'question');
}

export function createNote(db: Database, input: CreateNoteInput): Note {
  const guildId = snowflake(input.guildId, 'guildId');
  const authorId = snowflake(input.authorId, 'authorId');
  const authorName = typeof input.authorName === 'string' ? input.authorName.slice(0, 200) : '';
  const body = text(input.text, 'text', MAX_NOTE_LENGTH);
  const question = optionalQuestion(input.question);
  const gapId = input.gapId == null ? null : rowId(input.gapId, 'gapId');
  const now = input.createdAt ?? Date.now();
  return db
    .transaction(() => {
      if (gapId !== null) {
        const gap = sql(db, 'SELECT guild_id FROM gaps WHERE id = ?').get(gapId) as { guild_id: string } | undefined;
        if (gap === undefined) throw new NotFoundError('gap', gapId);
        if (gap.guild_id !== guildId) throw new InvalidInputError('gapId', 'That question belongs to a different server.');
      }
      const id = Number(
        sql(db, 'INSERT INTO notes (guild_id, author_id, author_name, question, gap_id, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
          guildId,
          authorId,
          authorName,
          question,
          gapId,
          body,
          now,
          now,
        ).lastInsertRowid,
      );
      return getNote(db, id) as Note;
    })
    .immediate();
}

export function getNote(db: Database, id: number): Note | null {
  const row = sql(db, 'SELECT * FROM notes WHERE id = ?').get(rowId(id)) as NoteRow | undefined;
  return row === undefined ? null : fromRow(row);
}

/** Notes of a guild, most recently updated first. */
export function listNotes(db: Database, guildId: string, options: { limit?: number; offset?: number } = {}): Note[] {
  const rows = sql(db, 'SELECT * FROM notes WHERE guild_id = ? ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?').all(
    snowflake(guildId, 'guildId'),
    intInRange(options.limit ?? 100, 'limit', 1, 1000),
    intInRange(options.offset ?? 0, 'offset', 0, Number.MAX_SAFE_INTEGER),
  ) as NoteRow[];
  return rows.map(fromRow);
}

/** Every note of every guild, oldest first (to index them all at startup). */
export function listAllNotes(db: Database): Note[] {
  return (sql(db, 'SELECT * FROM notes ORDER BY id').all() as NoteRow[]).map(fromRow);
}

/** Changes the text and/or question of a note. Throws NotFoundError if it does not exist. */
export function updateNote(db: Database, id: number, changes: { text?: string; question?: string | null }, now = Date.now()): Note {
  rowId(id);
  const body = changes.text === undefined ? undefined : text(changes.text, 'text', MAX_NOTE_LENGTH);
  const question = changes.question === undefined ? undefined : optionalQuestion(changes.question);
  const updated = sql(db, `UPDATE notes SET text = coalesce(?, text), question = CASE WHEN ? THEN ? ELSE question END, updated_at = ? WHERE id = ?`).run(
    body ?? null,
    question === undefined ? 0 : 1,
    question ?? null,
    now,
    id,
  ).changes;
  if (updated === 0) throw new NotFoundError('note', id);
  return getNote(db, id) as Note;
}

/** Returns true if a note was deleted. A gap it answered stays answered (its note link becomes empty). */
export function deleteNote(db: Database, id: number): boolean {
  return sql(db, 'DELETE FROM notes WHERE id = ?').run(rowId(id)).changes > 0;
}
