import { describe, expect, it } from 'vitest';
import { chunkSections } from '../../src/guide/chunk.js';
import { parseMarkdownGuide } from '../../src/guide/ingest/markdown.js';
import { loadCorpus } from '../../src/guide/load.js';
import type { Guide } from '../../src/guide/types.js';
import { encodeChunks } from '../../src/search/chunk-store.js';
import { computeCorpusTerms, decodeCorpusTerms, decodeStoredTerms, encodeCorpusTerms, guideTexts } from '../../src/search/corpus-terms.js';
import { encodeGuides } from '../../src/search/guide-snapshot.js';
import { SpellingCorrector } from '../../src/search/spelling.js';
import { stem } from '../../src/search/stem.js';
import { termFiles, termFilesFor, termFilesInThread, TERMS_THREAD_MIN_CHUNKS } from '../../src/search/term-files.js';
import { terms, words } from '../../src/search/tokenize.js';
import { CORPUS_DIR } from '../helpers/engine.js';

/** What every text of the guides gives when it is tokenised whole, as the terms are defined. */
function expectTermsOfWholeTexts(guides: Guide[]) {
  const sectionChunks = guides.map(chunkSections);
  const chunks = sectionChunks.flat(2);
  const computed = computeCorpusTerms(guides, sectionChunks);
  computed.chunks.forEach((chunk, i) => {
    // A chunk's terms are those of its heading path and text together, and its context those of its neighbours' texts together.
    expect([...chunk.heading, ...chunk.text]).toEqual(terms([...chunks[i]!.path, chunks[i]!.text].join(' ')));
    expect(chunk.sentences).toEqual(chunks[i]!.sentences.map((sentence) => terms(sentence.normalised)));
    if (i > 0) expect([...computed.chunks[i - 1]!.text, ...chunk.text]).toEqual(terms(`${chunks[i - 1]!.text} ${chunks[i]!.text}`));
  });
  const sections = guides.flatMap((guide) => guide.sections.filter((section) => section.paragraphs.length > 0));
  expect(computed.sections).toEqual(sections.map((section) => ({ text: terms(section.paragraphs.join(' ')), heading: terms(section.path.join(' ')) })));
  const counts = new Map<string, number>();
  for (const text of guideTexts(guides)) for (const word of words(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  expect(computed.wordCounts).toEqual([...counts]);
  return computed;
}

describe('the corpus terms stored with the index', async () => {
  const guides = await loadCorpus(CORPUS_DIR);
  const computed = computeCorpusTerms(guides, guides.map(chunkSections));

  it('are the terms of the texts the searches were made of', () => {
    expectTermsOfWholeTexts(guides);
    expect(computed.wordCounts.find(([word]) => word === 'hailsham')?.[1]).toBeGreaterThan(10);
    expect(computed.wordStems).toEqual([...new Set(computed.wordCounts.map(([word]) => stem(word)))]);
  });

  it('are the same, sentence by sentence, as for whole texts where sentences end in quotes, dashes, accents and apostrophes', () => {
    const guide = parseMarkdownGuide(
      [
        '# Ruth’s “Possible” — the Café',
        'She said ‘Go.’ So they went. Tommy’s rage—again! “Why?” Kathy asked. It’s 1990s; naïve Ruth’s friends.',
        'Mr. Keffers’ cottage... St. Mary’s? “Norfolk’s lost corner.” S. The end\u200B. Next one—“quoted”. Ruth’s’ s',
        '## Les Misérables',
        'Ünder the Cottages’ roofs. ’Twas cold. Hailsham’s guardians’ rules. A–B and C‐D. Done.',
      ].join('\n\n'),
      'edge.md',
    );
    const result = expectTermsOfWholeTexts([guide]);
    expect(result.chunks.flatMap((chunk) => chunk.sentences).length).toBeGreaterThan(10);
  });

  it('read back exactly as written, and a damaged file is refused', () => {
    const bytes = encodeCorpusTerms(computed);
    expect(decodeCorpusTerms(bytes)).toEqual(computed);
    expect(() => decodeCorpusTerms(bytes.subarray(0, bytes.length - 8))).toThrow(/end/);
    const chunks = guides.flatMap(chunkSections).flat();
    const stored = decodeStoredTerms(bytes);
    expect(stored.sentenceCounts).toEqual(chunks.map((chunk) => chunk.sentences.length));
    expect(stored.chunk(3)).toBe(stored.chunk(3));
    expect(() => stored.chunk(chunks.length)).toThrow(RangeError);
    // A term position past the vocabulary, in the last list.
    const damaged = Buffer.from(bytes);
    damaged.writeInt32LE(stored.vocabulary.length, damaged.length - 4);
    expect(() => decodeStoredTerms(damaged)).toThrow(/refers to no term/);
  });

  it('are computed in a worker thread from the stored guides and chunks to the same bytes', async () => {
    const sectionChunks = guides.map(chunkSections);
    const here = termFiles(guides, sectionChunks);
    expect(here.spellingKeys).toEqual(SpellingCorrector.keysFor(computed.wordCounts));
    const source = { guides, chunks: sectionChunks, guidesBin: encodeGuides(guides), chunksBin: encodeChunks(sectionChunks.flat(2)) };
    const threaded = await termFilesInThread(source);
    expect(Buffer.compare(threaded.terms, here.terms)).toBe(0);
    expect(threaded.spellingKeys).toEqual(here.spellingKeys);
    // The corpus itself is small: its terms are computed in this thread.
    expect(sectionChunks.flat(2).length).toBeLessThan(TERMS_THREAD_MIN_CHUNKS);
    expect(termFilesFor(source)).not.toBeInstanceOf(Promise);
  });

  it('fail with the thread’s reason when the chunks do not match the guides', async () => {
    const sectionChunks = guides.map(chunkSections);
    const chunksBin = encodeChunks(sectionChunks.flat(2).slice(1));
    await expect(termFilesInThread({ guides, chunks: sectionChunks, guidesBin: encodeGuides(guides), chunksBin })).rejects.toThrow(/does not hold/);
  });
});
