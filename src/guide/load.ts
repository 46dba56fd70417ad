import fs from 'node:fs';
import path from 'node:path';
import { GUIDE_EXTENSIONS, IngestError, ingestGuide } from './ingest/index.js';
import { loadThreadsFor, loadWithThreads } from './load-threads.js';
import type { Guide } from './types.js';

/** A problem with the corpus that the person running Guidebot can fix. */
export class CorpusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

const ACCEPTED = GUIDE_EXTENSIONS.join(', ');

/** The guide files of a corpus folder (not its README), in file-name order. */
export function listGuideFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    throw new CorpusError(`The corpus folder ${dir} does not exist or cannot be read. Put the guides there (${ACCEPTED} files), or set CORPUS_DIR.`);
  }
  return names.filter((name) => GUIDE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext)) && !/^readme\./i.test(name)).sort();
}

/** The paths of a corpus folder's guide files, in file-name order; a folder without guides is a {@link CorpusError}. */
export function corpusFiles(dir: string): string[] {
  const files = listGuideFiles(dir);
  if (files.length === 0) throw new CorpusError(`The corpus folder ${dir} has no guides (${ACCEPTED} files).`);
  return files.map((name) => path.join(dir, name));
}

/** Loads every guide in a folder, in file-name order. */
export async function loadCorpus(dir: string): Promise<Guide[]> {
  return loadGuideFiles(corpusFiles(dir));
}

/** Reads one guide file of any accepted format; a file that cannot be a guide is a {@link CorpusError} naming it. */
export async function loadGuideFile(file: string): Promise<Guide> {
  const fileName = path.basename(file);
  try {
    return (await ingestGuide({ fileName, bytes: fs.readFileSync(file) })).guide;
  } catch (error) {
    if (error instanceof IngestError) throw new CorpusError(`The guide ${fileName} cannot be loaded: ${error.message}`);
    throw error;
  }
}

/** Loads the given guide files, in the order given; a large corpus is parsed by several threads at once (see load-threads.ts). */
export async function loadGuideFiles(files: readonly string[]): Promise<Guide[]> {
  const threads = loadThreadsFor(files);
  if (threads > 0) return loadWithThreads(files, threads, loadGuideFile, (name, message) => (name === 'CorpusError' ? new CorpusError(message) : new Error(message)));
  const guides: Guide[] = [];
  for (const file of files) guides.push(await loadGuideFile(file));
  return guides;
}
