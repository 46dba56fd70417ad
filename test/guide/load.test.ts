import fs from 'node:fs';
import path from 'node:path';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { describe, expect, it } from 'vitest';
import { parseMarkdownGuide } from '../../src/guide/ingest/markdown.js';
import { looksLikeHeading, parseTextGuide } from '../../src/guide/ingest/text.js';
import { IngestError } from '../../src/guide/ingest/types.js';
import { CorpusError, listGuideFiles, loadCorpus, loadGuideFile } from '../../src/guide/load.js';
import { CORPUS_DIR, tempDir } from '../helpers/engine.js';
import { makePdf } from './ingest/make-pdf.js';

const SEEDS = path.resolve(import.meta.dirname, '..', 'fixtures', 'seeds');
const paths = (guide: { sections: { path: string[] }[] }) => guide.sections.map((section) => section.path.join(' › '));

describe('Markdown guides', () => {
  it('reads front matter, nested headings and paragraphs', () => {
    const guide = parseMarkdownGuide(
      [
        '---',
        'title: "A Guide"',
        'author: Ann Author',
        'source: somewhere',
        '---',
        '',
        'Intro text.',
        '',
        '# Part',
        '',
        '## Sub',
        '',
        'First line',
        'continues here.',
        '',
        'Second **bold** [link](http://x).',
        '',
        '# Other',
        '',
        '1. A listed quote.',
        '2. Another one.',
      ].join('\n'),
      'a.md',
    );
    expect(guide.title).toBe('A Guide');
    expect(guide.author).toBe('Ann Author');
    expect(guide.meta).toEqual({ source: 'somewhere' });
    expect(paths(guide)).toEqual(['', 'Part', 'Part › Sub', 'Other']);
    expect(guide.sections[2]!.paragraphs).toEqual(['First line continues here.', 'Second bold link.']);
    expect(guide.sections[3]!.paragraphs).toEqual(['A listed quote.', 'Another one.']);
  });

  it('falls back to the file name for a missing title and rejects bad front matter', () => {
    expect(parseMarkdownGuide('# H\n\nText.', 'my-guide.md').title).toBe('My guide');
    expect(() => parseMarkdownGuide('---\ntitle: [unclosed\n---\n# H\n\nText.', 'bad.md')).toThrow(IngestError);
  });

  it("loads the corpus with the guides' structure and repaired dashes", async () => {
    const guides = await loadCorpus(CORPUS_DIR);
    expect(guides.map((guide) => guide.title)).toEqual(['Never Let Me Go — Book Analysis', 'Never Let Me Go — Study Guide']);
    const study = guides[1]!;
    expect(paths(study)).toContain('Character Analysis › Ruth C. - The Manipulator Seeking Belonging');
    expect(paths(study)).toContain('Plot Summary › Part Three: Becoming Adults');
    expect(paths(study).filter((p) => p.startsWith('Frequently Asked Questions › ')).length).toBe(20);
    const text = study.sections.flatMap((section) => section.paragraphs).join('\n');
    expect(text).not.toContain('\u301E');
    expect(text).toContain('clones—simultaneously');
    expect(text).not.toMatch(/Buy the book|min read|00:00/);
  });
});

describe('plain-text guides', () => {
  it('finds headings by the documented heuristic: a heading followed by a heading is its parent', () => {
    const guide = parseTextGuide(
      [
        'My Guide',
        'by Jo Writer',
        '',
        'Overview',
        '',
        'Some text here.',
        '',
        'Characters',
        'Anna Smith',
        'Anna is brave.',
        '',
        'Ben Jones',
        '',
        'Ben is kind.',
        '',
        'Questions',
        'Who is Anna?',
        '',
        'She is the hero.',
      ].join('\n'),
      'g.txt',
    );
    expect(guide.title).toBe('My Guide');
    expect(guide.author).toBe('Jo Writer');
    expect(paths(guide)).toEqual(['Overview', 'Characters', 'Characters › Anna Smith', 'Characters › Ben Jones', 'Questions', 'Questions › Who is Anna?']);
    expect(guide.sections[2]!.paragraphs).toEqual(['Anna is brave.']);
  });

  it('treats sentences, quotes and list items as text, not headings', () => {
    expect(looksLikeHeading('Part One: Life at Hailsham')).toBe(true);
    expect(looksLikeHeading('What is the significance of the deferral rumor?')).toBe(true);
    expect(looksLikeHeading('Kathy frequently admits to gaps in her recollection, stating:')).toBe(false);
    expect(looksLikeHeading('It ends here.')).toBe(false);
    expect(looksLikeHeading('"A quoted line"')).toBe(false);
    expect(looksLikeHeading('1. We took away your art')).toBe(false);
  });

  it('parses the raw seed guide into the same sections as the curated Markdown', async () => {
    const raw = await loadGuideFile(path.join(SEEDS, '000_f7bd186e586e31dd.txt'));
    const curated = (await loadCorpus(CORPUS_DIR))[1]!;
    expect(paths(raw)).toEqual(paths(curated));
    expect(raw.sections.map((section) => section.paragraphs.length)).toEqual(curated.sections.map((section) => section.paragraphs.length));
    expect(raw.sections.flatMap((section) => section.paragraphs).join(' ')).not.toMatch(/Buy the book|⏱|00:00/);
  });

  it('parses the raw short seed, finding its summaries', async () => {
    const raw = await loadGuideFile(path.join(SEEDS, '001_c79fbddeb1231adc.txt'));
    const headings = paths(raw).join('\n');
    expect(headings).toContain('Spoiler-free Summary');
    expect(headings).toContain('Full Summary');
    expect(raw.sections.flatMap((section) => section.paragraphs).some((p) => p.includes('fourth donation'))).toBe(true);
  });
});

describe('a corpus of every format', () => {
  it('loads PDF, Word, web-page, Markdown and text guides, and skips other files', async () => {
    const dir = tempDir();
    const prose = 'Kathy remembers the years at Hailsham as a time of games, lessons and rumours about the world outside.';
    fs.writeFileSync(
      path.join(dir, 'a.pdf'),
      await makePdf([
        { kind: 'title', text: 'PDF Notes' },
        { kind: 'heading', text: 'From a PDF' },
        { kind: 'paragraph', text: prose },
      ]),
    );
    const word = new Document({ sections: [{ children: [new Paragraph({ text: 'From Word', heading: HeadingLevel.HEADING_1 }), new Paragraph({ text: prose })] }] });
    fs.writeFileSync(path.join(dir, 'b.docx'), await Packer.toBuffer(word));
    fs.copyFileSync(path.resolve(import.meta.dirname, '..', 'fixtures', 'web', 'never-let-me-go-summary.html'), path.join(dir, 'c.htm'));
    fs.writeFileSync(path.join(dir, 'd.md'), `# From Markdown\n\n${prose}\n`);
    fs.writeFileSync(path.join(dir, 'e.txt'), `Notes\n\nFrom Text\n\n${prose}\n`);
    for (const other of ['marks.xlsx', '.d.md.123.tmp', 'README.md']) fs.writeFileSync(path.join(dir, other), 'not a guide');
    expect(listGuideFiles(dir)).toEqual(['a.pdf', 'b.docx', 'c.htm', 'd.md', 'e.txt']);
    const guides = await loadCorpus(dir);
    expect(guides.map((guide) => guide.sections.find((section) => section.path.length > 0)?.path[0])).toEqual(['From a PDF', 'From Word', 'Spoiler-free Summary', 'From Markdown', 'From Text']);
    expect(guides[0]!.title).toBe('PDF Notes');
    expect(guides[0]!.sections[0]!.pages).toEqual([1]);
  });
});

describe('corpus errors', () => {
  it('rejects a malformed spoiler map, naming the guide', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'g.md'), '---\ntitle: G\nspoilers:\n  sections:\n    "A": chapter-nine\n---\n# A\n\nText.\n');
    await expect(loadCorpus(dir)).rejects.toThrow(/spoilers map in g\.md/);
  });

  it('names the folder when it is missing or empty', async () => {
    await expect(loadCorpus('/nonexistent/guides')).rejects.toThrow(/\/nonexistent\/guides/);
    const empty = tempDir();
    await expect(loadCorpus(empty)).rejects.toThrow(/no guides/);
    fs.writeFileSync(path.join(empty, 'blank.md'), '---\ntitle: Blank\n---\n# Nothing\n');
    await expect(loadCorpus(empty)).rejects.toThrow(CorpusError);
    await expect(loadCorpus(empty)).rejects.toThrow(/blank\.md has no text/);
  });
});
