/**
 * `npm run --silent bench:library`: prints one JSON object with the per-server library figures for
 * the configured model: the time to add a 50-page guide end to end (parse, preview, index) as a PDF
 * (when this build reads PDFs) and as a Word document of the same text, the resident memory of one
 * loaded server library, and answer latency with 20 servers each holding 3 guides of their own; and
 * the time to set a 50-page guide's spoiler parts (`/guides book`) and, for comparison, to rename it
 * (which builds its book's index again from the cached vectors). For each format it also prints the
 * longest stall of the main thread's event loop while the file is parsed in this thread and in the
 * bot's parser thread, and the main-thread time to keep and read back its preview on disk.
 * Everything is written to temporary folders; the shared library is the repository's corpus.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { loadEmbedder } from '../src/embed/embedder.js';
import { parseEvalFile } from '../src/eval.js';
import { IngestError } from '../src/guide/ingest/index.js';
import { loadCorpus } from '../src/guide/load.js';
import { splitSentences } from '../src/guide/sentences.js';
import { localBookEngineFactory } from '../src/library/engine-factory.js';
import { Library } from '../src/library/library.js';
import { guideParser } from '../src/library/parser.js';
import { WorkerGuideParser } from '../src/library/worker-parser.js';
import { PendingImports } from '../src/bot/library/pending.js';
import { EVAL_QUESTION_FILES, exitWithError, parseCommandLine, startCli } from './cli.js';

const PAGES = 50;
/** Words of each chapter; at 11 pt a page holds about this much, so the PDF comes out at about PAGES pages. */
const WORDS_PER_PAGE = 590;
const SERVERS = 20;
const GUIDES_PER_SERVER = 3;
const PARAGRAPHS_PER_GUIDE = 30;
const QUESTION_ROUNDS = 3;

const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `guidebot-bench-library-${name}-`));

/** A seeded generator, so every run writes the same distinct text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Sentences of the corpus, each with a number that makes the text (and its vectors) distinct wherever it is used. */
async function sentencePool(corpusDir: string): Promise<string[]> {
  const guides = await loadCorpus(corpusDir);
  return guides.flatMap((guide) => guide.sections.flatMap((section) => section.paragraphs.flatMap((paragraph) => splitSentences(paragraph)))).filter((sentence) => sentence.split(' ').length >= 8);
}

/** A corpus sentence with a few of its words replaced by other corpus words: prose-like, and text no guide holds. */
function distinctSentence(pool: string[], vocabulary: string[], next: () => number): string {
  const words = pool[Math.floor(next() * pool.length)]!.split(' ');
  for (let swap = 0; swap < 3; swap++) words[1 + Math.floor(next() * (words.length - 2))] = vocabulary[Math.floor(next() * vocabulary.length)]!;
  return words.join(' ');
}

function paragraphsFrom(pool: string[], next: () => number, count: number): string[] {
  const vocabulary = [...new Set(pool.flatMap((sentence) => sentence.toLowerCase().match(/\b[a-z]{4,}\b/g) ?? []))];
  return Array.from({ length: count }, () => Array.from({ length: 4 }, () => distinctSentence(pool, vocabulary, next)).join(' '));
}

interface PageText {
  heading: string;
  paragraphs: string[];
}

function bookPages(pool: string[]): PageText[] {
  const next = random(42);
  return Array.from({ length: PAGES }, (_, page) => {
    const paragraphs: string[] = [];
    let words = 0;
    while (words < WORDS_PER_PAGE) {
      const [paragraph] = paragraphsFrom(pool, next, 1);
      paragraphs.push(paragraph!);
      words += paragraph!.split(' ').length;
    }
    return { heading: `Chapter ${page + 1} Notes`, paragraphs };
  });
}

/** Greedy line wrapping for a fixed-size font. */
function wrap(text: string, width: number, measure: (line: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (measure(candidate) > width && line !== '') {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * The pages as a PDF the way a word processor lays out notes: each chapter's heading (16 pt bold) follows
 * the end of the previous chapter on the same page, body text at 11 pt, a page number at the foot. (A
 * heading at the same place on every page would read as a running header, which PDF reading drops.)
 */
async function pdfOf(pages: PageText[]): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.setTitle('Never Let Me Go — Fifty Pages of Notes');
  const body = await document.embedFont(StandardFonts.TimesRoman);
  const bold = await document.embedFont(StandardFonts.TimesRomanBold);
  const size = { width: 595, height: 842, left: 56, right: 539, top: 780, bottom: 70 };
  let page = document.addPage([size.width, size.height]);
  let y = size.top;
  const line = (text: string, font: typeof body, fontSize: number, leading: number) => {
    if (y < size.bottom) {
      page = document.addPage([size.width, size.height]);
      y = size.top;
    }
    page.drawText(text, { x: size.left, y, size: fontSize, font });
    y -= leading;
  };
  for (const content of pages) {
    y -= 10;
    line(content.heading, bold, 16, 24);
    for (const paragraph of content.paragraphs) {
      for (const text of wrap(paragraph, size.right - size.left, (candidate) => body.widthOfTextAtSize(candidate, 11))) line(text, body, 11, 14);
      y -= 6;
    }
  }
  document.getPages().forEach((each, index) => each.drawText(String(index + 1), { x: size.width / 2, y: 30, size: 9, font: body }));
  return document.save();
}

async function docxOf(pages: PageText[]): Promise<Uint8Array> {
  const children = pages.flatMap((page) => [new Paragraph({ text: page.heading, heading: HeadingLevel.HEADING_1 }), ...page.paragraphs.map((text) => new Paragraph({ text }))]);
  return new Uint8Array(await Packer.toBuffer(new Document({ title: 'Never Let Me Go — Fifty Pages of Notes', sections: [{ children }] })));
}

const percentile = (sorted: number[], p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! * 100) / 100;
const mb = (bytes: number) => Math.round(bytes / 104857.6) / 10;

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Runs `work`, measuring its time, the longest the event loop of this thread was held up meanwhile, and
 * the share of that time this thread was busy rather than waiting (its event-loop utilisation).
 */
async function withStalls<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; stallMs: number; busy: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const utilisation = performance.eventLoopUtilization();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  const busy = performance.eventLoopUtilization(utilisation).utilization;
  histogram.disable();
  return { value, ms, stallMs: Math.round(histogram.max / 1e6), busy: Math.round(busy * 100) / 100 };
}

/** Main-thread blocking of a parse here and in the parser thread, and of keeping its preview on disk (written, then read back as after a restart). */
async function parseBlocking(file: { name: string; bytes: Uint8Array }, threaded: WorkerGuideParser) {
  // Both warm: this thread has read the file once already (above), the parser thread reads it once first.
  const here = await withStalls(() => guideParser.ingest({ fileName: file.name, bytes: new Uint8Array(file.bytes) }));
  await threaded.ingest({ fileName: file.name, bytes: new Uint8Array(file.bytes) });
  const there = await withStalls(() => threaded.ingest({ fileName: file.name, bytes: new Uint8Array(file.bytes) }));
  const dir = tempDir('pending');
  const pending = new PendingImports({ dir, parser: threaded });
  const token = '900000000000000001';
  const writeStarted = performance.now();
  pending.put(token, { guildId: '300000000000000000', userId: '300000000000000001', fileName: file.name, guideTitle: there.value.guide.title, parsed: there.value, createdAt: Date.now() });
  const writeMs = performance.now() - writeStarted;
  const readBack = await withStalls(() => pending.take(token));
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    in_process: { parse_ms: Math.round(here.ms), longest_stall_ms: here.stallMs, busy: here.busy },
    parser_thread: { parse_ms: Math.round(there.ms), longest_stall_ms: there.stallMs, busy: there.busy },
    preview_on_disk: { write_ms: Math.round(writeMs), read_back_ms: Math.round(readBack.ms), read_back_longest_stall_ms: readBack.stallMs },
  };
}

async function main() {
  parseCommandLine(process.argv.slice(2), { usage: 'npm run --silent bench:library', options: {} });
  const { config, logger } = startCli({ LOG_LEVEL: 'warn', MODEL_ID: process.env.MODEL_ID ?? 'offline' });
  const embedder = await loadEmbedder(config, logger);
  const pool = await sentencePool(config.CORPUS_DIR);
  const root = tempDir('servers');
  const indexDir = tempDir('index');
  const library = new Library({
    root,
    corpusDir: config.CORPUS_DIR,
    indexDir,
    openEngine: localBookEngineFactory({ config, logger, embedder }),
    parser: guideParser,
    logger,
    memoryBudgetBytes: 64 * 1024 * 1024 * 1024,
  });
  await library.start();

  // 1. A 50-page guide, end to end: parse, preview, index (the shared guides' vectors come from the cache, as in the bot).
  const pages = bookPages(pool);
  const add: Record<string, unknown> = {};
  const files = { pdf: { name: 'fifty-pages.pdf', bytes: await pdfOf(pages) }, docx: { name: 'fifty-pages.docx', bytes: await docxOf(pages) } };
  let guild = 0;
  const threaded = new WorkerGuideParser();
  const blocking: Record<string, unknown> = {};
  for (const [format, file] of Object.entries(files)) {
    const guildId = String(300000000000000000n + BigInt(guild++));
    const started = performance.now();
    let parsed;
    try {
      parsed = await guideParser.ingest({ fileName: file.name, bytes: file.bytes });
    } catch (error) {
      if (error instanceof IngestError && error.code === 'unsupported-type') {
        add[format] = { supported: false };
        continue;
      }
      throw error;
    }
    const parsedAt = performance.now();
    const preview = guideParser.preview(parsed);
    const previewAt = performance.now();
    let computed = 0;
    const guide = await library.addGuide(guildId, { parsed, fileName: file.name, addedBy: 'bench' }, { onProgress: (event) => event.stage === 'ready' && (computed = event.computed) });
    const doneAt = performance.now();
    // Spoiler parts for the whole guide and one section (/guides book): the index holds no parts, so it is copied, not built.
    let spoilerComputed = 0;
    let spoilerRebuilt = true;
    const section = preview.sections.find((candidate) => candidate.path.length > 0)!.path.join(' › ');
    await library.updateGuide(
      guildId,
      guide.id,
      { spoilers: { reveals: 'part-one', section: { typed: section, part: 'part-two' } } },
      {
        onProgress: (event) => {
          if (event.stage !== 'ready') return;
          spoilerComputed = event.computed;
          spoilerRebuilt = event.rebuilt;
        },
      },
    );
    const spoilersAt = performance.now();
    // For comparison in the same run, a rename: the index is built again (from the cached vectors).
    let renameComputed = 0;
    await library.updateGuide(guildId, guide.id, { title: `${guide.title} (renamed)` }, { onProgress: (event) => event.stage === 'ready' && (renameComputed = event.computed) });
    const renamedAt = performance.now();
    add[format] = {
      bytes: file.bytes.byteLength,
      ...(parsed.pageCount ? { pages: parsed.pageCount } : {}),
      sections: preview.sections.length,
      words: preview.sections.reduce((sum, section) => sum + section.words, 0),
      embedded: computed,
      parse_ms: Math.round(parsedAt - started),
      preview_ms: Math.round(previewAt - parsedAt),
      index_ms: Math.round(doneAt - previewAt),
      total_ms: Math.round(doneAt - started),
      spoiler_change: { embedded: spoilerComputed, rebuilt: spoilerRebuilt, ms: Math.round(spoilersAt - doneAt) },
      rename: { embedded: renameComputed, ms: Math.round(renamedAt - spoilersAt) },
    };
    blocking[format] = await parseBlocking(file, threaded);
  }
  await threaded.close();

  // 2. Twenty servers with three guides each (their own book, plus the shared guides), then memory and latency.
  const next = random(7);
  const servers = Array.from({ length: SERVERS }, (_, i) => String(400000000000000000n + BigInt(i)));
  const addStarted = performance.now();
  for (const [s, guildId] of servers.entries()) {
    for (let g = 0; g < GUIDES_PER_SERVER; g++) {
      const paragraphs = paragraphsFrom(pool, next, PARAGRAPHS_PER_GUIDE);
      const markdown = `---\ntitle: "Server ${s + 1} Notes ${g + 1}"\nbook: "Never Let Me Go"\n---\n\n${paragraphs.map((paragraph, p) => `${p % 5 === 0 ? `# Topic ${p / 5 + 1}\n\n` : ''}${paragraph}`).join('\n\n')}\n`;
      const parsed = await guideParser.ingest({ fileName: `notes-${g + 1}.md`, bytes: Buffer.from(markdown) });
      await library.addGuide(guildId, { parsed, fileName: `notes-${g + 1}.md`, addedBy: 'bench' });
    }
  }
  const addMs = performance.now() - addStarted;

  // Memory and latency in a fresh process, so nothing built above is counted.
  const measured = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--measure', JSON.stringify({ root, indexDir, servers })], {
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'silent' },
    }),
  ) as Record<string, unknown>;

  const result = {
    model: embedder.modelId,
    add_50_pages: add,
    main_thread_while_parsing: blocking,
    servers: { count: SERVERS, guides_each: GUIDES_PER_SERVER, add_ms_per_guide: Math.round(addMs / (SERVERS * GUIDES_PER_SERVER)) },
    ...measured,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(indexDir, { recursive: true, force: true });
}

/** In a fresh process: the shared library, then each server's own library loaded in turn (memory), then questions across them (latency). */
async function measure(spec: { root: string; indexDir: string; servers: string[] }) {
  const { config, logger } = startCli({ LOG_LEVEL: 'silent', MODEL_ID: process.env.MODEL_ID ?? 'offline' });
  const embedder = await loadEmbedder(config, logger);
  const library = new Library({
    root: spec.root,
    corpusDir: config.CORPUS_DIR,
    indexDir: spec.indexDir,
    openEngine: localBookEngineFactory({ config, logger, embedder }),
    parser: guideParser,
    logger,
    memoryBudgetBytes: 64 * 1024 * 1024 * 1024,
  });
  await library.start();
  const questions = EVAL_QUESTION_FILES.flatMap((file) => parseEvalFile(fs.readFileSync(file, 'utf8')).map((question) => question.question));
  // One question on the shared engine first, so the dictionaries every engine shares are loaded before memory is measured.
  await library.sharedEngine()!.ask(questions[0]!);
  collectGarbage();
  const rssShared = process.memoryUsage().rss;
  const loadTimes: number[] = [];
  for (const guildId of spec.servers) {
    const started = performance.now();
    await library.engineFor(guildId);
    loadTimes.push(performance.now() - started);
  }
  collectGarbage();
  const rssLoaded = process.memoryUsage().rss;

  const times: number[] = [];
  for (let round = 0; round < QUESTION_ROUNDS; round++) {
    for (const [i, question] of questions.entries()) {
      const guildId = spec.servers[(i + round) % spec.servers.length]!;
      const started = performance.now();
      const resolved = await library.engineFor(guildId);
      await resolved!.engine.ask(question, { k: 5 });
      times.push(performance.now() - started);
    }
  }
  times.sort((a, b) => a - b);
  loadTimes.sort((a, b) => a - b);
  const result = {
    load_ms: { p50: percentile(loadTimes, 50), max: percentile(loadTimes, 100) },
    rss_mb: { shared_only: mb(rssShared), with_20_loaded: mb(rssLoaded), per_loaded_library: mb((rssLoaded - rssShared) / spec.servers.length) },
    query_ms: { questions: times.length, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) },
  };
  process.stdout.write(JSON.stringify(result));
}

const measureAt = process.argv.indexOf('--measure');
(measureAt >= 0 ? measure(JSON.parse(process.argv[measureAt + 1]!) as { root: string; indexDir: string; servers: string[] }) : main()).catch((error: unknown) => exitWithError(error));
