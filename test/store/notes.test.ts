import { expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/store/errors.js';
import { getGap, recordGap } from '../../src/store/gaps.js';
import { createNote, deleteNote, getNote, listAllNotes, listNotes, updateNote } from '../../src/store/notes.js';
import { CHANNEL, GUILD, describeEachBackend, memoryDb, OTHER_GUILD, TEACHER, USER } from './helpers.js';

describeEachBackend('notes', () => {
  it('create, get, list, update, delete', async () => {
    const db = await memoryDb();
    const a = await createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'Ms Lucy', text: '  Hailsham is a boarding school.  ', createdAt: 10 });
    const b = await createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'Ms Lucy', text: 'Possibles are models.', question: 'What is a possible?', createdAt: 20 });
    await createNote(db, { guildId: OTHER_GUILD, authorId: TEACHER, authorName: 'X', text: 'other', createdAt: 30 });
    expect(a).toEqual({ id: a.id, guildId: GUILD, authorId: TEACHER, authorName: 'Ms Lucy', question: null, gapId: null, text: 'Hailsham is a boarding school.', createdAt: 10, updatedAt: 10 });
    expect((await listNotes(db, GUILD)).map((note) => note.id)).toEqual([b.id, a.id]);

    const edited = await updateNote(db, a.id, { text: 'Hailsham is a special boarding school.' }, 40);
    expect(edited).toMatchObject({ text: 'Hailsham is a special boarding school.', question: null, createdAt: 10, updatedAt: 40 });
    expect(await updateNote(db, b.id, { question: null }, 50)).toMatchObject({ question: null, text: 'Possibles are models.' });
    expect((await listNotes(db, GUILD)).map((note) => note.id)).toEqual([b.id, a.id]);

    expect(await deleteNote(db, a.id)).toBe(true);
    expect(await deleteNote(db, a.id)).toBe(false);
    expect(await getNote(db, a.id)).toBeNull();
    await expect(updateNote(db, a.id, { text: 'x' })).rejects.toThrow(NotFoundError);
  });

  it('lists every note of every guild, oldest first (for indexing at startup)', async () => {
    const db = await memoryDb();
    expect(await listAllNotes(db)).toEqual([]);
    const a = await createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'A', text: 'one', createdAt: 30 });
    const b = await createNote(db, { guildId: OTHER_GUILD, authorId: TEACHER, authorName: 'B', text: 'two', createdAt: 10 });
    expect((await listAllNotes(db)).map((note) => [note.id, note.guildId])).toEqual([
      [a.id, GUILD],
      [b.id, OTHER_GUILD],
    ]);
  });

  it('validates input and changes nothing on error', async () => {
    const db = await memoryDb();
    const note = await createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'T', text: 'ok' });
    await expect(createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'T', text: '   ' })).rejects.toThrow(InvalidInputError);
    await expect(createNote(db, { guildId: GUILD, authorId: 'teacher', authorName: 'T', text: 'x' })).rejects.toThrow(InvalidInputError);
    await expect(updateNote(db, note.id, { text: 'y'.repeat(5000) })).rejects.toThrow(InvalidInputError);
    expect((await getNote(db, note.id))?.text).toBe('ok');
    expect(await listNotes(db, GUILD)).toHaveLength(1);
  });

  it('links to a gap of the same guild; deleting the note keeps the gap', async () => {
    const db = await memoryDb();
    const gap = await recordGap(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'Who is Keffers?' });
    await expect(createNote(db, { guildId: OTHER_GUILD, authorId: TEACHER, authorName: 'T', text: 'x', gapId: gap.gapId })).rejects.toThrow(InvalidInputError);
    await expect(createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'T', text: 'x', gapId: 999 })).rejects.toThrow(NotFoundError);
    const note = await createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'T', text: 'The caretaker at the Cottages.', gapId: gap.gapId, question: 'Who is Keffers?' });
    expect(note.gapId).toBe(gap.gapId);
    await deleteNote(db, note.id);
    expect((await getGap(db, gap.gapId))?.id).toBe(gap.gapId);
  });
});
