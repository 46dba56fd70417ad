import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { guideToMarkdown, ingestGuide, IngestError, MAX_GUIDE_BYTES, NO_HEADINGS_WARNING, previewOf, type IngestErrorCode } from '../../../src/guide/ingest/index.js';
import type { Guide } from '../../../src/guide/types.js';
import { CORPUS_DIR } from '../../helpers/engine.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const PROSE = 'Kathy remembers the years at Hailsham as a time of games, lessons and rumours about the world outside.';

async function failure(fileName: string, content: Uint8Array | string): Promise<IngestError> {
  const error: unknown = await ingestGuide({ fileName, bytes: typeof content === 'string' ? bytes(content) : content }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IngestError);
  return error as IngestError;
}

describe('ingestGuide', () => {
  it('reads Markdown and plain text by their extension', async () => {
    const markdown = await ingestGuide({ fileName: 'notes.markdown', bytes: bytes(`# Part One\n\n${PROSE}\n`) });
    expect(markdown.format).toBe('markdown');
    expect(markdown.guide.sections).toEqual([{ path: ['Part One'], paragraphs: [PROSE] }]);
    const text = await ingestGuide({ fileName: 'notes.txt', bytes: bytes(`My Notes\n\nPart One\n\n${PROSE}\n`) });
    expect(text.format).toBe('text');
    expect(text.guide.title).toBe('My Notes');
    expect(text.guide.sections).toEqual([{ path: ['Part One'], paragraphs: [PROSE] }]);
    expect(text.guide.meta).toEqual({ source_format: 'text', source_file: 'notes.txt' });
  });

  it("uses the teacher's title over the document's own", async () => {
    const result = await ingestGuide({ fileName: 'notes.md', bytes: bytes(`---\ntitle: Own Title\n---\n# A\n\n${PROSE}\n`), title: '  Chosen Title ' });
    expect(result.guide.title).toBe('Chosen Title');
  });

  it('reads Windows-1252 text files', async () => {
    const latin = Uint8Array.from([...bytes('Caf'), 0xe9, ...bytes(` notes. ${PROSE}`)]);
    const result = await ingestGuide({ fileName: 'cafe.txt', bytes: latin });
    expect(result.guide.sections[0]!.paragraphs[0]).toMatch(/^Café notes\./);
  });

  it('warns when there are no headings and when a section is very long', async () => {
    const flat = await ingestGuide({ fileName: 'flat.md', bytes: bytes(`${PROSE}\n\n${PROSE}\n`) });
    expect(flat.warnings).toContain(NO_HEADINGS_WARNING);
    const long = await ingestGuide({ fileName: 'long.md', bytes: bytes(`# Everything\n\n${Array.from({ length: 200 }, () => PROSE).join('\n\n')}\n`) });
    expect(long.warnings).toEqual([expect.stringMatching(/^the section "Everything" has 3,600 words/)]);
    const fine = await ingestGuide({ fileName: 'fine.md', bytes: bytes(`# A\n\n${PROSE}\n`) });
    expect(fine.warnings).toEqual([]);
  });

  const refusals: [string, string, Uint8Array | string, IngestErrorCode, RegExp][] = [
    ['a spreadsheet', 'marks.xlsx', 'PK', 'unsupported-type', /marks\.xlsx .*\.docx.*\.html.*\.md.*\.txt/],
    ['a file with no extension', 'notes', PROSE, 'unsupported-type', /notes is not a kind of file/],
    ['an empty file', 'empty.md', '', 'empty', /empty\.md has no text/],
    ['headings only', 'bare.md', '# One\n\n## Two\n', 'empty', /bare\.md has no text/],
    ['a CSV saved as text', 'scores.txt', ['Name,Score,Date', ...Array.from({ length: 40 }, (_, i) => `Student ${i},${50 + i},2024-03-${(i % 28) + 1}`)].join('\n'), 'not-prose', /mostly not prose/],
    ['numbers and symbols', 'table.md', Array.from({ length: 30 }, (_, i) => `| ${i} | ${i * 3.5} | ${i % 7} | -- | ${i * 11} | ${i + 0.25} |`).join('\n'), 'not-prose', /mostly not prose/],
    ['binary data named .txt', 'photo.txt', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a]), 'corrupt', /photo\.txt is not a text file/],
    ['bad front matter', 'bad.md', `---\ntitle: [unclosed\n---\n# A\n\n${PROSE}\n`, 'invalid-front-matter', /front matter of bad\.md/],
    ['a bad spoiler map', 'spoil.md', `---\nspoilers:\n  default: chapter-nine\n---\n# A\n\n${PROSE}\n`, 'invalid-front-matter', /spoilers map in spoil\.md/],
  ];
  it.each(refusals)('refuses %s', async (_, fileName, content, code, message) => {
    const error = await failure(fileName, content);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('refuses a file over the size limit before reading it', async () => {
    const error = await failure('huge.md', new Uint8Array(MAX_GUIDE_BYTES + 1));
    expect(error.code).toBe('too-large');
    expect(error.message).toBe('huge.md is 10 MB, more than the 10 MB a guide may be: split it, or remove its images.');
    await expect(ingestGuide({ fileName: 'max.txt', bytes: bytes(`${PROSE}\n`.padEnd(MAX_GUIDE_BYTES, ' ')) })).resolves.toMatchObject({ format: 'text' });
  });

  it('accepts the curated corpus without warnings', async () => {
    for (const name of ['never-let-me-go-study-guide.md', 'never-let-me-go-book-analysis.md']) {
      const result = await ingestGuide({ fileName: name, bytes: fs.readFileSync(path.join(CORPUS_DIR, name)) });
      expect(result.warnings).toEqual([]);
    }
  });
});

describe('previewOf', () => {
  it('has the shape the preview command prints', async () => {
    const result = await ingestGuide({
      fileName: 'g.md',
      bytes: bytes(`---\ntitle: G\n---\nIntro words here.\n\n# A\n\n${PROSE}\n\n## B\n\n<!-- page 2 -->\n\n${PROSE}\n\n<!-- page 5 -->\n\nFive.\n`),
    });
    expect(previewOf(result)).toEqual({
      title: 'G',
      format: 'markdown',
      sections: [
        { path: [], paragraphs: 1, words: 3 },
        { path: ['A'], paragraphs: 1, words: 18 },
        { path: ['A', 'B'], paragraphs: 2, words: 19, pages: [2, 5] },
      ],
      warnings: [],
    });
  });
});

describe('guideToMarkdown', () => {
  const tricky: Guide = {
    source: 'tricky.pdf',
    title: 'Tricky: "Quotes" & Co',
    author: 'A. Author',
    meta: { book: 'Never Let Me Go', source_format: 'pdf' },
    sections: [
      { path: [], paragraphs: ['Before any heading, on page one.'], pages: [1] },
      {
        path: ['# Not *emphasis* [link](x) #'],
        paragraphs: ['1. not a list', '- not an item', '> not a quote', '<!-- page 9 --> stays text', 'Fish &amp; chips, a\\b, `tick`, _under_, <b>tag</b>', '==='],
        pages: [1, 2, 2, 3, 3, 4],
      },
      { path: ['# Not *emphasis* [link](x) #', 'Skipped ## Level'], paragraphs: [], pages: undefined },
      { path: ['# Not *emphasis* [link](x) #', 'Skipped ## Level', 'Deep'], paragraphs: ['Deep text.'], pages: [4] },
      { path: ['Second'], paragraphs: ['Back to page two.'], pages: [2] },
    ],
  };
  const withoutUndefined = (guide: Guide) => JSON.parse(JSON.stringify(guide.sections)) as unknown;

  it('reads back to the same sections, paragraphs and pages', async () => {
    const markdown = guideToMarkdown(tricky);
    const back = await ingestGuide({ fileName: 'tricky.md', bytes: bytes(markdown) });
    expect(back.guide.sections).toEqual(withoutUndefined(tricky));
    expect(back.guide.title).toBe(tricky.title);
    expect(back.guide.author).toBe('A. Author');
    expect(back.guide.meta).toEqual({ book: 'Never Let Me Go', source_format: 'pdf' });
  });

  it('writes front matter, headings by depth and page markers', () => {
    const markdown = guideToMarkdown(tricky);
    expect(markdown.startsWith('---\ntitle: \'Tricky: "Quotes" & Co\'\nbook: Never Let Me Go\nauthor: A. Author\nsource_format: pdf\n---\n')).toBe(true);
    expect(markdown).toContain('\n### Deep\n');
    expect(markdown.match(/^<!-- page \d+ -->$/gm)).toEqual(['<!-- page 1 -->', '<!-- page 2 -->', '<!-- page 3 -->', '<!-- page 4 -->', '<!-- page 2 -->']);
  });

  it('round-trips the curated corpus', async () => {
    for (const name of ['never-let-me-go-study-guide.md', 'never-let-me-go-book-analysis.md']) {
      const original = await ingestGuide({ fileName: name, bytes: fs.readFileSync(path.join(CORPUS_DIR, name)) });
      const back = await ingestGuide({ fileName: name, bytes: bytes(guideToMarkdown(original.guide)) });
      expect(back.guide).toEqual(original.guide);
    }
  });
});
