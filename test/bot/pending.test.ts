/**
 * Previews waiting for Add or Cancel are kept on disk: another PendingImports over the same folder
 * (a restart) takes them with the same parsed guide, warnings and pages; expired ones and those past
 * the count limit are deleted (at start-up and on access); a preview is taken once; and start-up
 * recovery of the libraries leaves the folder alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { describe, expect, it } from 'vitest';
import { PendingImports, type PendingPreview } from '../../src/bot/library/pending.js';
import type { IngestResult } from '../../src/guide/ingest/types.js';
import { LibraryError } from '../../src/library/errors.js';
import { LibraryLayout } from '../../src/library/layout.js';
import { guideParser } from '../../src/library/parser.js';
import { discardInterrupted } from '../../src/library/recovery.js';
import { WorkerGuideParser } from '../../src/library/worker-parser.js';
import { captureLogs } from '../e2e/bot-harness.js';
import { makePdf, STUDY_NOTES } from '../guide/ingest/make-pdf.js';
import { CORPUS_DIR, tempDir } from '../helpers/engine.js';

const GUILD = '111111111111111111';
const USER = '222222222222222222';
const TTL = 15 * 60 * 1000;
const token = (n: number) => String(900000000000000000n + BigInt(n));
const text = (value: string) => new TextEncoder().encode(value);
const PROSE = 'Kathy remembers the years at Hailsham as a time of games, lessons and rumours about the world outside.';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const preview = (parsed: IngestResult, createdAt: number, extra: Partial<PendingPreview> = {}) => ({
  guildId: GUILD,
  userId: USER,
  fileName: 'notes.md',
  guideTitle: parsed.guide.title,
  parsed,
  createdAt,
  ...extra,
});

async function parsedFiles(): Promise<[string, IngestResult][]> {
  const word = new Document({
    title: 'Class Notes',
    sections: [{ children: [new Paragraph({ text: 'Part One', heading: HeadingLevel.HEADING_1 }), new Paragraph({ text: PROSE })] }],
  });
  const files: [string, Uint8Array][] = [
    ['never-let-me-go-study-guide.md', fs.readFileSync(path.join(CORPUS_DIR, 'never-let-me-go-study-guide.md'))],
    ['flat.md', text(`${PROSE}\n\n${PROSE}\n`)],
    ['notes.txt', text(`My Notes\n\nPart One\n\n${PROSE}\n`)],
    ['summary.html', fs.readFileSync(path.resolve(import.meta.dirname, '..', 'fixtures', 'web', 'never-let-me-go-summary.html'))],
    ['class-notes.docx', new Uint8Array(await Packer.toBuffer(word))],
    ['study-notes.pdf', await makePdf(STUDY_NOTES, { header: 'Never Let Me Go — Study Notes' })],
  ];
  return Promise.all(files.map(async ([fileName, bytes]) => [fileName, await guideParser.ingest({ fileName, bytes })] as [string, IngestResult]));
}

describe('previews waiting for Add', () => {
  it('are read back after a restart with the same guide, format, warnings and pages, for every format', async () => {
    const dir = tempDir('guidebot-pending-');
    const time = clock();
    const before = new PendingImports({ dir, parser: guideParser, now: time.now });
    const files = await parsedFiles();
    files.forEach(([fileName, parsed], n) => before.put(token(n), preview(parsed, time.now(), { fileName, book: 'A Book', title: n === 0 ? 'Chosen' : undefined })));
    expect(files.some(([, parsed]) => parsed.warnings.length > 0)).toBe(true);
    expect(files.find(([name]) => name.endsWith('.pdf'))![1].pageCount).toBe(4);

    const after = new PendingImports({ dir, parser: guideParser, now: time.now });
    for (const [n, [fileName, parsed]] of files.entries()) {
      expect(after.peek(token(n))).toEqual({ guildId: GUILD, userId: USER, fileName, guideTitle: parsed.guide.title, book: 'A Book', ...(n === 0 ? { title: 'Chosen' } : {}), createdAt: time.now() });
      const taken = await after.take(token(n));
      expect(taken?.parsed, fileName).toEqual(parsed);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('are taken once, and Cancel deletes them', async () => {
    const dir = tempDir('guidebot-pending-');
    const pending = new PendingImports({ dir, parser: guideParser });
    const parsed = await guideParser.ingest({ fileName: 'notes.md', bytes: text(`# A\n\n${PROSE}\n`) });
    pending.put(token(1), preview(parsed, Date.now()));
    pending.put(token(2), preview(parsed, Date.now()));
    const [first, second] = await Promise.all([pending.take(token(1)), pending.take(token(1))]);
    expect(first?.parsed.guide.title).toBe('Notes');
    expect(second).toBeUndefined();
    expect(pending.discard(token(2))).toMatchObject({ guildId: GUILD, guideTitle: 'Notes' });
    expect(pending.discard(token(2))).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('tell a parser too busy to read a preview back in terms of the teacher’s file', async () => {
    const dir = tempDir('guidebot-pending-');
    const parsed = await guideParser.ingest({ fileName: 'notes.md', bytes: text(`# A\n\n${PROSE}\n`) });
    new PendingImports({ dir, parser: guideParser }).put(token(1), preview(parsed, Date.now(), { fileName: 'chapter-one.pdf' }));
    const busy = new WorkerGuideParser({ maxWaiting: 0 });
    await expect(new PendingImports({ dir, parser: busy }).take(token(1))).rejects.toThrow(
      new LibraryError('I am busy reading other guide files, so chapter-one.pdf was not added. Please upload it again in a minute.'),
    );
    await busy.close();
  });

  it('expire after the time limit: deleted on access, and at start-up', async () => {
    const dir = tempDir('guidebot-pending-');
    const time = clock();
    const pending = new PendingImports({ dir, parser: guideParser, ttlMs: TTL, now: time.now });
    const parsed = await guideParser.ingest({ fileName: 'notes.md', bytes: text(`# A\n\n${PROSE}\n`) });
    pending.put(token(1), preview(parsed, time.now()));
    pending.put(token(2), preview(parsed, time.now()));
    time.advance(TTL - 1);
    expect(pending.peek(token(1))).toBeDefined();
    time.advance(2);
    expect(pending.peek(token(1))).toBeUndefined();
    expect(fs.readdirSync(dir).sort()).toEqual([`${token(2)}.json`, `${token(2)}.md`]);
    new PendingImports({ dir, parser: guideParser, ttlMs: TTL, now: time.now });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('keep at most the limit, forgetting the oldest', async () => {
    const dir = tempDir('guidebot-pending-');
    const time = clock();
    const pending = new PendingImports({ dir, parser: guideParser, max: 2, now: time.now });
    const parsed = await guideParser.ingest({ fileName: 'notes.md', bytes: text(`# A\n\n${PROSE}\n`) });
    for (const n of [1, 2, 3]) {
      pending.put(token(n), preview(parsed, time.now()));
      time.advance(1000);
    }
    expect([1, 2, 3].map((n) => pending.peek(token(n)) !== undefined)).toEqual([false, true, true]);
    expect(pending.size).toBe(2);
  });

  it('refuse tokens that are not interaction ids, and drop an unreadable record and old leftovers of interrupted writes', async () => {
    const dir = tempDir('guidebot-pending-');
    const logs = captureLogs('warn');
    const pending = new PendingImports({ dir, parser: guideParser, logger: logs.logger });
    const parsed = await guideParser.ingest({ fileName: 'notes.md', bytes: text(`# A\n\n${PROSE}\n`) });
    expect(() => pending.put('../escape', preview(parsed, Date.now()))).toThrow(/not a preview token/);
    expect(pending.peek('../../library')).toBeUndefined();
    fs.writeFileSync(path.join(dir, `${token(1)}.json`), '{"version":1,');
    expect(pending.peek(token(1))).toBeUndefined();
    expect(logs.lines.map((line) => line.msg)).toEqual(['discarded an unreadable guide preview']);
    const old = new Date(Date.now() - 2 * TTL);
    for (const name of [`${token(2)}.md`, `.${token(3)}.json.1.2.tmp`, `${token(4)}.md`]) fs.writeFileSync(path.join(dir, name), 'x');
    for (const name of [`${token(2)}.md`, `.${token(3)}.json.1.2.tmp`]) fs.utimesSync(path.join(dir, name), old, old);
    new PendingImports({ dir, parser: guideParser });
    // A young one may be another shard process's write in progress.
    expect(fs.readdirSync(dir)).toEqual([`${token(4)}.md`]);
  });

  it('are never taken for a server’s library by start-up recovery', async () => {
    const root = tempDir('guidebot-library-');
    const layout = new LibraryLayout(root);
    const pending = new PendingImports({ dir: layout.pendingDir(), parser: guideParser });
    const parsed = await guideParser.ingest({ fileName: 'notes.md', bytes: text(`# A\n\n${PROSE}\n`) });
    pending.put(token(1), preview(parsed, Date.now()));
    const logs = captureLogs('debug');
    discardInterrupted(layout, logs.logger);
    expect(logs.lines).toEqual([]);
    expect(fs.readdirSync(root)).toEqual(['pending']);
    expect(pending.peek(token(1))).toBeDefined();
  });
});
