import { createHash } from 'node:crypto';
import { normaliseText } from './normalise.js';
import { splitSentences } from './sentences.js';
import type { Chunk, Guide } from './types.js';

/**
 * Chunk size, in words. A chunk is one paragraph, or part of one when the paragraph is long.
 * all-MiniLM-L6-v2 reads at most 256 word pieces (about 190 English words) and we prefix the heading
 * path, so a chunk stays under 160 words; an averaged word-vector model blurs as text grows, so
 * longer paragraphs are split into near-equal runs of whole sentences of about 110 words.
 */
export const MAX_CHUNK_WORDS = 160;
export const TARGET_CHUNK_WORDS = 110;

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Splits sentences into consecutive runs of near-equal size, each under the maximum where possible. */
function sentenceRuns(sentences: string[]): string[][] {
  const total = sentences.reduce((sum, sentence) => sum + wordCount(sentence), 0);
  if (total <= MAX_CHUNK_WORDS) return [sentences];
  const parts = Math.ceil(total / TARGET_CHUNK_WORDS);
  const target = total / parts;
  const runs: string[][] = [[]];
  let words = 0;
  for (const sentence of sentences) {
    const size = wordCount(sentence);
    const run = runs[runs.length - 1]!;
    if (run.length > 0 && words + size / 2 > target * runs.length && runs.length < parts) {
      runs.push([sentence]);
    } else {
      run.push(sentence);
    }
    words += size;
  }
  return runs;
}

export function chunkId(source: string, path: string[], paragraph: number, part: number, text: string): string {
  const stem = source
    .replace(/\.[^.]+$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const digest = createHash('sha256')
    .update([source, path.join('\u241F'), paragraph, part, normaliseText(text)].join('\u241E'))
    .digest('hex');
  return `${stem}-${digest.slice(0, 12)}`;
}

/** Chunks follow the guide's structure: never across a section, split on paragraph and sentence boundaries. */
export function chunkGuide(guide: Guide): Chunk[] {
  return chunkSections(guide).flat();
}

/** A guide's chunks section by section: the i-th list holds those of `guide.sections[i]` (none for a section without paragraphs). */
export function chunkSections(guide: Guide): Chunk[][] {
  return guide.sections.map((section) => {
    const chunks: Chunk[] = [];
    section.paragraphs.forEach((paragraphText, index) => {
      const paragraph = index + 1;
      const page = section.pages?.[index];
      sentenceRuns(splitSentences(paragraphText)).forEach((run, runIndex) => {
        const part = runIndex + 1;
        const text = run.join(' ');
        chunks.push({
          id: chunkId(guide.source, section.path, paragraph, part, text),
          source: guide.source,
          guide: guide.title,
          path: section.path,
          paragraph,
          part,
          ...(page !== undefined ? { page } : {}),
          text,
          sentences: run.map((sentence) => ({ text: sentence, normalised: normaliseText(sentence) })),
        });
      });
    });
    return chunks;
  });
}

/** `Guide › Section › Subsection ¶2`, the citation shown beside every quote; `…¶2, p. 12` for a guide with pages (a PDF). */
export function citation(chunk: Pick<Chunk, 'guide' | 'path' | 'paragraph' | 'page'>): string {
  return [chunk.guide, ...chunk.path].join(' › ') + ` ¶${chunk.paragraph}` + (chunk.page !== undefined ? `, p. ${chunk.page}` : '');
}

/** The end of a citation that names the paragraph (and page): ` ¶2`, ` ¶2, p. 12`. */
export const CITED_PARAGRAPH = / ¶\d+(?:, p\. \d+)?$/;

/** `Guide › Section › Subsection`, without the paragraph. */
export function sectionCitation(guide: string, path: string[]): string {
  return [guide, ...path].join(' › ');
}
