import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { parseEvalFile } from '../../src/eval.js';
import { chunkSections } from '../../src/guide/chunk.js';
import { loadCorpus } from '../../src/guide/load.js';
import { computeCorpusTerms } from '../../src/search/corpus-terms.js';
import { editDistance, SpellingCorrector } from '../../src/search/spelling.js';
import { words } from '../../src/search/tokenize.js';
import { CORPUS_DIR } from '../helpers/engine.js';

/** The corrector's earlier lookup, kept as the reference: every guide word compared, shortest first, in the order the guides use them. */
function linearClosest(counts: Map<string, number>, byLength: Map<number, string[]>, word: string, limit: number, minimumCount: number): string | undefined {
  let best: string | undefined;
  let bestDistance = limit + 1;
  let bestCount = 0;
  for (let length = word.length - limit; length <= word.length + limit; length++) {
    for (const candidate of byLength.get(length) ?? []) {
      const count = counts.get(candidate)!;
      if (count < minimumCount) continue;
      const distance = editDistance(word, candidate, limit);
      if (distance < bestDistance || (distance === bestDistance && distance <= limit && count > bestCount)) {
        best = candidate;
        bestDistance = distance;
        bestCount = count;
      }
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** One deterministic misspelling of a word: a deletion, insertion, substitution or transposition by turns, and two edits for every other long word. */
function misspellings(word: string, seed: number): string[] {
  const at = seed % (word.length - 1);
  const edits = [
    word.slice(0, at) + word.slice(at + 1),
    word.slice(0, at) + 'e' + word.slice(at),
    word.slice(0, at) + (word[at] === 'a' ? 'o' : 'a') + word.slice(at + 1),
    word.slice(0, at) + word[at + 1]! + word[at]! + word.slice(at + 2),
  ];
  const out = [edits[seed % edits.length]!];
  if (word.length >= 7 && seed % 2 === 0) out.push(seed % 4 === 0 ? word.slice(1, -1) : word.slice(0, at) + 'y' + word.slice(at + 2));
  return out;
}

describe('the indexed spelling lookup', async () => {
  const guides = await loadCorpus(CORPUS_DIR);
  const texts = guides.flatMap((guide) => guide.sections.flatMap((section) => [...section.path, ...section.paragraphs]));
  const corrector = new SpellingCorrector(texts);
  const counts = new Map<string, number>();
  for (const text of texts) for (const word of words(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const byLength = new Map<number, string[]>();
  for (const word of counts.keys()) byLength.set(word.length, [...(byLength.get(word.length) ?? []), word]);

  const evalWords = fs
    .readdirSync(path.join(PROJECT_ROOT, 'eval'))
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => parseEvalFile(fs.readFileSync(path.join(PROJECT_ROOT, 'eval', name), 'utf8')).flatMap((question) => words(question.question)));
  const generated = [...counts.keys()].filter((word) => word.length >= 4).flatMap((word, seed) => misspellings(word, seed));
  /** Every lookup the corrector can make for these words, compared with the reference; returns the differences and how many found a correction. */
  function compare(queries: string[]): { differences: string[]; corrected: number } {
    const differences: string[] = [];
    let corrected = 0;
    for (const word of new Set(queries)) {
      if (word.length < 4) continue;
      const settings: [number, number][] =
        word.length >= 8
          ? [
              [1, 1],
              [1, 3],
              [2, 1],
            ]
          : [
              [1, 1],
              [1, 3],
            ];
      for (const [limit, minimumCount] of settings) {
        const expected = linearClosest(counts, byLength, word, limit, minimumCount);
        const actual = corrector.closest(word, limit, minimumCount);
        if (expected !== undefined) corrected++;
        if (actual !== expected) differences.push(`${word} (limit ${limit}, count ≥ ${minimumCount}): ${actual} instead of ${expected}`);
      }
    }
    return { differences, corrected };
  }

  it('finds the same closest guide word as comparing every guide word, for every word of the evaluation questions', () => {
    expect(evalWords.length).toBeGreaterThan(1000);
    const { differences, corrected } = compare(evalWords);
    expect(differences).toEqual([]);
    expect(corrected).toBeGreaterThan(100);
  });

  // Split in parts so that no single test blocks the worker for long.
  const PARTS = 4;
  for (let part = 0; part < PARTS; part++) {
    it(`finds the same closest guide word for generated misspellings of the guide words (part ${part + 1} of ${PARTS})`, () => {
      const share = generated.filter((_, i) => i % PARTS === part);
      expect(share.length).toBeGreaterThan(300);
      const { differences, corrected } = compare(share);
      expect(differences).toEqual([]);
      // The comparison means something only if many lookups find a correction.
      expect(corrected).toBeGreaterThan(share.length);
    });
  }
});

describe('the spelling keys stored with the index', async () => {
  const guides = await loadCorpus(CORPUS_DIR);
  const texts = guides.flatMap((guide) => guide.sections.flatMap((section) => [...section.path, ...section.paragraphs]));
  const counts = new Map<string, number>();
  for (const text of texts) for (const word of words(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const counted = [...counts];

  it('give a corrector that finds exactly what one that made its own keys finds', () => {
    const keys = SpellingCorrector.keysFor(counted);
    expect(keys.length).toBeGreaterThan(counted.length);
    const made = SpellingCorrector.fromCounts(counted);
    const stored = SpellingCorrector.fromCounts(counted, { keys: Float64Array.from(keys) });
    const queries = [...counts.keys()].filter((word) => word.length >= 4).flatMap((word, seed) => misspellings(word, seed));
    let corrected = 0;
    for (const word of queries)
      for (const limit of word.length >= 8 ? [1, 2] : [1]) {
        const expected = made.closest(word, limit, 1);
        if (expected !== undefined) corrected++;
        expect(stored.closest(word, limit, 1), word).toBe(expected);
      }
    expect(corrected).toBeGreaterThan(queries.length / 2);
  });

  it('and the stored stems give a corrector that corrects, and leaves alone, exactly the same words', () => {
    const { wordStems } = computeCorpusTerms(guides, guides.map(chunkSections));
    expect(wordStems.length).toBeGreaterThan(100);
    const made = SpellingCorrector.fromCounts(counted);
    const stored = SpellingCorrector.fromCounts(counted, { keys: SpellingCorrector.keysFor(counted), stems: wordStems });
    // Other forms of the guides' words (left alone through their stems), and misspellings of them.
    const forms = [...counts.keys()].filter((word) => word.length >= 4).flatMap((word) => [`${word}s`, `${word}ed`, `${word}ing`, `${word}ly`]);
    const queries = [...forms, ...[...counts.keys()].filter((word) => word.length >= 4).flatMap((word, seed) => misspellings(word, seed))];
    let leftAlone = 0;
    for (const word of queries) {
      const expected = made.correct(word);
      if (expected === undefined) leftAlone++;
      expect(stored.correct(word), word).toBe(expected);
    }
    expect(leftAlone).toBeGreaterThan(forms.length / 2);
  });
});
