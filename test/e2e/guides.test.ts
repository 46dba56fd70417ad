/**
 * Teachers bring their own guides: /guides add (download from the fake's CDN, preview, Add or
 * Cancel, background indexing), asking with book:, /guides export, rename, book, remove and shared,
 * /config book, against the fake Discord with the real library, engine and offline model.
 */
import fs from 'node:fs';
import { InteractionResponseType } from 'discord.js';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_GUIDE_FILE_BYTES } from '../../src/library/limits.js';
import { guideParser } from '../../src/library/parser.js';
import { makePdf } from '../guide/ingest/make-pdf.js';
import { FRANKENSTEIN_GUIDE, openTestLibrary, type TestLibrary } from '../helpers/library.js';
import type { LooseJson } from './fake-discord.js';
import { buttonId, command, eventually, expectCleanTraffic, press, removeDbFile, reply, run, startTeacherHarness, type TeacherHarness } from './teacher-harness.js';

const markdownFile = (filename: string, content: string) => ({ attachment: { filename, content, contentType: 'text/markdown' } });
const embedOf = (body: LooseJson) => ((body.embeds ?? []) as LooseJson[])[0] ?? {};
const textOf = (body: LooseJson) => [String(body.content ?? ''), JSON.stringify(body.embeds ?? [])].join('\n');

describe('/guides against the fake Discord', () => {
  let t: TestLibrary;
  let h: TeacherHarness;

  beforeAll(async () => {
    t = await openTestLibrary();
    h = await startTeacherHarness(t.library.sharedEngine()! as never, { bot: { library: t.library, parser: guideParser } });
  });
  afterAll(async () => {
    await h?.close();
    await removeDbFile(h);
    fs.rmSync(t.root, { recursive: true, force: true });
  });

  const teacher = () => h.fake.members.teacher;
  const student = () => h.fake.members.student;

  async function ask(question: string, options: Record<string, string> = {}) {
    const { id, callback } = await command(h, 'ask', { member: student(), options: { question, ...options } });
    return reply(h, id, callback);
  }

  /** Uploads a file and returns the preview reply and its message. */
  async function upload(file: { attachment: { filename: string; content: Buffer | string; contentType: string } }, options: Record<string, string> = {}) {
    const { id, callback } = await command(h, 'guides', { member: teacher(), subcommand: 'add', options: { file, ...options } });
    const body = await reply(h, id, callback);
    return { id, body, message: h.fake.originalResponse(id) };
  }

  it('with one book, students see nothing about books', async () => {
    const answer = await ask('Who is Miss Lucy?');
    expect(textOf(answer)).not.toMatch(/From the guides for/);
  });

  it('students cannot manage guides', async () => {
    const body = await run(h, 'guides', { member: student(), subcommand: 'list', permissions: '0' });
    expect(String(body.content)).toMatch(/Only teachers can manage the guides/);
  });

  it('a Markdown upload is previewed, then Add indexes it in the background and says when it is ready', async () => {
    const { body, message } = await upload(markdownFile('frankenstein.md', FRANKENSTEIN_GUIDE));
    const embed = embedOf(body);
    expect(embed.title).toBe('Preview: Frankenstein — Study Notes');
    expect(String(embed.description)).toMatch(/• \*\*Characters\*\*\n\u2003• \*\*Victor Frankenstein\*\* — 2 ¶, \d+ words/);
    expect(JSON.stringify(embed.fields)).toContain('Frankenstein');
    // Nothing is in the library until Add.
    expect(t.library.guides(h.fake.guild.id)).toEqual([]);

    const added = await press(h, buttonId(body, 'Add'), message!, teacher());
    expect(added.callback.callbackType).toBe(InteractionResponseType.UpdateMessage);
    const ready = await eventually(
      () => {
        const content = String(h.fake.message(message!.id)?.message.content ?? '');
        return content.includes('is ready') ? content : undefined;
      },
      'the guide to be ready',
      30_000,
    );
    expect(ready).toMatch(/✅ \*\*Frankenstein — Study Notes\*\* is ready in \*Frankenstein\*/);
    expect(ready).toMatch(/book:Frankenstein/);
    expect(t.library.guides(h.fake.guild.id).map((guide) => guide.title)).toEqual(['Frankenstein — Study Notes']);
  });

  it('students ask the new book with book:, and the default book names itself now that there are two', async () => {
    const answer = await ask('How does the creature learn to speak?', { book: 'Frankenstein' });
    expect(textOf(answer)).toContain('Frankenstein — Study Notes › Characters › The Creature');
    expect(textOf(answer)).toContain('From the guides for Frankenstein.');
    const shared = await ask('Who is Miss Lucy?');
    expect(textOf(shared)).toContain('From the guides for Never Let Me Go.');

    const id = h.fake.sendInteraction(h.fake.autocompleteInteraction({ name: 'ask', focused: 'book', options: { question: 'who', book: 'fra' }, member: student() }));
    const choices = (await h.fake.waitForResponse(id)).body.choices as LooseJson[];
    expect(choices).toEqual([{ name: 'Frankenstein', value: 'Frankenstein' }]);

    const wrong = await ask('Who is Victor?', { book: 'Dracula' });
    expect(String(wrong.content)).toMatch(/no book called “Dracula”.*Never Let Me Go, Frankenstein/);
  });

  it('/config book sets a channel’s default book', async () => {
    const body = await run(h, 'config', { member: teacher(), subcommand: 'book', options: { book: 'Frankenstein' } });
    expect(String(body.content)).toMatch(/now go to \*Frankenstein\*/);
    const answer = await ask('Who is Victor Frankenstein?');
    expect(textOf(answer)).toContain('Frankenstein — Study Notes');
    await run(h, 'config', { member: teacher(), subcommand: 'book' });
    expect(textOf(await ask('Who is Miss Lucy?'))).toContain('Never Let Me Go');
  });

  it('/section and /quote take the book too', async () => {
    const section = await run(h, 'section', { member: student(), options: { name: 'The Creature', book: 'Frankenstein' } });
    expect(textOf(section)).toContain('De Lacey family');
    const id = h.fake.sendInteraction(h.fake.autocompleteInteraction({ name: 'section', focused: 'name', options: { name: 'creat', book: 'Frankenstein' }, member: student() }));
    const choices = (await h.fake.waitForResponse(id)).body.choices as LooseJson[];
    expect(choices.map((choice) => String(choice.name))).toEqual(['Characters › The Creature · Frankenstein — Study Notes']);
  });

  it('/guides list, export, rename and book', async () => {
    const list = await run(h, 'guides', { member: teacher(), subcommand: 'list' });
    expect(textOf(list)).toContain('Frankenstein — Study Notes');
    expect(textOf(list)).toContain('2 shared guides from the host');
    const guide = t.library.guides(h.fake.guild.id)[0]!;

    const { id } = await command(h, 'guides', { member: teacher(), subcommand: 'export', options: { guide: guide.id } });
    await h.fake.waitForEdit(id);
    const files = h.fake.originalResponse(id)!.files;
    expect(files.map((file) => file.name)).toEqual(['frankenstein-study-notes.md']);
    expect(files[0]!.content.toString('utf8')).toContain('## Victor Frankenstein');

    const renamed = await run(h, 'guides', { member: teacher(), subcommand: 'rename', options: { guide: guide.id, title: 'Year 10 Frankenstein Notes' } });
    expect(String(renamed.content)).toMatch(/Renamed .* to \*\*Year 10 Frankenstein Notes\*\*/);
    expect(textOf(await ask('How does the creature learn to speak?', { book: 'Frankenstein' }))).toContain('Year 10 Frankenstein Notes › Characters');

    const moved = await run(h, 'guides', { member: teacher(), subcommand: 'book', options: { guide: guide.id, book: 'Frankenstein (1818 text)' } });
    expect(String(moved.content)).toMatch(/is now in \*Frankenstein \(1818 text\)\*/);
    expect(t.library.books(h.fake.guild.id).map((book) => book.book)).toEqual(['Never Let Me Go', 'Frankenstein (1818 text)']);
  });

  it('Cancel adds nothing', async () => {
    const before = fs.readFileSync(t.library.layout.stateFile(h.fake.guild.id), 'utf8');
    const { body, message } = await upload(markdownFile('other.md', FRANKENSTEIN_GUIDE.replace('Study Notes', 'Other Notes')));
    const cancelled = await press(h, buttonId(body, 'Cancel'), message!, teacher());
    expect(JSON.stringify(cancelled.callback.body)).toMatch(/Cancelled: \*\*Frankenstein — Other Notes\*\* was not added/);
    expect(fs.readFileSync(t.library.layout.stateFile(h.fake.guild.id), 'utf8')).toBe(before);
    // Add after Cancel finds nothing to add.
    const late = await press(h, buttonId(body, 'Add'), message!, teacher());
    expect(JSON.stringify(late.callback.body)).toMatch(/preview has expired/);
    expect(fs.readFileSync(t.library.layout.stateFile(h.fake.guild.id), 'utf8')).toBe(before);
  });

  it('bad files get a clear message and change nothing', async () => {
    const before = fs.readFileSync(t.library.layout.stateFile(h.fake.guild.id), 'utf8');
    const wrongType = await upload({ attachment: { filename: 'setup.exe', content: 'MZ\u0000\u0001', contentType: 'application/octet-stream' } });
    expect(String(wrongType.body.content)).toMatch(/^setup\.exe is not a kind of file Guidebot can read/);
    const empty = await upload(markdownFile('empty.md', '---\ntitle: Nothing\n---\n\n# Heading only\n'));
    expect(String(empty.body.content)).toMatch(/no text to index/);
    const huge = await upload(markdownFile('huge.md', 'word '.repeat(MAX_GUIDE_FILE_BYTES / 5 + 10)));
    expect(String(huge.body.content)).toMatch(/the largest guide Guidebot takes is 10 MB/);
    expect(fs.readFileSync(t.library.layout.stateFile(h.fake.guild.id), 'utf8')).toBe(before);
  });

  /** Uploads a file, presses Add and waits until it is ready. */
  async function addFile(file: { attachment: { filename: string; content: Buffer | string; contentType: string } }, options: Record<string, string> = {}) {
    const { body, message } = await upload(file, options);
    await press(h, buttonId(body, 'Add'), message!, teacher());
    await eventually(() => String(h.fake.message(message!.id)?.message.content ?? '').includes('is ready'), 'the guide to be ready', 30_000);
    return body;
  }

  it('a Word document with heading styles is previewed with its sections and answered from', async () => {
    const document = new Document({
      title: 'Dracula Reading Notes',
      sections: [
        {
          children: [
            new Paragraph({ text: 'Characters', heading: HeadingLevel.HEADING_1 }),
            new Paragraph({ text: 'Jonathan Harker', heading: HeadingLevel.HEADING_2 }),
            new Paragraph({ text: 'Jonathan Harker is a young English solicitor who travels to Transylvania to help Count Dracula buy a house near London.' }),
            new Paragraph({ text: 'Mina Murray', heading: HeadingLevel.HEADING_2 }),
            new Paragraph({ text: 'Mina Murray writes everything down in shorthand, and her typed copies of the diaries let the hunters track the Count.' }),
          ],
        },
      ],
    });
    const content = await Packer.toBuffer(document);
    const body = await addFile({ attachment: { filename: 'dracula.docx', content, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' } }, { book: 'Dracula' });
    expect(embedOf(body).title).toBe('Preview: Dracula Reading Notes');
    expect(String(embedOf(body).description)).toMatch(/• \*\*Characters\*\*\n\u2003• \*\*Jonathan Harker\*\* — 1 ¶/);
    const answer = await ask('Who writes everything down in shorthand?', { book: 'Dracula' });
    expect(textOf(answer)).toContain('Dracula Reading Notes › Characters › Mina Murray');
  });

  it('a PDF with headings and page numbers is previewed with its pages and stored with them', async () => {
    const content = await makePdf(
      [
        { kind: 'title', text: 'Jane Eyre Study Pack' },
        { kind: 'heading', text: 'Gateshead' },
        { kind: 'paragraph', text: 'Jane is locked in the red-room at Gateshead Hall by her aunt, Mrs Reed, after fighting back against her cousin John.' },
        { kind: 'page-break' },
        { kind: 'heading', text: 'Lowood' },
        { kind: 'paragraph', text: 'At Lowood School Jane befriends Helen Burns, who bears every punishment patiently and dies of consumption in Jane’s arms.' },
      ],
      { header: 'Jane Eyre Study Pack', title: 'Jane Eyre Study Pack' },
    );
    const body = await addFile({ attachment: { filename: 'jane-eyre.pdf', content: Buffer.from(content), contentType: 'application/pdf' } }, { book: 'Jane Eyre' });
    expect(embedOf(body).title).toBe('Preview: Jane Eyre Study Pack');
    expect(String(embedOf(body).description)).toMatch(/\*\*Lowood\*\* — 1 ¶, \d+ words \(p\. 2\)/);
    expect(JSON.stringify(embedOf(body).fields)).toContain('2 pages');
    const answer = await ask('Who does Jane befriend at Lowood?', { book: 'Jane Eyre' });
    expect(textOf(answer)).toContain('Jane Eyre Study Pack › Lowood ¶1');
    const guide = t.library.guides(h.fake.guild.id).find((candidate) => candidate.book === 'Jane Eyre')!;
    expect(guide).toMatchObject({ format: 'pdf', pages: 2 });
    expect(t.library.exportGuide(h.fake.guild.id, guide.id).markdown).toMatch(/<!-- page 2 -->\n\nAt Lowood School/);
  });

  it('a saved web page keeps its article and headings and drops navigation and comments', async () => {
    const page = `<!doctype html><html><head><title>Macbeth Revision | Study Site</title></head><body>
      <nav><a href="/">Home</a> <a href="/shop">Shop our revision cards</a></nav>
      <article><h1>Macbeth Revision</h1>
        <h2>The Witches</h2><p>The three witches greet Macbeth as Thane of Cawdor and future king on the blasted heath, which plants the idea of murder in his mind.</p>
        <p>Banquo is told that his descendants will be kings although he will never rule, and Macbeth later fears this prophecy.</p>
        <h2>Lady Macbeth</h2><p>Lady Macbeth calls on the spirits to unsex her, and later sleepwalks while trying to wash imaginary blood from her hands.</p>
      </article>
      <section class="comments"><h3>Comments</h3><p>Great page, thanks! Subscribe to my channel for more.</p></section>
      <footer>Copyright Study Site. Cookie settings.</footer></body></html>`;
    await addFile({ attachment: { filename: 'macbeth.html', content: page, contentType: 'text/html' } }, { book: 'Macbeth' });
    const answer = await ask('Why does Lady Macbeth sleepwalk?', { book: 'Macbeth' });
    expect(textOf(answer)).toContain('Lady Macbeth');
    const guide = t.library.guides(h.fake.guild.id).find((candidate) => candidate.book === 'Macbeth')!;
    const markdown = t.library.exportGuide(h.fake.guild.id, guide.id).markdown;
    expect(markdown).toMatch(/^#+ The Witches$/m);
    expect(markdown).not.toMatch(/Subscribe|Shop our revision|Cookie/);
    for (const added of t.library.guides(h.fake.guild.id).filter((candidate) => candidate.book !== 'Frankenstein (1818 text)')) await t.library.removeGuide(h.fake.guild.id, added.id);
  });

  it('/guides remove deletes the guide, and its book goes', async () => {
    const guide = t.library.guides(h.fake.guild.id)[0]!;
    const removed = await run(h, 'guides', { member: teacher(), subcommand: 'remove', options: { guide: guide.id } });
    expect(String(removed.content)).toMatch(/Removed \*\*Year 10 Frankenstein Notes\*\*/);
    expect(fs.existsSync(t.library.layout.guideFile(h.fake.guild.id, guide.id))).toBe(false);
    const answer = await ask('How does the creature learn to speak?', { book: 'Frankenstein (1818 text)' });
    expect(String(answer.content)).toMatch(/no book called/);
    expect(textOf(await ask('Who is Miss Lucy?'))).not.toMatch(/From the guides for/);
  });

  it('/guides shared off leaves a server with no guides, and says so', async () => {
    await run(h, 'guides', { member: teacher(), subcommand: 'shared', options: { state: 'off' } });
    const answer = await ask('Who is Miss Lucy?');
    expect(String(answer.content)).toMatch(/This server has no guides yet/);
    await run(h, 'guides', { member: teacher(), subcommand: 'shared', options: { state: 'on' } });
    expect((await ask('Who is Miss Lucy?')).embeds).toBeDefined();
    expectCleanTraffic(h);
  });
});
