import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/store/errors.js';
import { getGap, recordGap } from '../../src/store/gaps.js';
import { createNote, deleteNote, getNote, listAllNotes, listNotes, updateNote } from '../../src/store/notes.js';
import { CHANNEL, GUILD, memoryDb, OTHER_GUILD, TEACHER, USER } from './helpers.js';

describe('notes', () => {
  it('create, get, list, update, delete', () => {
    const db = memoryDb();
    const a = createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'Ms Lucy', text: '  Hailsham is a boarding school.  ', createdAt: 10 });
    const b = createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'Ms Lucy', text: 'Possibles are models.', question: 'What is a possible?', createdAt: 20 });
    createNote(db, { guildId: OTHER_GUILD, authorId: TEACHER, authorName: 'X', text: 'other', createdAt: 30 });
    expect(a).toEqual({ id: a.id, guildId: GUILD, authorId: TEACHER, authorName: 'Ms Lucy', question: null, gapId: null, text: 'Hailsham is a boarding school.', createdAt: 10, updatedAt: 10 });
    expect(listNotes(db, GUILD).map((note) => note.id)).toEqual([b.id, a.id]);

    const edited = updateNote(db, a.id, { text: 'Hailsham is a special boarding school.' }, 40);
    expect(edited).toMatchObject({ text: 'Hailsham is a special boarding school.', question: null, createdAt: 10, updatedAt: 40 });
    expect(updateNote(db, b.id, { question: null }, 50)).toMatchObject({ question: null, text: 'Possibles are models.' });
    expect(listNotes(db, GUILD).map((note) => note.id)).toEqual([b.id, a.id]);

    expect(deleteNote(db, a.id)).toBe(true);
    expect(deleteNote(db, a.id)).toBe(false);
    expect(getNote(db, a.id)).toBeNull();
    expect(() => updateNote(db, a.id, { text: 'x' })).toThrow(NotFoundError);
  });

  it('lists every note of every guild, oldest first (for indexing at startup)', () => {
    const db = memoryDb();
    expect(listAllNotes(db)).toEqual([]);
    const a = createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'A', text: 'one', createdAt: 30 });
    const b = createNote(db, { guildId: OTHER_GUILD, authorId: TEACHER, authorName: 'B', text: 'two', createdAt: 10 });
    expect(listAllNotes(db).map((note) => [note.id, note.guildId])).toEqual([
      [a.id, GUILD],
      [b.id, OTHER_GUILD],
    ]);
  });

  it('validates input and changes nothing on error', () => {
    const db = memoryDb();
    const note = createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'T', text: 'ok' });
    expect(() => createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'T', text: '   ' })).toThrow(InvalidInputError);
    expect(() => createNote(db, { guildId: GUILD, authorId: 'teacher', authorName: 'T', text: 'x' })).toThrow(InvalidInputError);
    expect(() => updateNote(db, note.id, { text: 'y'.repeat(5000) })).toThrow(InvalidInputError);
    expect(getNote(db, note.id)?.text).toBe('ok');
    expect(listNotes(db, GUILD)).toHaveLength(1);
  });

  it('links to a gap of the same guild; deleting the note keeps the gap', () => {
    const db = memoryDb();
    const gap = recordGap(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'Who is Keffers?' });
    expect(() => createNote(db, { guildId: OTHER_GUILD, authorId: TEACHER, authorName: 'T', text: 'x', gapId: gap.gapId })).toThrow(InvalidInputError);
    expect(() => createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'T', text: 'x', gapId: 999 })).toThrow(NotFoundError);
    const note = createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'T', text: 'The caretaker at the Cottages.', gapId: gap.gapId, question: 'Who is Keffers?' });
    expect(note.gapId).toBe(gap.gapId);
    deleteNote(db, note.id);
    expect(getGap(db, gap.gapId)?.id).toBe(gap.gapId);
  });
});
