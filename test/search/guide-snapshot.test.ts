import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEmbedder, type Embedder } from '../../src/embed/embedder.js';
import { Engine, IndexUnavailableError, type BuildEvent } from '../../src/engine.js';
import { parseEvalFile } from '../../src/eval.js';
import { corpusFiles, loadCorpus } from '../../src/guide/load.js';
import { decodeGuides, encodeGuides } from '../../src/search/guide-snapshot.js';
import { copyIndexAs, filesHash, INDEX_FILES } from '../../src/search/index-store.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { CORPUS_DIR, silentLogger, tempDir, testConfig } from '../helpers/engine.js';

const GUIDE = 'never-let-me-go-study-guide.md';
const questions = parseEvalFile(fs.readFileSync(path.join(PROJECT_ROOT, 'eval', 'public-questions.jsonl'), 'utf8')).map((question) => question.question);

let embedder: Embedder;
let config: ReturnType<typeof testConfig>;

function copyCorpus(): string {
  const dir = tempDir('guidebot-corpus-');
  for (const name of fs.readdirSync(CORPUS_DIR)) fs.copyFileSync(path.join(CORPUS_DIR, name), path.join(dir, name));
  return dir;
}

async function open(rebuild?: 'auto' | 'never' | 'force') {
  const events: BuildEvent[] = [];
  const engine = await Engine.open({ config, logger: silentLogger, embedder, rebuild, onProgress: (event) => events.push(event) });
  return { engine, ready: events.find((event) => event.stage === 'ready') as Extract<BuildEvent, { stage: 'ready' }> };
}

beforeAll(async () => {
  config = testConfig({ CORPUS_DIR: copyCorpus() });
  embedder = await loadEmbedder(config, silentLogger);
});

describe('the parsed guides stored with the index', () => {
  it('give an engine that answers exactly like one that parsed the guide files', async () => {
    const parsed = await open('force');
    const stored = await open();
    expect(parsed.ready.rebuilt).toBe(true);
    expect(stored.ready.rebuilt).toBe(false);
    expect(stored.engine.guides).toEqual(await loadCorpus(config.CORPUS_DIR));
    expect(stored.engine.stats()).toEqual(parsed.engine.stats());
    expect(stored.engine.sections()).toEqual(parsed.engine.sections());
    expect(stored.engine.quotations()).toEqual(parsed.engine.quotations());
    expect(stored.engine.studyQuestions()).toEqual(parsed.engine.studyQuestions());
    expect(questions.length).toBeGreaterThan(10);
    for (const question of [...questions, 'who is tomy', 'what is the best pasta recipe']) {
      expect(await stored.engine.ask(question), question).toEqual(await parsed.engine.ask(question));
      expect(await stored.engine.ask(question, { mode: 'bm25', k: 10 }), question).toEqual(await parsed.engine.ask(question, { mode: 'bm25', k: 10 }));
    }
  });

  it('are never served stale: a changed guide file makes the index rebuild with the new text', async () => {
    await open();
    const file = path.join(config.CORPUS_DIR, GUIDE);
    const marker = 'Kathy keeps a lighthouse logbook of every recovery centre she visits.';
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n\n([A-Z][^\n]{40,})\n/, `\n\n$1 ${marker}\n`));
    await expect(open('never')).rejects.toThrow(IndexUnavailableError);
    const { engine, ready } = await open();
    expect(ready.rebuilt).toBe(true);
    expect(ready.reason).toMatch(/corpus changed/);
    expect(engine.guides.some((guide) => guide.sections.some((section) => section.paragraphs.some((paragraph) => paragraph.includes(marker))))).toBe(true);
    expect((await engine.ask('What does Kathy keep a lighthouse logbook of?', { mode: 'bm25' })).passages[0]!.text).toContain(marker);
    const reopened = await open();
    expect(reopened.ready.rebuilt).toBe(false);
    expect(reopened.engine.guides).toEqual(engine.guides);
  });

  it('rebuild an index of the format before them, one with other spelling rules, and a damaged snapshot, cleanly', async () => {
    await open();
    const manifestPath = path.join(config.INDEX_DIR, INDEX_FILES.manifest);
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { formatVersion: number; files: Record<string, string> };
    const { [INDEX_FILES.guides]: _snapshot, ...olderFiles } = manifest.files;
    fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, formatVersion: 2, files: olderFiles }));
    fs.rmSync(path.join(config.INDEX_DIR, INDEX_FILES.guides));
    const older = await open();
    expect(older.ready.rebuilt).toBe(true);
    expect(older.ready.reason).toMatch(/index format 2/);
    expect(fs.existsSync(path.join(config.INDEX_DIR, INDEX_FILES.guides))).toBe(true);

    const current = fs.readFileSync(manifestPath, 'utf8');
    fs.writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(current), spellingRules: 'made some other way' }));
    const otherRules = await open();
    expect(otherRules.ready.rebuilt).toBe(true);
    expect(otherRules.ready.reason).toMatch(/spelling index/);

    fs.writeFileSync(path.join(config.INDEX_DIR, INDEX_FILES.guides), encodeGuides([]));
    await expect(open('never')).rejects.toThrow(/guides\.bin does not match its recorded hash/);
    expect((await open()).ready.rebuilt).toBe(true);
    expect((await open()).ready.rebuilt).toBe(false);
  });

  it('are not taken for the guides of other files when the index is copied for guides that chunk the same', async () => {
    await open();
    const corpus = copyCorpus();
    const file = path.join(corpus, GUIDE);
    const before = fs.readFileSync(file, 'utf8');
    const after = before.replace('    "Summary": none\n', '    "Summary": part-two\n');
    expect(after).not.toBe(before);
    fs.writeFileSync(file, after);
    const indexDir = tempDir('guidebot-index-');
    const copied = testConfig({ CORPUS_DIR: corpus, INDEX_DIR: indexDir });
    expect(copyIndexAs(config.INDEX_DIR, indexDir, filesHash(corpusFiles(corpus)))).toBe(true);
    const events: BuildEvent[] = [];
    const engine = await Engine.open({ config: copied, logger: silentLogger, embedder, rebuild: 'never', onProgress: (event) => events.push(event) });
    expect(events.find((event) => event.stage === 'ready')).toMatchObject({ rebuilt: false });
    expect(engine.guides).toEqual(await loadCorpus(corpus));
    const summary = (sections: ReturnType<Engine['sections']>) => sections.find((section) => section.source === GUIDE && section.path.join(' › ') === 'Summary')!.part;
    expect(summary(engine.sections())).toBe('part-two');
    expect(summary((await open()).engine.sections())).toBe('none');
  });

  it('are read back exactly as parsed, and bytes that hold no guides are refused', async () => {
    const guides = await loadCorpus(CORPUS_DIR);
    expect(decodeGuides(encodeGuides(guides), guides.length)).toEqual(guides);
    expect(() => decodeGuides(encodeGuides(guides), guides.length + 1)).toThrow(/3 guides/);
    expect(() => decodeGuides(encodeGuides([{ source: 'a.md', title: 'A', meta: {}, sections: [{ path: ['A'], paragraphs: [1] }] }] as never), 1)).toThrow(/1 guides/);
  });
});
