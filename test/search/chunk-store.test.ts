import { describe, expect, it } from 'vitest';
import { chunkGuide } from '../../src/guide/chunk.js';
import { loadCorpus } from '../../src/guide/load.js';
import type { Chunk } from '../../src/guide/types.js';
import { decodeChunks, encodeChunks } from '../../src/search/chunk-store.js';
import { CORPUS_DIR } from '../helpers/engine.js';

describe('the chunks stored with the index', async () => {
  const chunks = (await loadCorpus(CORPUS_DIR)).flatMap(chunkGuide);

  it('read back exactly as chunking made them, in a third of the space of JSON', () => {
    expect(chunks.some((chunk) => chunk.sentences.some((sentence) => sentence.normalised !== sentence.text))).toBe(true);
    const bytes = encodeChunks(chunks);
    expect(decodeChunks(bytes, chunks.length)).toEqual(chunks);
    expect(bytes.length).toBeLessThan(JSON.stringify(chunks).length / 2.5);
  });

  it('keep what chunking does not make: pages, sentences that are not in the text, lone surrogates, no sentences', () => {
    const [first, second] = chunks as [Chunk, Chunk];
    const odd: Chunk[] = [
      { ...first, page: 12 },
      { ...second, text: 'Other words \uD800 entirely.', sentences: [{ text: 'A sentence of its own “here”.', normalised: 'A sentence of its own "here".' }, ...second.sentences] },
      { ...first, id: 'empty', text: '', sentences: [] },
    ];
    expect(decodeChunks(encodeChunks(odd), odd.length)).toEqual(odd);
  });

  it('are refused when the file does not hold them', () => {
    const bytes = encodeChunks(chunks);
    expect(() => decodeChunks(bytes, chunks.length + 1)).toThrow(/does not hold/);
    expect(() => decodeChunks(bytes.subarray(0, 200), chunks.length)).toThrow();
    expect(() => decodeChunks(bytes.subarray(0, bytes.length - 100), chunks.length)).toThrow(/outside the stored text/);
  });
});
