import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadThreadsFor, loadWithThreads, MAX_LOAD_THREADS, THREADED_LOAD_MIN_BYTES } from '../../src/guide/load-threads.js';
import { corpusFiles, CorpusError, loadGuideFile, loadGuideFiles } from '../../src/guide/load.js';
import { CORPUS_DIR, tempDir } from '../helpers/engine.js';

const revive = (name: string, message: string) => (name === 'CorpusError' ? new CorpusError(message) : new Error(message));

/** A folder of copies of the corpus's guides under other names, each copy's title changed so the order shows. */
function copiesOfTheCorpus(copies: number, broken: number[] = []): string[] {
  const dir = tempDir();
  const sources = corpusFiles(CORPUS_DIR);
  for (let copy = 0; copy < copies; copy++) {
    const name = `g${String(copy).padStart(2, '0')}.md`;
    if (broken.includes(copy)) fs.writeFileSync(path.join(dir, name), '---\ntitle: Blank\n---\n# Nothing\n');
    else fs.writeFileSync(path.join(dir, name), fs.readFileSync(sources[copy % sources.length]!, 'utf8').replace(/^title: .*$/m, `title: "Copy ${copy}"`));
  }
  return corpusFiles(dir);
}

describe('loading guide files with several threads', () => {
  it('gives the guides of parsing them one by one, in file order', async () => {
    const files = copiesOfTheCorpus(7);
    const one = await Promise.all(files.map(loadGuideFile));
    const threaded = await loadWithThreads(files, 2, loadGuideFile, revive);
    expect(threaded.map((guide) => guide.title)).toEqual(files.map((_, copy) => `Copy ${copy}`));
    expect(threaded).toEqual(one);
  });

  it('fails with the error of the first broken file in file order', async () => {
    const files = copiesOfTheCorpus(6, [3, 5]);
    const error = await loadWithThreads(files, 1, loadGuideFile, revive).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(CorpusError);
    expect((error as Error).message).toMatch(/g03\.md has no text/);
    await expect(loadGuideFiles(files)).rejects.toThrow(/g03\.md has no text/);
  });

  it('are used only for a corpus of some megabytes', () => {
    expect(loadThreadsFor(corpusFiles(CORPUS_DIR))).toBe(0);
    const files = copiesOfTheCorpus(Math.ceil(THREADED_LOAD_MIN_BYTES / fs.statSync(corpusFiles(CORPUS_DIR)[0]!).size) + 2);
    expect(loadThreadsFor(files)).toBe(Math.max(0, Math.min(MAX_LOAD_THREADS, os.availableParallelism() - 1)));
  });
});
