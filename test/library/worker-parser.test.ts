/**
 * The parser thread gives what the in-process parser gives: the same guide, warnings, pages and
 * preview for every format, the same IngestError (code and message) for a bad file; a parse over the
 * time limit is stopped with a friendly error; too many files at once are refused; and the parsing
 * happens on another thread than this one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { afterAll, describe, expect, it } from 'vitest';
import { IngestError } from '../../src/guide/ingest/types.js';
import { guideParser } from '../../src/library/parser.js';
import { ParserClosedError, WorkerGuideParser } from '../../src/library/worker-parser.js';
import { makePdf, makeScannedPdf, LONG_PARAGRAPH, STUDY_NOTES, type PdfBlock } from '../guide/ingest/make-pdf.js';
import { CORPUS_DIR } from '../helpers/engine.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');
const PROSE = 'Kathy remembers the years at Hailsham as a time of games, lessons and rumours about the world outside.';
const text = (value: string) => new TextEncoder().encode(value);

async function wordFile(): Promise<Uint8Array> {
  const document = new Document({
    title: 'Class Notes',
    sections: [
      {
        children: [
          new Paragraph({ text: 'Part One', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ text: PROSE }),
          new Paragraph({ text: 'Hailsham', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ text: PROSE }),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

/** A PDF of many pages (about 45), for a parse that takes a while. */
function longPdf(): Promise<Uint8Array> {
  const blocks: PdfBlock[] = [{ kind: 'title', text: 'A Long Study Pack' }];
  for (let chapter = 1; chapter <= 30; chapter++)
    blocks.push({ kind: 'heading', text: `Chapter ${chapter}` }, { kind: 'paragraph', text: LONG_PARAGRAPH }, { kind: 'paragraph', text: LONG_PARAGRAPH });
  return makePdf(blocks, { header: 'A Long Study Pack' });
}

/** Both parsers get their own copy: the worker parser takes the bytes over. */
const copy = (bytes: Uint8Array) => new Uint8Array(bytes);

async function refusal(promise: Promise<unknown>): Promise<IngestError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IngestError);
  return error as IngestError;
}

const parser = new WorkerGuideParser();
afterAll(() => parser.close());

describe('the worker parser', () => {
  it('gives the same guide, warnings, pages and preview as the in-process parser, for every format', async () => {
    const files: [string, Uint8Array][] = [
      ['never-let-me-go-study-guide.md', fs.readFileSync(path.join(CORPUS_DIR, 'never-let-me-go-study-guide.md'))],
      ['flat.md', text(`${PROSE}\n\n${PROSE}\n`)],
      ['notes.txt', text(`My Notes\n\nPart One\n\n${PROSE}\n`)],
      ['never-let-me-go-summary.html', fs.readFileSync(path.join(FIXTURES, 'web', 'never-let-me-go-summary.html'))],
      ['class-notes.docx', await wordFile()],
      ['study-notes.pdf', await makePdf(STUDY_NOTES, { header: 'Never Let Me Go — Study Notes' })],
    ];
    for (const [fileName, bytes] of files) {
      const expected = await guideParser.ingest({ fileName, bytes: copy(bytes) });
      const actual = await parser.ingest({ fileName, bytes: copy(bytes) });
      expect(actual, fileName).toEqual(expected);
      expect(parser.preview(actual), fileName).toEqual(guideParser.preview(expected));
    }
    const titled = await parser.ingest({ fileName: 'flat.md', bytes: text(`${PROSE}\n`), title: 'Chosen Title' });
    expect(titled.guide.title).toBe('Chosen Title');
    expect(parser.toMarkdown(titled.guide)).toBe(guideParser.toMarkdown(titled.guide));
  });

  it('refuses a bad file with the same IngestError code and message', async () => {
    const good = await makePdf(STUDY_NOTES);
    const bad: [string, Uint8Array][] = [
      ['marks.xlsx', text('PK')],
      ['empty.md', text('')],
      ['scores.txt', text(['Name,Score,Date', ...Array.from({ length: 40 }, (_, i) => `Student ${i},${50 + i},2024-03-${(i % 28) + 1}`)].join('\n'))],
      ['photo.txt', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a])],
      ['broken.pdf', good.slice(0, 400)],
      ['locked.pdf', fs.readFileSync(path.join(FIXTURES, 'password-protected.pdf'))],
      ['scan.pdf', await makeScannedPdf(2)],
      ['cut.docx', (await wordFile()).slice(0, 300)],
    ];
    for (const [fileName, bytes] of bad) {
      const expected = await refusal(guideParser.ingest({ fileName, bytes: copy(bytes) }));
      const actual = await refusal(parser.ingest({ fileName, bytes: copy(bytes) }));
      expect({ code: actual.code, message: actual.message, name: actual.name }, fileName).toEqual({ code: expected.code, message: expected.message, name: expected.name });
    }
  });

  it('takes the bytes over without copying them when they fill their buffer', async () => {
    const bytes = text(`# Part One\n\n${PROSE}\n`);
    await parser.ingest({ fileName: 'moved.md', bytes });
    expect(bytes.byteLength).toBe(0);
  });

  it('parses on another thread than the caller’s', async () => {
    const before = parser.workers()[0]!.parsed;
    const result = await parser.ingest({ fileName: 'long.pdf', bytes: await longPdf() });
    expect(result.pageCount).toBeGreaterThan(20);
    const [slot] = parser.workers();
    expect(slot!.parsed).toBe(before + 1);
    expect(slot!.lastThreadId).toEqual(expect.any(Number));
    expect(slot!.lastThreadId).not.toBe(threadId);
  });
});

describe('the worker parser’s limits', () => {
  it('stops a parse over the time limit with a friendly message, and starts a fresh thread for the next file', async () => {
    const limited = new WorkerGuideParser({ timeLimitMs: 1 });
    try {
      const error = await refusal(limited.ingest({ fileName: 'long.pdf', bytes: await longPdf() }));
      expect(error.code).toBe('timed-out');
      expect(error.message).toBe('Reading long.pdf took longer than 1 ms, so I stopped. Split it into smaller files, or save it as a Word document or Markdown and upload that. Nothing was added.');
      expect(limited.workers()[0]!.threadId).toBeUndefined();
      const again = await refusal(limited.ingest({ fileName: 'long.pdf', bytes: await longPdf() }));
      expect(again.code).toBe('timed-out');
    } finally {
      await limited.close();
    }
  });

  it('refuses files past the number that may parse or wait at once, and reads the others in order', async () => {
    const small = new WorkerGuideParser({ maxWaiting: 2 });
    try {
      const file = (name: string) => small.ingest({ fileName: `${name}.md`, bytes: text(`# ${name}\n\n${PROSE}\n`) });
      const [first, second, third] = await Promise.allSettled([file('One'), file('Two'), file('Three')]);
      expect(first).toMatchObject({ status: 'fulfilled', value: { guide: { title: 'One' } } });
      expect(second).toMatchObject({ status: 'fulfilled', value: { guide: { title: 'Two' } } });
      expect(third).toMatchObject({ status: 'rejected', reason: { code: 'busy', message: 'I am reading 2 other guide files right now, the most at once. Please upload Three.md again in a minute.' } });
    } finally {
      await small.close();
    }
  });

  it('after close, files waiting and new ones fail as closed', async () => {
    const closing = new WorkerGuideParser();
    const waiting = expect(closing.ingest({ fileName: 'a.md', bytes: text(`# A\n\n${PROSE}\n`) })).rejects.toBeInstanceOf(ParserClosedError);
    await closing.close();
    await waiting;
    await expect(closing.ingest({ fileName: 'b.md', bytes: text(`# B\n\n${PROSE}\n`) })).rejects.toBeInstanceOf(ParserClosedError);
  });
});
