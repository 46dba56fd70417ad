/**
 * /guides add with the bot's own parser (the parser thread) against the fake Discord: a large PDF
 * is read on another thread than the bot's; a preview's Add and Cancel still work after the bot
 * restarts (a new bot, library and store over the same folders); and a preview's buttons do nothing
 * for another teacher or another server.
 */
import fs from 'node:fs';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/bot.js';
import { GUIDES_ADD } from '../../src/bot/commands/guides.js';
import { customId } from '../../src/bot/custom-id.js';
import { PendingImports } from '../../src/bot/library/pending.js';
import { guideParser } from '../../src/library/parser.js';
import { WorkerGuideParser } from '../../src/library/worker-parser.js';
import { Store } from '../../src/store/index.js';
import { LONG_PARAGRAPH, makePdf, type PdfBlock } from '../guide/ingest/make-pdf.js';
import { FRANKENSTEIN_GUIDE, openTestLibrary, type TestLibrary } from '../helpers/library.js';
import { captureLogs } from './bot-harness.js';
import type { LooseJson, StoredMessage } from './fake-discord.js';
import { buttonId, command, eventually, expectCleanTraffic, press, removeDbFile, startTeacherHarness, type TeacherHarness } from './teacher-harness.js';

const markdownFile = (filename: string, content: string) => ({ attachment: { filename, content, contentType: 'text/markdown' } });

/** A study pack of about 45 pages. */
function longPdf(): Promise<Uint8Array> {
  const blocks: PdfBlock[] = [{ kind: 'title', text: 'Wuthering Heights Study Pack' }];
  for (let chapter = 1; chapter <= 30; chapter++)
    blocks.push({ kind: 'heading', text: `Chapter ${chapter}` }, { kind: 'paragraph', text: LONG_PARAGRAPH }, { kind: 'paragraph', text: LONG_PARAGRAPH });
  return makePdf(blocks, { header: 'Wuthering Heights Study Pack', title: 'Wuthering Heights Study Pack' });
}

describe('/guides add with the parser thread, across a restart', () => {
  let t: TestLibrary;
  let h: TeacherHarness;
  let parser: WorkerGuideParser;
  /** The bot now running (the harness's first, then the one after the restart). */
  let bot: Bot;
  let restarted: { parser: WorkerGuideParser; store: Store } | undefined;

  beforeAll(async () => {
    t = await openTestLibrary();
    parser = new WorkerGuideParser();
    h = await startTeacherHarness(t.library.sharedEngine()! as never, { bot: { library: t.library, parser } });
    bot = h.bot;
  });
  afterAll(async () => {
    await bot?.stop(2000);
    await h?.fake.close();
    await parser?.close();
    await restarted?.parser.close();
    await removeDbFile(h);
    fs.rmSync(t.root, { recursive: true, force: true });
  });

  const teacher = () => h.fake.members.teacher;
  const guildId = () => h.fake.guild.id;

  async function upload(file: { attachment: { filename: string; content: Buffer | string; contentType: string } }) {
    const { id } = await command(h, 'guides', { member: teacher(), subcommand: 'add', options: { file } });
    // Generously: a large PDF on a busy machine takes a while to read.
    const { body } = await h.fake.waitForEdit(id, { timeoutMs: 60_000 });
    return { body, message: h.fake.originalResponse(id)! };
  }

  const content = (message: StoredMessage) => String(h.fake.message(message.id)?.message.content ?? '');

  /** Stops the bot and starts another over the same library folder, database file and fake Discord, as a restart does. */
  async function restart(): Promise<void> {
    await bot.stop(2000);
    const library = await openTestLibrary({ root: t.root, indexDir: t.indexDir });
    const store = await Store.open(h.dbFile, { defaults: { rateLimitPerUser: 50, rateLimitWindowSeconds: 30 } });
    restarted = { parser: new WorkerGuideParser(), store };
    t = { ...t, library: library.library };
    bot = createBot({ config: h.config, engine: library.library.sharedEngine()!, logger: captureLogs('silent').logger, store, library: library.library, parser: restarted.parser });
    await bot.start();
  }

  let pdfPreview: { body: LooseJson; message: StoredMessage };
  let markdownPreview: { body: LooseJson; message: StoredMessage };

  it('reads a large PDF on the parser thread, not the bot’s', { timeout: 120_000 }, async () => {
    const bytes = await longPdf();
    pdfPreview = await upload({ attachment: { filename: 'wuthering-heights.pdf', content: Buffer.from(bytes), contentType: 'application/pdf' } });
    const embed = ((pdfPreview.body.embeds ?? []) as LooseJson[])[0]!;
    expect(embed.title).toBe('Preview: Wuthering Heights Study Pack');
    expect(JSON.stringify(embed.fields)).toMatch(/pdf, \d\d pages/);
    const [slot] = parser.workers();
    expect(slot!.parsed).toBe(1);
    expect(slot!.lastThreadId).toEqual(expect.any(Number));
    expect(slot!.lastThreadId).not.toBe(threadId);
    markdownPreview = await upload(markdownFile('frankenstein.md', FRANKENSTEIN_GUIDE));
    expect(fs.readdirSync(t.library.layout.pendingDir())).toHaveLength(4);
    expect(t.library.guides(guildId())).toEqual([]);
  });

  it('another teacher’s press, or a preview from another server, is refused and leaves the preview', async () => {
    const other = await press(h, buttonId(markdownPreview.body, 'Add'), markdownPreview.message, h.fake.members.owner);
    expect(JSON.stringify(other.callback.body)).toMatch(/preview has expired/);
    const cancel = await press(h, buttonId(markdownPreview.body, 'Cancel'), markdownPreview.message, h.fake.members.owner);
    expect(JSON.stringify(cancel.callback.body)).toMatch(/preview has expired/);

    const elsewhere = new PendingImports({ dir: t.library.layout.pendingDir(), parser: guideParser });
    const token = '912345678901234567';
    elsewhere.put(token, {
      guildId: '987654321098765432',
      userId: teacher().id,
      fileName: 'x.md',
      guideTitle: 'X',
      parsed: await guideParser.ingest({ fileName: 'x.md', bytes: Buffer.from(FRANKENSTEIN_GUIDE) }),
      createdAt: Date.now(),
    });
    const foreign = await press(h, customId(GUIDES_ADD, token), markdownPreview.message, teacher());
    expect(JSON.stringify(foreign.callback.body)).toMatch(/preview has expired/);
    expect(elsewhere.discard(token)).toBeDefined();
    expect(fs.readdirSync(t.library.layout.pendingDir())).toHaveLength(4);
  });

  it('after a restart, Add indexes the previewed PDF with its pages, and Cancel drops the other', { timeout: 120_000 }, async () => {
    await restart();
    await press(h, buttonId(pdfPreview.body, 'Add'), pdfPreview.message, teacher());
    const ready = await eventually(() => (content(pdfPreview.message).includes('is ready') ? content(pdfPreview.message) : undefined), 'the guide to be ready', 60_000);
    expect(ready).toMatch(/✅ \*\*Wuthering Heights Study Pack\*\* is ready/);
    const [guide] = t.library.guides(guildId());
    expect(guide).toMatchObject({ title: 'Wuthering Heights Study Pack', format: 'pdf', fileName: 'wuthering-heights.pdf' });
    expect(guide!.pages).toBeGreaterThan(20);
    expect(t.library.exportGuide(guildId(), guide!.id).markdown).toMatch(/<!-- page 2 -->/);
    // Read back on the new bot's parser thread.
    expect(restarted!.parser.workers()[0]!.parsed).toBe(1);

    const cancelled = await press(h, buttonId(markdownPreview.body, 'Cancel'), markdownPreview.message, teacher());
    expect(JSON.stringify(cancelled.callback.body)).toMatch(/Cancelled: \*\*Frankenstein — Study Notes\*\* was not added/);
    expect(fs.readdirSync(t.library.layout.pendingDir())).toEqual([]);
    const late = await press(h, buttonId(pdfPreview.body, 'Add'), pdfPreview.message, teacher());
    expect(JSON.stringify(late.callback.body)).toMatch(/preview has expired/);
    expect(t.library.guides(guildId())).toHaveLength(1);
    expectCleanTraffic(h);
  });
});
