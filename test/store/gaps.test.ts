import { expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/store/errors.js';
import { getGap, listGaps, markGapAnswered, recordGap, searchGaps, type RecordGapInput } from '../../src/store/gaps.js';
import { normalizeQuestion, tokenSimilarity } from '../../src/store/normalize.js';
import { createNote } from '../../src/store/notes.js';
import { terms, words } from '../../src/search/tokenize.js';
import { CHANNEL, CHANNEL_2, GUILD, describeEachBackend, memoryDb, OTHER_GUILD, TEACHER, USER, USER_2, USER_3 } from './helpers.js';

let clock = 0;
function ask(question: string, userId = USER, extra: Partial<RecordGapInput> = {}): RecordGapInput {
  clock += 1000;
  return { guildId: GUILD, channelId: CHANNEL, userId, question, createdAt: clock, ...extra };
}

describeEachBackend('normalizeQuestion', () => {
  it('lowercases, strips punctuation, accents and stop words, stems, sorts unique tokens', () => {
    expect(normalizeQuestion('Why did Kathy keep the TAPE?!')).toBe('kathi keep tape');
    expect(normalizeQuestion('why does kathy keep the tapes')).toBe('kathi keep tape');
    expect(normalizeQuestion("What's the tape Kathy keeps, and why?")).toBe('kathi keep tape');
    expect(normalizeQuestion('Who are the Guardians?')).toBe('guardian');
    expect(normalizeQuestion('Who is the guardian')).toBe('guardian');
    expect(normalizeQuestion('Why are the students running?')).toBe(normalizeQuestion('why do students run'));
    expect(normalizeQuestion('Madame — élan, naïve')).toBe('elan madam naiv');
    expect(normalizeQuestion('Why?')).toBe('why');
  });

  it('a key is exactly the search terms of the question: one tokenizer, one stopword list', () => {
    for (const question of ['Why did Kathy keep the tape?', 'What ought the donors to do?', 'Who are the Guardians?', "Tommy's temper: what's it about?", 'Is Hailsham a naïve place?']) {
      expect(normalizeQuestion(question)).toBe([...new Set(terms(question))].sort().join(' '));
    }
    expect(words('Naïve élan')).toEqual(['naive', 'elan']);
  });

  it('tokenSimilarity is a 0..1 overlap', () => {
    expect(tokenSimilarity('Why did Ruth lie about the gallery?', 'did ruth lie about the gallery')).toBe(1);
    expect(tokenSimilarity('Ruth gallery lie', 'Tommy temper')).toBe(0);
  });
});

describeEachBackend('gaps', () => {
  it('groups questions with the same normalised key and counts them', async () => {
    const db = await memoryDb();
    const first = await recordGap(db, ask('What is the Gallery for?'));
    const second = await recordGap(db, ask('what is the gallery for', USER_2));
    const third = await recordGap(db, ask('What IS the gallery... for?!', USER_2, { channelId: CHANNEL_2 }));
    const other = await recordGap(db, ask('Who is Madame?', USER_3));
    expect(first).toEqual({ gapId: first.gapId, created: true, count: 1 });
    expect(second).toEqual({ gapId: first.gapId, created: false, count: 2 });
    expect(third).toEqual({ gapId: first.gapId, created: false, count: 3 });
    expect(other.created).toBe(true);
    await recordGap(db, { ...ask('What is the Gallery for?'), guildId: OTHER_GUILD });

    const list = await listGaps(db, GUILD, { limit: 10 });
    expect(list.map((gap) => [gap.question, gap.count, gap.askers])).toEqual([
      ['What is the Gallery for?', 3, 2],
      ['Who is Madame?', 1, 1],
    ]);
    expect(await listGaps(db, GUILD, { limit: 1 })).toHaveLength(1);
    await expect(listGaps(db, GUILD, { limit: 0 })).rejects.toThrow(InvalidInputError);
  });

  it('an injected similarity function groups differently worded questions', async () => {
    const db = await memoryDb();
    // Stands in for an embedding model: questions that mention the same book topic count as similar.
    const topic = (text: string) => (/(gallery|madame|art)/i.test(text) ? 'gallery' : /(tommy|temper|tantrum)/i.test(text) ? 'tommy' : text);
    const similarity = (a: string, b: string) => (topic(a) === topic(b) ? 0.9 : 0.1);

    const a = await recordGap(db, ask('What is the Gallery for?'), { similarity });
    const b = await recordGap(db, ask('Why does Madame take the best art?', USER_2), { similarity });
    const c = await recordGap(db, ask('Why does Tommy have tantrums?', USER_3), { similarity });
    expect(b).toEqual({ gapId: a.gapId, created: false, count: 2 });
    expect(c.created).toBe(true);
    // b's wording is already in a's group, so it joins even without (or below) the similarity threshold.
    const d = await recordGap(db, ask('why does madame take the best art', USER_3));
    expect(d).toEqual({ gapId: a.gapId, created: false, count: 3 });
    const e = await recordGap(db, ask('Does Madame like the art?', USER_3), { similarity, threshold: 0.95 });
    expect(e.created).toBe(true);
    const withoutSimilarity = await recordGap(db, ask('Why does Tommy lose his temper?'));
    expect(withoutSimilarity.created).toBe(true);
    expect((await listGaps(db, GUILD)).find((gap) => gap.id === a.gapId)).toMatchObject({ question: 'What is the Gallery for?', count: 3, askers: 3 });
  });

  it('getGap returns the asks; searchGaps autocompletes, at most 25, prefix matches first', async () => {
    const db = await memoryDb();
    const gallery = await recordGap(db, ask('What is the Gallery for?'));
    await recordGap(db, ask('Gallery visits: tell me more', USER_2));
    await recordGap(db, ask('gallery visits, tell me more!', USER_3));
    for (let i = 0; i < 40; i += 1) await recordGap(db, ask(`Question ${i} about donations`));
    const detail = await getGap(db, gallery.gapId);
    expect(detail?.asks.map((item) => item.userId)).toEqual([USER]);
    expect(await getGap(db, 9999)).toBeNull();

    // "What is the Gallery for?" has more asks, but the typed text starts the other question.
    await recordGap(db, ask('what is the gallery for', USER_2));
    await recordGap(db, ask('What is the gallery for???', USER_3));
    expect((await searchGaps(db, GUILD, 'gall')).map((hit) => [hit.question, hit.count])).toEqual([
      ['Gallery visits: tell me more', 2],
      ['What is the Gallery for?', 3],
    ]);
    expect((await searchGaps(db, GUILD, 'what is')).map((hit) => hit.question)).toEqual(['What is the Gallery for?']);
    expect((await searchGaps(db, GUILD, 'TELL ME'))[0]).toEqual({ id: expect.any(Number), question: 'Gallery visits: tell me more', count: 2 });
    expect(await searchGaps(db, GUILD, '')).toHaveLength(25);
    expect(await searchGaps(db, GUILD, '%')).toEqual([]);
    expect(await searchGaps(db, OTHER_GUILD, 'gall')).toEqual([]);
  });

  it('markGapAnswered closes the gap and returns who asked, once', async () => {
    const db = await memoryDb();
    const gap = await recordGap(db, ask('What happens at the end?', USER_2));
    await recordGap(db, ask('what happens at the end', USER));
    await recordGap(db, ask('What happens at the end?', USER_2));
    const note = await createNote(db, { guildId: GUILD, authorId: TEACHER, authorName: 'Ms T', text: 'We discuss the ending in class on Friday.' });
    expect(await markGapAnswered(db, gap.gapId, note.id, 5)).toEqual({ alreadyAnswered: false, userIds: [USER_2, USER] });
    expect(await markGapAnswered(db, gap.gapId, note.id)).toEqual({ alreadyAnswered: true, userIds: [] });
    expect(await getGap(db, gap.gapId)).toMatchObject({ status: 'answered', noteId: note.id, answeredAt: 5 });
    expect(await listGaps(db, GUILD)).toEqual([]);
    expect(await listGaps(db, GUILD, { status: 'answered' })).toHaveLength(1);
    // The same question asked again later opens a fresh gap.
    expect((await recordGap(db, ask('What happens at the end?'))).created).toBe(true);
  });

  it('markGapAnswered checks the gap and note exist and share a guild', async () => {
    const db = await memoryDb();
    const gap = await recordGap(db, ask('Who is Miss Emily?'));
    const elsewhere = await createNote(db, { guildId: OTHER_GUILD, authorId: TEACHER, authorName: 'T', text: 'x' });
    await expect(markGapAnswered(db, 999, elsewhere.id)).rejects.toThrow(NotFoundError);
    await expect(markGapAnswered(db, gap.gapId, 999)).rejects.toThrow(NotFoundError);
    await expect(markGapAnswered(db, gap.gapId, elsewhere.id)).rejects.toThrow(InvalidInputError);
    expect((await getGap(db, gap.gapId))?.status).toBe('open');
  });
});
