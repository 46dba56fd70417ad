import { describe, expect, it } from 'vitest';
import { chunkGuide } from '../../src/guide/chunk.js';
import { loadCorpus } from '../../src/guide/load.js';
import { computeCorpusTerms, decodeCorpusTerms, decodeStoredTerms, encodeCorpusTerms } from '../../src/search/corpus-terms.js';
import { stem } from '../../src/search/stem.js';
import { terms } from '../../src/search/tokenize.js';
import { CORPUS_DIR } from '../helpers/engine.js';

describe('the corpus terms stored with the index', async () => {
  const guides = await loadCorpus(CORPUS_DIR);
  const chunks = guides.flatMap(chunkGuide);
  const computed = computeCorpusTerms(guides, chunks);

  it('are the terms of the texts the searches were made of', () => {
    computed.chunks.forEach((chunk, i) => {
      // A chunk's terms are those of its heading path and text together, and its context those of its neighbours' texts together.
      expect([...chunk.heading, ...chunk.text]).toEqual(terms([...chunks[i]!.path, chunks[i]!.text].join(' ')));
      expect(chunk.sentences).toEqual(chunks[i]!.sentences.map((sentence) => terms(sentence.normalised)));
      if (i > 0) expect([...computed.chunks[i - 1]!.text, ...chunk.text]).toEqual(terms(`${chunks[i - 1]!.text} ${chunks[i]!.text}`));
    });
    expect(computed.sections).toHaveLength(guides.flatMap((guide) => guide.sections.filter((section) => section.paragraphs.length > 0)).length);
    expect(computed.wordCounts.find(([word]) => word === 'hailsham')?.[1]).toBeGreaterThan(10);
    expect(computed.wordStems).toEqual([...new Set(computed.wordCounts.map(([word]) => stem(word)))]);
  });

  it('read back exactly as written, and a damaged file is refused', () => {
    const bytes = encodeCorpusTerms(computed);
    expect(decodeCorpusTerms(bytes)).toEqual(computed);
    expect(() => decodeCorpusTerms(bytes.subarray(0, bytes.length - 8))).toThrow(/end/);
    const stored = decodeStoredTerms(bytes);
    expect(stored.sentenceCounts).toEqual(chunks.map((chunk) => chunk.sentences.length));
    expect(stored.chunk(3)).toBe(stored.chunk(3));
    expect(() => stored.chunk(chunks.length)).toThrow(RangeError);
    // A term position past the vocabulary, in the last list.
    const damaged = Buffer.from(bytes);
    damaged.writeInt32LE(stored.vocabulary.length, damaged.length - 4);
    expect(() => decodeStoredTerms(damaged)).toThrow(/refers to no term/);
  });
});
