import { describe, expect, it } from 'vitest';
import { chunkGuide, citation, MAX_CHUNK_WORDS } from '../../src/guide/chunk.js';
import { parseMarkdownGuide } from '../../src/guide/ingest/markdown.js';
import { loadCorpus } from '../../src/guide/load.js';
import { CORPUS_DIR } from '../helpers/engine.js';

const words = (text: string) => text.split(/\s+/).length;

const guides = await loadCorpus(CORPUS_DIR);

describe('chunkGuide', () => {
  const chunks = guides.flatMap(chunkGuide);

  it('never crosses a section and covers every paragraph exactly', () => {
    for (const guide of guides) {
      for (const section of guide.sections) {
        const inSection = chunks.filter((chunk) => chunk.source === guide.source && chunk.path.join('›') === section.path.join('›'));
        section.paragraphs.forEach((paragraph, index) => {
          const parts = inSection.filter((chunk) => chunk.paragraph === index + 1).sort((a, b) => a.part - b.part);
          expect(parts.map((chunk) => chunk.text).join(' ')).toBe(paragraph);
        });
      }
    }
  });

  it('gives every chunk a unique id and sentences that rebuild its text', () => {
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
    for (const chunk of chunks) expect(chunk.sentences.map((sentence) => sentence.text).join(' ')).toBe(chunk.text);
  });

  it('splits long paragraphs on sentence boundaries into runs under the maximum', () => {
    const sentence = 'This sentence has exactly eight words in it.';
    const long = Array.from({ length: 40 }, () => sentence).join(' ');
    const guide = parseMarkdownGuide(`# Long\n\n${long}\n\n# Short\n\nA short one.`, 'long.md');
    const result = chunkGuide(guide);
    const longChunks = result.filter((chunk) => chunk.path[0] === 'Long');
    expect(longChunks.length).toBeGreaterThan(1);
    for (const chunk of longChunks) {
      expect(words(chunk.text)).toBeLessThanOrEqual(MAX_CHUNK_WORDS);
      expect(chunk.paragraph).toBe(1);
      expect(chunk.text.endsWith('.')).toBe(true);
    }
    expect(longChunks.map((chunk) => chunk.part)).toEqual(longChunks.map((_, i) => i + 1));
    expect(result.filter((chunk) => chunk.path[0] === 'Short')).toHaveLength(1);
  });

  it('derives ids from content and position: stable when unchanged, new when either changes', () => {
    const make = (text: string, heading = 'A') => chunkGuide(parseMarkdownGuide(`# ${heading}\n\n${text}\n\nSecond paragraph.`, 'g.md'));
    const first = make('First paragraph.');
    expect(make('First paragraph.').map((chunk) => chunk.id)).toEqual(first.map((chunk) => chunk.id));
    const edited = make('First paragraph, edited.');
    expect(edited[0]!.id).not.toBe(first[0]!.id);
    expect(edited[1]!.id).toBe(first[1]!.id);
    expect(make('First paragraph.', 'B')[0]!.id).not.toBe(first[0]!.id);
  });

  it('cites guide › section › subsection ¶n', () => {
    const ruth = chunks.find((chunk) => chunk.path[1] === 'Ruth C. - The Manipulator Seeking Belonging' && chunk.paragraph === 2)!;
    expect(citation(ruth)).toBe('Never Let Me Go — Study Guide › Character Analysis › Ruth C. - The Manipulator Seeking Belonging ¶2');
  });
});
