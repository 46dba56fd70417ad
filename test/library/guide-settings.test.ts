import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeacherRuntime } from '../../src/bot/teacher/runtime.js';
import type { BuildEvent } from '../../src/engine.js';
import { LibraryError } from '../../src/library/errors.js';
import { sectionChoiceValue } from '../../src/library/spoiler-settings.js';
import { Store } from '../../src/store/index.js';
import { silentLogger } from '../helpers/engine.js';
import { FRANKENSTEIN_GUIDE, openTestLibrary, parseGuide, type TestLibrary } from '../helpers/library.js';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const TEACHER = '100000000000000009';

describe('a guide’s spoiler parts', () => {
  let t: TestLibrary;
  let guideId: string;

  beforeAll(async () => {
    t = await openTestLibrary();
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
    guideId = (await t.library.addGuide(GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher' })).id;
  });
  afterAll(() => fs.rmSync(t.root, { recursive: true, force: true }));

  const engine = async () => (await t.library.engineFor(GUILD, { book: 'Frankenstein' }))!.engine;
  const partOf = async (heading: string) => (await engine()).sections().find((entry) => entry.path[entry.path.length - 1] === heading)?.part;

  it('start as the guide’s front matter says: all of the book when it says nothing', async () => {
    const spoilers = await t.library.guideSpoilers(GUILD, guideId);
    expect(spoilers.reveals).toBe('part-three');
    expect(spoilers.sections.map((section) => [section.path.join(' › '), section.part, section.own])).toEqual([
      ['Characters', 'part-three', false],
      ['Characters › Victor Frankenstein', 'part-three', false],
      ['Characters › The Creature', 'part-three', false],
      ['Themes', 'part-three', false],
      ['Themes › Dangerous Knowledge', 'part-three', false],
    ]);
  });

  it('set for the whole guide and one section reach the engine’s passages without building the index again', async () => {
    const ready: BuildEvent[] = [];
    const onProgress = (event: BuildEvent) => void (event.stage === 'ready' && ready.push(event));
    await t.library.updateGuide(GUILD, guideId, { spoilers: { reveals: 'part-one' } }, { onProgress });
    await t.library.updateGuide(GUILD, guideId, { spoilers: { section: { typed: 'The Creature', part: 'part-two' } } }, { onProgress });
    // The parts are not in the index: the book's index is copied under the new files' hash and loaded.
    expect(ready.map((event) => event.stage === 'ready' && [event.rebuilt, event.computed])).toEqual([
      [false, 0],
      [false, 0],
    ]);
    expect(fs.readdirSync(t.library.layout.bookIndexRoot(GUILD, 'frankenstein'))).toHaveLength(1);
    expect(await partOf('Victor Frankenstein')).toBe('part-one');
    expect(await partOf('The Creature')).toBe('part-two');
    // A reader up to Part One no longer gets the Creature's section.
    const answer = await (await engine()).ask('How does the creature learn to speak?', { readerPart: 'part-one' });
    expect(answer.passages.map((passage) => passage.citation).filter((citation) => citation.includes('The Creature'))).toEqual([]);
    const full = await (await engine()).ask('How does the creature learn to speak?', { readerPart: 'part-two' });
    expect(full.passages[0]?.citation).toContain('Characters › The Creature');
  });

  it('are in the exported Markdown, so a re-import keeps them', async () => {
    const { markdown } = t.library.exportGuide(GUILD, guideId);
    expect(markdown).toMatch(/spoilers:\n {2}default: part-one\n {2}sections:\n {4}Characters › The Creature: part-two/);
    const parsed = await parseGuide(markdown, 'frankenstein-fixed.md');
    const again = await t.library.addGuide(OTHER_GUILD, { parsed, fileName: 'frankenstein-fixed.md', addedBy: 'teacher' });
    const spoilers = await t.library.guideSpoilers(OTHER_GUILD, again.id);
    expect(spoilers.reveals).toBe('part-one');
    expect(spoilers.sections.find((section) => section.own)?.path).toEqual(['Characters', 'The Creature']);
  });

  it('survive a restart: a new library over the same folder reads them', async () => {
    const { library: restarted } = await openTestLibrary({ root: t.root, corpusDir: t.corpusDir, indexDir: t.indexDir, openEngine: t.openEngine });
    const sections = (await restarted.engineFor(GUILD, { book: 'Frankenstein' }))!.engine.sections();
    expect(sections.find((entry) => entry.path.join(' › ') === 'Characters › The Creature')?.part).toBe('part-two');
  });

  it('a section picked by its autocomplete value, and cleared back to the guide’s part', async () => {
    const { changed } = await t.library.updateGuide(GUILD, guideId, { spoilers: { section: { typed: sectionChoiceValue(['Characters', 'The Creature']), part: 'default' } } });
    expect(changed).toBe(true);
    expect(await partOf('The Creature')).toBe('part-one');
    // The same again changes nothing and writes nothing.
    const state = fs.readFileSync(t.library.layout.stateFile(GUILD), 'utf8');
    expect((await t.library.updateGuide(GUILD, guideId, { spoilers: { reveals: 'part-one' } })).changed).toBe(false);
    expect(fs.readFileSync(t.library.layout.stateFile(GUILD), 'utf8')).toBe(state);
  });

  it('a section the guide does not have is refused and nothing changes', async () => {
    const markdown = t.library.exportGuide(GUILD, guideId).markdown;
    const state = fs.readFileSync(t.library.layout.stateFile(GUILD), 'utf8');
    await expect(t.library.updateGuide(GUILD, guideId, { spoilers: { reveals: 'part-three', section: { typed: 'Count Dracula', part: 'none' } } })).rejects.toThrow(
      new LibraryError('“Count Dracula” is not a section of “Frankenstein — Study Notes”. Pick a section from the list as you type (`/guides export` shows every heading).'),
    );
    expect(t.library.exportGuide(GUILD, guideId).markdown).toBe(markdown);
    expect(fs.readFileSync(t.library.layout.stateFile(GUILD), 'utf8')).toBe(state);
    expect(await partOf('Victor Frankenstein')).toBe('part-one');
  });
});

describe('teacher notes in a server’s own books', () => {
  let t: TestLibrary;
  let store: Store;
  let runtime: TeacherRuntime;

  beforeAll(async () => {
    // A budget of one loaded library: the other server's load unloads this one's.
    t = await openTestLibrary({ memoryBudgetBytes: 1 });
    store = await Store.open(':memory:');
    runtime = new TeacherRuntime({ store, engine: t.library.sharedEngine()!, logger: silentLogger, retentionDays: 90, library: t.library });
    await runtime.start();
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
    await t.library.addGuide(GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher' });
  });
  afterAll(async () => {
    runtime.stop();
    await store.close();
    fs.rmSync(t.root, { recursive: true, force: true });
  });

  const QUESTION = 'What was the ghost story contest that started the novel?';
  const askBook = async (guildId: string) => (await t.library.engineFor(guildId, { book: 'Frankenstein' }))!.engine.ask(QUESTION, { exclude: runtime.exclusionsFor(guildId) });

  it('are quoted from the book they were written for, also once it is unloaded and loaded again; never in another server’s book', async () => {
    expect((await askBook(GUILD)).answered).toBe(false);
    const note = await store.notes.create({
      guildId: GUILD,
      authorId: TEACHER,
      authorName: 'Ms Emily',
      text: 'The novel started as an entry in a ghost story contest among friends, held indoors during the stormy summer of 1816.',
      question: QUESTION,
    });
    await runtime.indexNote(note);
    const answer = await askBook(GUILD);
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]?.citation).toMatch(/^Teacher note by Ms Emily, /);

    // Another server with the same book: its own engine never gets this server's note.
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
    await t.library.addGuide(OTHER_GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher' });
    const other = await askBook(OTHER_GUILD);
    expect(other.passages.map((passage) => passage.citation).filter((citation) => citation.startsWith('Teacher note'))).toEqual([]);
    expect((await t.library.engineFor(OTHER_GUILD, { book: 'Frankenstein' }))!.engine.stats().notes).toBe(0);

    // That load unloaded the first server's book; loaded again, it has its note.
    expect(t.library.ownEngines(GUILD)).toEqual([]);
    const reloaded = await askBook(GUILD);
    expect(reloaded.quotes[0]?.citation).toMatch(/^Teacher note by Ms Emily, /);

    await store.notes.delete(note.id);
    await runtime.unindexNote(note);
    expect((await askBook(GUILD)).passages.map((passage) => passage.citation).filter((citation) => citation.startsWith('Teacher note'))).toEqual([]);
  });
});

describe('a note changed while a server’s book opens', () => {
  it('is not left in the book as it was read: a deleted note goes, an edited one is the new text', async () => {
    const t = await openTestLibrary();
    const store = await Store.open(':memory:');
    const runtime = new TeacherRuntime({ store, engine: t.library.sharedEngine()!, logger: silentLogger, retentionDays: 90, library: t.library });
    try {
      const kept = await store.notes.create({ guildId: GUILD, authorId: TEACHER, authorName: 'Ms Emily', text: 'The first text of the kept note.' });
      const deleted = await store.notes.create({ guildId: GUILD, authorId: TEACHER, authorName: 'Ms Emily', text: 'A note deleted while the book opens.' });
      // The first read of the notes as the book opens returns them as they were, then a teacher edits one and deletes the other.
      const list = store.notes.list.bind(store.notes);
      let changeDuringRead = true;
      store.notes.list = async (guildId, options) => {
        const notes = await list(guildId, options);
        if (changeDuringRead) {
          changeDuringRead = false;
          await runtime.indexNote(await store.notes.update(kept.id, { text: 'The edited text of the kept note.' }, kept.updatedAt + 1));
          await store.notes.delete(deleted.id);
          await runtime.unindexNote(deleted);
        }
        return notes;
      };
      const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
      await t.library.addGuide(GUILD, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher' });
      const engine = (await t.library.engineFor(GUILD, { book: 'Frankenstein' }))!.engine;
      expect(engine.stats().notes).toBe(1);
      const answer = await engine.ask('What is the edited text of the kept note?', { exclude: runtime.exclusionsFor(GUILD) });
      const notes = answer.passages.filter((passage) => passage.citation.startsWith('Teacher note'));
      expect(notes.map((passage) => passage.text)).toEqual(['The edited text of the kept note.']);
    } finally {
      runtime.stop();
      await store.close();
      fs.rmSync(t.root, { recursive: true, force: true });
    }
  });
});
