import { describe, expect, it } from 'vitest';
import { chunkSections } from '../../src/guide/chunk.js';
import { loadCorpus } from '../../src/guide/load.js';
import { Bm25Index, CONTEXT_WEIGHT, HEADING_WEIGHT } from '../../src/search/bm25.js';
import { computeCorpusTerms, decodeStoredTerms, encodeCorpusTerms } from '../../src/search/corpus-terms.js';
import { terms } from '../../src/search/tokenize.js';
import { CORPUS_DIR } from '../helpers/engine.js';

describe('a lexical index built from stored term positions', async () => {
  const guides = await loadCorpus(CORPUS_DIR);
  const sectionChunks = guides.map(chunkSections);
  const chunks = sectionChunks.flat(2);
  const computed = computeCorpusTerms(guides, sectionChunks);
  const stored = decodeStoredTerms(encodeCorpusTerms(computed));
  const weights = { headingWeight: HEADING_WEIGHT, contextWeight: CONTEXT_WEIGHT };
  const neighbours = (i: number) => [i - 1, i + 1].filter((other) => other >= 0 && other < chunks.length);

  const incremental = new Bm25Index([], weights);
  computed.chunks.forEach((chunk, i) => incremental.addTerms(chunks[i]!.id, { ...chunk, context: neighbours(i).flatMap((other) => computed.chunks[other]!.text) }));
  const fromIds = Bm25Index.fromTermIds(
    stored.vocabulary,
    stored.chunks.map((chunk, i) => ({ id: chunks[i]!.id, text: chunk.text, heading: chunk.heading, context: neighbours(i).map((other) => stored.chunks[other]!.text) })),
    weights,
  );

  it('scores every term and every query exactly as adding the documents one by one does', () => {
    expect(fromIds.size).toBe(incremental.size);
    for (const term of stored.vocabulary) {
      expect(fromIds.idf(term)).toBe(incremental.idf(term));
      expect(fromIds.searchTerms([term], chunks.length)).toEqual(incremental.searchTerms([term], chunks.length));
    }
    for (const query of ['Who is Miss Lucy?', 'What does Norfolk symbolize for Kathy and Tommy?', 'the cassette tape Never Let Me Go', 'Hailsham art Gallery donations'])
      expect(fromIds.search(query, 40)).toEqual(incremental.search(query, 40));
  });

  it('adds and removes documents afterwards like any other index', () => {
    const copy = Bm25Index.fromTermIds(stored.vocabulary, [{ id: 'first', text: stored.chunks[0]!.text, heading: stored.chunks[0]!.heading, context: [] }], weights);
    const note = 'Norfolk is the lost corner of England.';
    copy.add({ id: 'note', text: note, heading: [] });
    expect(copy.search('Norfolk lost corner', 5)[0]!.id).toBe('note');
    expect(copy.remove('first')).toBe(true);
    expect(copy.size).toBe(1);
    const left = [...computed.chunks[0]!.text, ...computed.chunks[0]!.heading].filter((term) => !terms(note).includes(term));
    expect(left.length).toBeGreaterThan(0);
    for (const term of left) expect(copy.idf(term)).toBe(0);
  });
});
