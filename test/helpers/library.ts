import fs from 'node:fs';
import path from 'node:path';
import type { Embedder } from '../../src/embed/embedder.js';
import { loadEmbedder } from '../../src/embed/embedder.js';
import { localBookEngineFactory, type OpenBookEngine } from '../../src/library/engine-factory.js';
import { Library, type LibraryOptions } from '../../src/library/library.js';
import { guideParser } from '../../src/library/parser.js';
import type { Logger } from '../../src/log.js';
import { CORPUS_DIR, silentLogger, tempDir, testConfig } from './engine.js';

/** A short guide to another book, with distinct vocabulary. */
export const FRANKENSTEIN_GUIDE = `---
title: "Frankenstein — Study Notes"
book: "Frankenstein"
---

# Characters

## Victor Frankenstein

Victor Frankenstein is a young scientist from Geneva who builds a living creature from parts of dead bodies in his laboratory at Ingolstadt.

Victor abandons the creature the moment it opens its eyes, horrified by its yellow skin and watery eyes.

## The Creature

The creature learns to speak and read by secretly watching the De Lacey family through a crack in the wall of their cottage.

# Themes

## Dangerous Knowledge

Walton and Victor both chase forbidden knowledge at the North Pole and in the laboratory, and both pay for their ambition with isolation.
`;

/** A guide to the shared book (Never Let Me Go) that the host's guides do not hold. */
export const EXTRA_SHARED_BOOK_GUIDE = `---
title: "Class Notes on Hailsham"
book: "Never Let Me Go"
---

# Teacher Notes

## The Exchange Gallery

Our class decided that the Exchanges taught the students that their worth was measured by the poems and paintings they produced for Madame's gallery.
`;

export function copyCorpus(): string {
  const dir = tempDir('guidebot-corpus-');
  for (const name of fs.readdirSync(CORPUS_DIR)) if (name.endsWith('.md')) fs.copyFileSync(path.join(CORPUS_DIR, name), path.join(dir, name));
  return dir;
}

let embedder: Promise<Embedder> | undefined;
export function testEmbedder(): Promise<Embedder> {
  embedder ??= loadEmbedder(testConfig(), silentLogger);
  return embedder;
}

export interface TestLibrary {
  library: Library;
  root: string;
  indexDir: string;
  corpusDir: string;
  openEngine: OpenBookEngine;
}

/** A library in temporary folders over the real corpus (or the one given), the real offline model. */
export async function openTestLibrary(options: Partial<LibraryOptions> & { logger?: Logger } = {}): Promise<TestLibrary> {
  const config = testConfig();
  const root = options.root ?? tempDir('guidebot-library-');
  const indexDir = options.indexDir ?? config.INDEX_DIR;
  const corpusDir = options.corpusDir ?? CORPUS_DIR;
  const logger = options.logger ?? silentLogger;
  const openEngine = options.openEngine ?? localBookEngineFactory({ config, logger, embedder: await testEmbedder() });
  const library = new Library({ root, corpusDir, indexDir, openEngine, parser: guideParser, logger, memoryBudgetBytes: options.memoryBudgetBytes ?? 512 * 1024 * 1024 });
  await library.start();
  return { library, root, indexDir, corpusDir, openEngine };
}

export async function parseGuide(markdown: string, fileName = 'notes.md') {
  return guideParser.ingest({ fileName, bytes: Buffer.from(markdown, 'utf8') });
}
