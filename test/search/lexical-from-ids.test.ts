import { describe, expect, it } from 'vitest';
import { chunkSections } from '../../src/guide/chunk.js';
import { loadCorpus } from '../../src/guide/load.js';
import { Bm25Index, checkStoredBm25, CONTEXT_WEIGHT, HEADING_WEIGHT } from '../../src/search/bm25.js';
import { computeCorpusTerms, decodeStoredTerms, encodeCorpusTerms } from '../../src/search/corpus-terms.js';
import { CHUNK_WEIGHTS, chunkLexicalDocuments, sectionWeights } from '../../src/search/lexical-documents.js';
import { decodeLexical, encodeLexical, storeLexical } from '../../src/search/lexical-store.js';
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
    chunks.map((chunk, i) => ({ id: chunk.id, text: stored.chunk(i).text, heading: stored.chunk(i).heading, context: neighbours(i).map((other) => stored.chunk(other).text) })),
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
    const copy = Bm25Index.fromTermIds(stored.vocabulary, [{ id: 'first', text: stored.chunk(0).text, heading: stored.chunk(0).heading, context: [] }], weights);
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

describe('a lexical index loaded from its stored form', async () => {
  const guides = await loadCorpus(CORPUS_DIR);
  const sectionChunks = guides.map(chunkSections);
  const chunks = sectionChunks.flat(2);
  const stored = decodeStoredTerms(encodeCorpusTerms(computeCorpusTerms(guides, sectionChunks)));
  const documents = chunkLexicalDocuments(chunks, stored);
  const sections = stored.sections.map((section, i) => ({ id: `section-${i}`, ...section, context: [] }));
  const bytes = encodeLexical({ chunks: storeLexical(stored.vocabulary, documents, CHUNK_WEIGHTS), sections: storeLexical(stored.vocabulary, sections, sectionWeights(HEADING_WEIGHT)) });
  const read = decodeLexical(bytes);
  const queries = ['Who is Miss Lucy?', 'What does Norfolk symbolize for Kathy and Tommy?', 'the cassette tape Never Let Me Go', 'Hailsham art Gallery donations', 'Ruth completes'];

  const expectSame = (loaded: Bm25Index, built: Bm25Index, size: number) => {
    expect(loaded.size).toBe(built.size);
    expect(loaded.maxIdf()).toBe(built.maxIdf());
    for (const term of stored.vocabulary) {
      expect(loaded.idf(term)).toBe(built.idf(term));
      expect(loaded.searchTerms([term], size)).toEqual(built.searchTerms([term], size));
    }
    for (const query of queries) expect(loaded.search(query, 40)).toEqual(built.search(query, 40));
  };

  it('scores every term and every query exactly as the index built from the term lists', () => {
    expect(read.chunks.weights).toEqual(CHUNK_WEIGHTS);
    checkStoredBm25(read.chunks, documents.length, stored.vocabulary.length);
    checkStoredBm25(read.sections, sections.length, stored.vocabulary.length);
    expectSame(
      Bm25Index.fromStored(
        documents.map((document) => document.id),
        stored.termIds,
        read.chunks,
      ),
      Bm25Index.fromTermIds(stored.vocabulary, documents, CHUNK_WEIGHTS),
      documents.length,
    );
    expectSame(
      Bm25Index.fromStored(
        sections.map((section) => section.id),
        stored.termIds,
        read.sections,
      ),
      Bm25Index.fromTermIds(stored.vocabulary, sections, sectionWeights(HEADING_WEIGHT)),
      sections.length,
    );
  });

  it('drops a document whose id comes again, as building does', () => {
    const ids = documents.map((document, i) => (i === 7 ? documents[3]!.id : document.id));
    expectSame(
      Bm25Index.fromStored(ids, stored.termIds, read.chunks),
      Bm25Index.fromTermIds(
        stored.vocabulary,
        documents.map((document, i) => ({ ...document, id: ids[i]! })),
        CHUNK_WEIGHTS,
      ),
      documents.length,
    );
  });

  it('adds and removes documents afterwards exactly as the built index does', () => {
    const loaded = Bm25Index.fromStored(
      documents.map((document) => document.id),
      stored.termIds,
      read.chunks,
    );
    const built = Bm25Index.fromTermIds(stored.vocabulary, documents, CHUNK_WEIGHTS);
    for (const index of [loaded, built]) {
      index.add({ id: 'note', text: 'Norfolk is the lost corner of England, where Tommy and Kathy look for the tape.', heading: ['Where is Norfolk?'] });
      expect(index.remove(documents[0]!.id)).toBe(true);
      expect(index.remove(documents[1]!.id)).toBe(true);
      // A stored document replaced by one added under its id.
      index.add({ id: documents[2]!.id, text: 'Miss Lucy tells the students the truth.', heading: [] });
    }
    expectSame(loaded, built, documents.length + 2);
    expect(loaded.search('Norfolk lost corner', 5)[0]!.id).toBe('note');
  });

  it('is refused when the stored postings do not fit the documents or the vocabulary', () => {
    expect(() => checkStoredBm25(read.chunks, documents.length - 1, stored.vocabulary.length)).toThrow(/documents/);
    expect(() => checkStoredBm25(read.chunks, documents.length, stored.vocabulary.length + 1)).toThrow(/vocabulary/);
    const damaged = { ...read.chunks, docs: read.chunks.docs.map((doc, i) => (i === 10 ? documents.length : doc)) };
    expect(() => checkStoredBm25(damaged, documents.length, stored.vocabulary.length)).toThrow(/refers to no document/);
    expect(() => decodeLexical(bytes.subarray(0, bytes.length - 8))).toThrow(/end/);
  });
});
