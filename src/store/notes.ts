import type { SqlDatabase } from './sql.js';
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

export async function createNote(db: SqlDatabase, input: CreateNoteInput): Promise<Note> {
  const guildId = snowflake(input.guildId, 'guildId');
  const authorId = snowflake(input.authorId, 'authorId');
  const authorName = typeof input.authorName === 'string' ? input.authorName.slice(0, 200) : '';
  const body = text(input.text, 'text', MAX_NOTE_LENGTH);
  const question = optionalQuestion(input.question);
  const gapId = input.gapId == null ? null : rowId(input.gapId, 'gapId');
  const now = input.createdAt ?? Date.now();
  return db.transaction(async () => {
    if (gapId !== null) {
      const gap = await db.get<{ guild_id: string }>('SELECT guild_id FROM gaps WHERE id = ?', [gapId]);
      if (gap === undefined) throw new NotFoundError('gap', gapId);
      if (gap.guild_id !== guildId) throw new InvalidInputError('gapId', 'That question belongs to a different server.');
    }
    const { id } = (await db.get<{ id: number }>('INSERT INTO notes (guild_id, author_id, author_name, question, gap_id, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id', [
      guildId,
      authorId,
      authorName,
      question,
      gapId,
      body,
      now,
      now,
    ]))!;
    return (await getNote(db, id))!;
  });
}

export async function getNote(db: SqlDatabase, id: number): Promise<Note | null> {
  const row = await db.get<NoteRow>('SELECT * FROM notes WHERE id = ?', [rowId(id)]);
  return row === undefined ? null : fromRow(row);
}

/** Notes of a guild, most recently updated first. */
export async function listNotes(db: SqlDatabase, guildId: string, options: { limit?: number; offset?: number } = {}): Promise<Note[]> {
  const rows = await db.all<NoteRow>('SELECT * FROM notes WHERE guild_id = ? ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?', [
    snowflake(guildId, 'guildId'),
    intInRange(options.limit ?? 100, 'limit', 1, 1000),
    intInRange(options.offset ?? 0, 'offset', 0, Number.MAX_SAFE_INTEGER),
  ]);
  return rows.map(fromRow);
}

/** Every note of every guild, oldest first (to index them all at startup). */
export async function listAllNotes(db: SqlDatabase): Promise<Note[]> {
  return (await db.all<NoteRow>('SELECT * FROM notes ORDER BY id')).map(fromRow);
}

/** Changes the text and/or question of a note. Throws NotFoundError if it does not exist. */
export async function updateNote(db: SqlDatabase, id: number, changes: { text?: string; question?: string | null }, now = Date.now()): Promise<Note> {
  rowId(id);
  const body = changes.text === undefined ? undefined : text(changes.text, 'text', MAX_NOTE_LENGTH);
  const question = changes.question === undefined ? undefined : optionalQuestion(changes.question);
  const updated = (
    await db.run(`UPDATE notes SET text = coalesce(?, text), question = CASE WHEN ? = 1 THEN ? ELSE question END, updated_at = ? WHERE id = ?`, [
      body ?? null,
      question === undefined ? 0 : 1,
      question ?? null,
      now,
      id,
    ])
  ).changes;
  if (updated === 0) throw new NotFoundError('note', id);
  return (await getNote(db, id))!;
}

/** Returns true if a note was deleted. A gap it answered stays answered (its note link becomes empty). */
export async function deleteNote(db: SqlDatabase, id: number): Promise<boolean> {
  return (await db.run('DELETE FROM notes WHERE id = ?', [rowId(id)])).changes > 0;
}
