/**
 * A server's own book with the teacher features, against the fake Discord with the real library,
 * engine and offline model: `/guides book` sets how far into the book a guide and its sections go
 * (and the spoiler gates follow), a teacher note answering a question about the own book is quoted
 * from it (also once the book is loaded again), and an approved review answer from the own book
 * has a working "Read the section" button, also after a restart.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/bot.js';
import { guideParser } from '../../src/library/parser.js';
import { sectionChoiceValue } from '../../src/library/spoiler-settings.js';
import { Store } from '../../src/store/index.js';
import { FRANKENSTEIN_GUIDE, openTestLibrary, parseGuide, type TestLibrary } from '../helpers/library.js';
import { captureLogs } from './bot-harness.js';
import type { LooseJson, StoredMessage } from './fake-discord.js';
import { buttonId, command, eventually, expectCleanTraffic, press, removeDbFile, reply, run, startTeacherHarness, submit, type TeacherHarness } from './teacher-harness.js';

const embedOf = (body: LooseJson) => ((body.embeds ?? []) as LooseJson[])[0] ?? {};
const textOf = (body: LooseJson) => [String(body.content ?? ''), JSON.stringify(body.embeds ?? [])].join('\n');
const INDENT = '\u2003';

describe('a server’s own book with the teacher features', () => {
  let t: TestLibrary;
  let h: TeacherHarness;
  let guild: string;
  let guideId: string;
  let restarted: Bot | undefined;
  let readers = 0;

  beforeAll(async () => {
    t = await openTestLibrary();
    h = await startTeacherHarness(t.library.sharedEngine()! as never, { bot: { library: t.library, parser: guideParser } });
    guild = h.fake.guild.id;
    const parsed = await parseGuide(FRANKENSTEIN_GUIDE, 'frankenstein.md');
    guideId = (await t.library.addGuide(guild, { parsed, fileName: 'frankenstein.md', addedBy: 'teacher' })).id;
  });
  afterAll(async () => {
    await restarted?.stop(2000);
    await h?.close();
    await removeDbFile(h);
    fs.rmSync(t.root, { recursive: true, force: true });
  });

  const teacher = () => h.fake.members.teacher;
  const newReader = () => h.fake.addMember({ username: `frankreader${++readers}` });
  const guides = (options: Record<string, string>) => run(h, 'guides', { member: teacher(), subcommand: 'book', options: { guide: guideId, ...options } });

  async function ask(question: string, member = newReader()) {
    const { id, callback } = await command(h, 'ask', { member, options: { question, book: 'Frankenstein' } });
    return reply(h, id, callback);
  }

  describe('/guides book', () => {
    it('with only the guide shows its book and the part of the book each section reveals', async () => {
      const shown = await guides({});
      expect(String(shown.content ?? '')).toBe('');
      expect(embedOf(shown).title).toBe('Spoilers: Frankenstein — Study Notes');
      const description = String(embedOf(shown).description);
      expect(description).toContain('In *Frankenstein*. The whole guide reveals up to **Part Three**');
      expect(description).toContain(`• Characters — Part Three\n${INDENT}• Victor Frankenstein — Part Three\n${INDENT}• The Creature — Part Three`);
      expect(String((embedOf(shown).footer as LooseJson | undefined)?.text)).toMatch(/^Spoiler control is off in this server/);
    });

    it('autocompletes the sections of the chosen guide with their part', async () => {
      const id = h.fake.sendInteraction(h.fake.autocompleteInteraction({ name: 'guides', subcommand: 'book', focused: 'section', options: { guide: guideId, section: 'creat' }, member: teacher() }));
      const choices = (await h.fake.waitForResponse(id)).body.choices as LooseJson[];
      expect(choices).toEqual([{ name: 'Characters › The Creature · Part Three', value: sectionChoiceValue(['Characters', 'The Creature']) }]);
    });

    it('sets the whole guide’s part and one section’s, shows them, and the progress gate follows', async () => {
      const set = await guides({ reveals: 'part-one', section: sectionChoiceValue(['Characters', 'The Creature']), part: 'part-two' });
      expect(set.content).toBe('Spoiler parts saved: answers, `/section` and `/quote` use them now.');
      const description = String(embedOf(set).description);
      expect(description).toContain('The whole guide reveals up to **Part One**');
      expect(description).toContain(`${INDENT}• Victor Frankenstein — Part One\n${INDENT}• The Creature — **Part Two**`);
      expect(t.library.exportGuide(guild, guideId).markdown).toContain('Characters › The Creature: part-two');

      await run(h, 'config', { member: teacher(), subcommand: 'spoilers', options: { mode: 'progress' } });
      const reader = newReader();
      await run(h, 'progress', { member: reader, options: { part: 'part-one' } });
      const early = await run(h, 'section', { member: reader, options: { name: 'The Creature', book: 'Frankenstein' } });
      expect(String(early.content)).toMatch(/^That text reveals events up to Part Two, and you've told me you've read Part One/);
      expect(textOf(await run(h, 'section', { member: reader, options: { name: 'Victor Frankenstein', book: 'Frankenstein' } }))).toContain('young scientist from Geneva');
      // Answers leave the section out too.
      expect(textOf(await ask('How does the creature learn to speak?', reader))).not.toContain('Characters › The Creature');
      await run(h, 'progress', { member: reader, options: { part: 'part-two' } });
      expect(textOf(await run(h, 'section', { member: reader, options: { name: 'The Creature', book: 'Frankenstein', private: true } }))).toContain('De Lacey family');
      await run(h, 'config', { member: teacher(), subcommand: 'spoilers', options: { mode: 'off' } });
    });

    it('a section the guide does not have, or a section without a part, gets a clear message and changes nothing', async () => {
      const before = t.library.exportGuide(guild, guideId).markdown;
      const missing = await guides({ section: 'Count Dracula', part: 'none' });
      expect(missing.content).toBe('“Count Dracula” is not a section of “Frankenstein — Study Notes”. Pick a section from the list as you type (`/guides export` shows every heading).');
      const partless = await guides({ section: 'The Creature' });
      expect(partless.content).toMatch(/^Choose the `part:` of the book that section reveals as well\. Nothing was changed\./);
      const unknown = await run(h, 'guides', { member: teacher(), subcommand: 'book', options: { guide: 'Dracula Notes', reveals: 'none' } });
      expect(unknown.content).toMatch(/^This server has no guide called “Dracula Notes”/);
      const same = await guides({ book: 'frankenstein' });
      expect(same.content).toBe('**Frankenstein — Study Notes** is already in *Frankenstein*. Nothing was changed.');
      expect(t.library.exportGuide(guild, guideId).markdown).toBe(before);
    });
  });

  describe('teacher notes', () => {
    const QUESTION = 'What was the ghost story contest that started the novel?';
    const TEXT = 'The novel started as an entry in a ghost story contest among friends, held indoors during the stormy summer of 1816.';

    it('a note answering a question about the own book is quoted from that book, also once the book is loaded again', async () => {
      const first = await ask(QUESTION);
      expect(textOf(first)).not.toContain('Teacher note');
      const gap = await eventually(async () => (await h.store.gaps.list(guild, { limit: 100 })).find((candidate) => candidate.question === QUESTION), 'the unanswered question');
      const { callback } = await command(h, 'answer', { member: teacher(), options: { gap: String(gap.id) } });
      const saved = await submit(h, String(callback.body.custom_id), { question: QUESTION, text: TEXT }, teacher());
      expect(String((await reply(h, saved.id, saved.callback)).content)).toMatch(/^Saved as note #\d+/);

      const again = await ask(QUESTION);
      expect(textOf(again)).toContain(TEXT);
      expect(textOf(again)).toContain('Teacher note by Teacher');
      // What a change from another process does (and eviction): the book's engine is opened again on the next question.
      t.library.forget(guild);
      expect(t.library.ownEngines(guild)).toEqual([]);
      expect(textOf(await ask(QUESTION))).toContain(TEXT);
    });
  });

  describe('the review queue', () => {
    let post: StoredMessage;

    it('an approved answer from the own book has a Read the section button that opens the section there', async () => {
      const queue = h.fake.guild.channels.reviewQueue.id;
      const general = h.fake.guild.channels.general.id;
      await run(h, 'config', { member: teacher(), subcommand: 'review', options: { mode: 'on', queue } });
      const queued = h.fake.channelMessages(queue).length;
      await ask('How does the creature learn to speak?');
      const item = await h.fake.waitForChannelMessage(queue, { nth: queued + 1 });
      const posts = h.fake.channelMessages(general).filter((message) => message.source === 'channel').length;
      await press(h, buttonId(item.message, 'Approve'), item, teacher());
      post = await h.fake.waitForChannelMessage(general, { nth: posts + 1, predicate: (message) => message.source === 'channel' });
      const read = buttonId(post.message, 'Read the section');
      expect(read).toMatch(/^sec-read:/);
      const opened = await press(h, read, post, newReader());
      expect(textOf(opened.callback.body)).toContain('De Lacey family');
      expect(textOf(opened.callback.body)).toContain('Frankenstein — Study Notes › Characters › The Creature');
      await run(h, 'config', { member: teacher(), subcommand: 'review', options: { mode: 'off' } });
      expectCleanTraffic(h);
    });

    it('the button still works after a restart (a new bot, store and library over the same folders)', async () => {
      await h.bot.stop(2000);
      const store = await Store.open(h.dbFile);
      const { library } = await openTestLibrary({ root: t.root, corpusDir: t.corpusDir, indexDir: t.indexDir, openEngine: t.openEngine });
      restarted = createBot({ config: h.config, engine: library.sharedEngine()!, logger: captureLogs().logger, store, library, parser: guideParser });
      await restarted.start();
      expect(library.memory().loaded).toBe(0);
      const opened = await press(h, buttonId(post.message, 'Read the section'), post, newReader());
      expect(textOf(opened.callback.body)).toContain('De Lacey family');
      // The note is in the book as it opens after the restart.
      expect(textOf(await ask('What was the ghost story contest that started the novel?'))).toContain('ghost story contest among friends');
    });
  });
});
