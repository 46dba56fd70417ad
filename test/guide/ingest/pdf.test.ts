import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { guideToMarkdown, ingestGuide, previewOf } from '../../../src/guide/ingest/index.js';
import { joinLines } from '../../../src/guide/ingest/pdf.js';
import { MAX_PDF_PAGES } from '../../../src/guide/ingest/types.js';
import { PDFDocument } from 'pdf-lib';
import { LONG_PARAGRAPH, makePdf, makeScannedPdf, STUDY_NOTES } from './make-pdf.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures');
describe('PDF guides', async () => {
  const bytes = await makePdf(STUDY_NOTES, { header: 'Never Let Me Go — Study Notes' });
  const result = await ingestGuide({ fileName: 'study-notes.pdf', bytes });
  const text = result.guide.sections.flatMap((section) => [...section.path, ...section.paragraphs]).join('\n');

  it('takes the title from the largest line and headings from font size and weight', () => {
    expect(result.format).toBe('pdf');
    expect(result.pageCount).toBe(4);
    expect(result.guide.title).toBe('Never Let Me Go: A Study Guide');
    expect(result.guide.sections.map((section) => section.path)).toEqual([[], ['Part One: Hailsham'], ['Part One: Hailsham', 'The Gallery'], ['Part Two: The Cottages']]);
  });

  it('drops the running header, the page numbers and the table of contents, with a warning', () => {
    expect(text).not.toMatch(/Study Notes|Page \d|Contents|\.\.\.\./);
    expect(result.warnings).toEqual(['1 page looks like a table of contents and was left out']);
  });

  it('repairs words hyphenated at a line end and keeps real hyphens', () => {
    expect(result.guide.sections[2]!.paragraphs[0]).toBe(
      'Madame visits Hailsham to choose the best art for her gallery. Each character in the novel remembers these visits, and the well-known rumour about the gallery grows every single term.',
    );
  });

  it('joins the lines of a paragraph, across a page break too, and remembers the page each paragraph starts on', () => {
    expect(result.guide.sections[0]!.paragraphs).toEqual([
      'These notes follow the three parts of the novel and the questions the class discussed in the autumn term.',
      'Each part ends with a few questions to think about before the next lesson.',
    ]);
    expect(result.guide.sections[2]!.paragraphs[1]).toBe(LONG_PARAGRAPH);
    expect(result.guide.sections.map((section) => section.pages)).toEqual([[1, 1], [3], [3, 3], [4]]);
    expect(previewOf(result).sections.map((section) => section.pages)).toEqual([
      [1, 1],
      [3, 3],
      [3, 3],
      [4, 4],
    ]);
  });

  it('uses the Title property when the document has one', async () => {
    const titled = await ingestGuide({ fileName: 'x.pdf', bytes: await makePdf(STUDY_NOTES, { title: 'Class Reader' }) });
    expect(titled.guide.title).toBe('Class Reader');
  });

  it('round-trips through canonical Markdown with its pages', async () => {
    const markdown = guideToMarkdown(result.guide);
    expect(markdown).toContain('\n<!-- page 3 -->\n');
    expect(markdown).toMatch(/^---\ntitle: "Never Let Me Go: A Study Guide"\nsource_format: pdf\nsource_file: study-notes.pdf\n---\n/);
    const back = await ingestGuide({ fileName: 'study-notes.md', bytes: new TextEncoder().encode(markdown) });
    expect(back.guide.sections).toEqual(result.guide.sections);
    expect(back.guide.title).toBe(result.guide.title);
  });
});

describe('PDFs that cannot be guides', () => {
  it('refuses a scanned PDF with no text layer', async () => {
    await expect(ingestGuide({ fileName: 'scan.pdf', bytes: await makeScannedPdf(3) })).rejects.toMatchObject({
      code: 'scanned',
      message: expect.stringMatching(/^scan\.pdf is a scanned PDF with no text layer/) as unknown,
    });
  });

  it('refuses a password-protected PDF', async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'password-protected.pdf'));
    await expect(ingestGuide({ fileName: 'locked.pdf', bytes })).rejects.toMatchObject({ code: 'encrypted', message: expect.stringMatching(/^locked\.pdf is password-protected/) as unknown });
  });

  it('refuses a damaged PDF', async () => {
    const good = await makePdf(STUDY_NOTES);
    const garbage = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not the rest of a PDF\n');
    for (const bytes of [good.slice(0, 400), garbage]) {
      await expect(ingestGuide({ fileName: 'broken.pdf', bytes })).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/^broken\.pdf is not a readable PDF/) as unknown });
    }
  });

  it('refuses a PDF with too many pages', async () => {
    const document = await PDFDocument.create();
    for (let index = 0; index <= MAX_PDF_PAGES; index++) document.addPage();
    await expect(ingestGuide({ fileName: 'tome.pdf', bytes: await document.save() })).rejects.toMatchObject({
      code: 'too-long',
      message: expect.stringMatching(/^tome\.pdf has 501 pages, more than the 500/) as unknown,
    });
  });
});

describe('joinLines', () => {
  it('joins hyphenated English words, keeps compounds, and spaces other lines', () => {
    expect(joinLines('a charac-', 'ter')).toBe('a character');
    expect(joinLines('the well-', 'known')).toBe('the well-known');
    expect(joinLines('the self-', 'Portrait')).toBe('the self- Portrait');
    expect(joinLines('soft\u00AD', 'ware')).toBe('software');
    expect(joinLines('one line', 'and the next')).toBe('one line and the next');
  });
});
