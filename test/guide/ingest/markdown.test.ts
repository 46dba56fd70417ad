import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMarkdownGuide } from '../../../src/guide/ingest/markdown.js';
import type { Guide } from '../../../src/guide/types.js';
import { CORPUS_DIR } from '../../helpers/engine.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures');
const paths = (guide: Guide) => guide.sections.map((section) => section.path.join(' › '));

describe('the curated corpus through the CommonMark parser', () => {
  // corpus-parse.json was written from the line-based parser this one replaced, before the switch.
  const before = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'corpus-parse.json'), 'utf8')) as Pick<Guide, 'source' | 'title' | 'author' | 'meta' | 'sections'>[];

  it.each(before.map((guide) => [guide.source, guide] as const))('%s parses to exactly the sections and paragraphs it had', (source, expected) => {
    const guide = parseMarkdownGuide(fs.readFileSync(path.join(CORPUS_DIR, source), 'utf8'), source);
    expect(guide.title).toBe(expected.title);
    expect(guide.meta).toEqual(expected.meta);
    expect(guide.sections).toEqual(expected.sections);
  });

  it('covers every guide in the corpus', () => {
    const files = fs.readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.md') && name !== 'README.md');
    expect(before.map((guide) => guide.source).sort()).toEqual(files.sort());
  });
});

describe('Markdown edge cases', () => {
  const guide = parseMarkdownGuide(
    [
      '---',
      'title: Edge Cases',
      '---',
      '',
      'Setext Title',
      '============',
      '',
      'Under the setext heading.',
      '',
      'A Setext Part',
      '-------------',
      '',
      '```',
      '# not a heading, inside a fence',
      '```',
      '',
      '    # not a heading either, indented code',
      '',
      'Fish &amp; chips &mdash; and &#169; 2024 &lt;b&gt;.',
      '',
      '<!-- a note for editors: never quoted -->',
      '',
      'Text with <!-- an inline comment --> inside and a [reference link][ref] and ![a cover](cover.png).',
      '',
      '[ref]: https://example.com/defined "Never quoted"',
      '',
      '> A quoted line',
      '> that continues.',
      '',
      '- item one',
      '  continues',
      '- item two',
      '',
      '## Closing ##',
      '',
      'Escaped \\*stars\\* and *emphasis* and `code` and a hard  ',
      'break.',
    ].join('\n'),
    'edge.md',
  );

  it('reads setext headings and nests an ATX heading under them', () => {
    expect(paths(guide)).toEqual(['Setext Title', 'Setext Title › A Setext Part', 'Setext Title › Closing']);
  });

  it('never reads a heading inside a code block, and keeps the code as text', () => {
    const part = guide.sections[1]!.paragraphs;
    expect(part[0]).toBe('# not a heading, inside a fence');
    expect(part[1]).toBe('# not a heading either, indented code');
  });

  it('decodes entities', () => {
    expect(guide.sections[1]!.paragraphs[2]).toBe('Fish & chips — and © 2024 <b>.');
  });

  it('never quotes HTML comments or link reference definitions', () => {
    const text = guide.sections.flatMap((section) => section.paragraphs).join('\n');
    expect(text).not.toMatch(/never quoted|editors|example\.com|an inline comment/i);
    expect(guide.sections[1]!.paragraphs[3]).toBe('Text with inside and a reference link and a cover.');
  });

  it('makes block quotes and list items paragraphs, and strips inline markup', () => {
    expect(guide.sections[1]!.paragraphs.slice(4)).toEqual(['A quoted line that continues.', 'item one continues', 'item two']);
    expect(guide.sections[2]!.paragraphs).toEqual(['Escaped *stars* and emphasis and code and a hard break.']);
  });

  it('nests headings by their level, even when a level is skipped', () => {
    const outline = parseMarkdownGuide('## A\n\nOne.\n\n## B\n\n#### B1\n\nTwo.\n\n### B2\n\nThree.\n\n# C\n\nFour.\n', 'o.md');
    expect(paths(outline)).toEqual(['A', 'B', 'B › B1', 'B › B2', 'C']);
  });

  it('reads page markers into page numbers and never quotes them', () => {
    const paged = parseMarkdownGuide('# A\n\n<!-- page 3 -->\n\nOn three.\n\nAlso three.\n\n# B\n\n<!-- page 4 -->\n\nOn four.\n', 'p.md');
    expect(paged.sections).toEqual([
      { path: ['A'], paragraphs: ['On three.', 'Also three.'], pages: [3, 3] },
      { path: ['B'], paragraphs: ['On four.'], pages: [4] },
    ]);
  });
});
