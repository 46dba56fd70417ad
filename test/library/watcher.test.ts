import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLibrary, type LibraryRuntime } from '../../src/library/runtime.js';
import { captureLogs, type LogSink } from '../e2e/bot-harness.js';
import { eventually } from '../e2e/teacher-harness.js';
import { tempDir, testConfig } from '../helpers/engine.js';
import { copyCorpus, EXTRA_SHARED_BOOK_GUIDE, testEmbedder } from '../helpers/library.js';

/** The host's corpus folder is watched: a guide added, changed or removed there is live without a restart. */
describe('the corpus folder watcher', () => {
  let corpusDir: string;
  let runtime: LibraryRuntime;
  let logs: LogSink;

  beforeAll(async () => {
    corpusDir = copyCorpus();
    logs = captureLogs('info');
    const config = testConfig({ CORPUS_DIR: corpusDir, LIBRARY_DIR: tempDir('guidebot-library-'), CORPUS_WATCH: 'on' });
    runtime = await startLibrary({ config, logger: logs.logger, embedder: await testEmbedder() });
  });
  afterAll(() => {
    runtime?.close();
    fs.rmSync(corpusDir, { recursive: true, force: true });
  });

  const reindexed = (nth: number) => eventually(() => logs.lines.filter((line) => line.msg === 'shared library re-indexed')[nth - 1], `re-index #${nth}`, 30_000);
  const engine = () => runtime.library.sharedEngine()!;
  const file = () => path.join(corpusDir, 'class-notes.md');

  it('a guide added to the folder is indexed and answered from, embedding only its own text', async () => {
    const before = engine();
    expect(before.stats().guides).toBe(2);
    fs.writeFileSync(file(), EXTRA_SHARED_BOOK_GUIDE);
    const line = await reindexed(1);
    expect(line.books).toEqual(['Never Let Me Go']);
    // One paragraph of one sentence: its chunk and its sentence; the rest came from the embedding cache.
    expect(line.computed).toBe(2);
    expect(engine()).not.toBe(before);
    expect(engine().stats().guides).toBe(3);
    const answer = await engine().ask('What did our class decide the Exchanges taught?');
    expect(answer.passages[0]?.citation).toBe('Class Notes on Hailsham › Teacher Notes › The Exchange Gallery ¶1');
    // The engine it replaced still answers (questions in flight during the swap finish normally).
    expect((await before.ask('Who is Miss Lucy?')).answered).toBe(true);
  });

  it('a changed guide re-embeds only the text that changed', async () => {
    const changed = EXTRA_SHARED_BOOK_GUIDE.replace('Our class decided', 'Our class agreed');
    fs.writeFileSync(file(), changed);
    const line = await reindexed(2);
    expect(line.computed).toBe(2);
    const answer = await engine().ask('What did our class agree the Exchanges taught?');
    expect(answer.passages[0]?.text).toMatch(/^Our class agreed/);
  });

  it('a removed guide is no longer answered from', async () => {
    fs.rmSync(file());
    const line = await reindexed(3);
    expect(line.computed).toBe(0);
    expect(engine().stats().guides).toBe(2);
    const answer = await engine().ask('What did our class agree the Exchanges taught?');
    expect(answer.passages.map((passage) => passage.citation).join('\n')).not.toContain('Class Notes on Hailsham');
  });
});
