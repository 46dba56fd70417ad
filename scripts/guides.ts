/**
 * `npm run --silent guides -- preview FILE [--title TEXT]`: how a guide file parses, as one JSON object.
 * `npm run guides -- add FILE [--book NAME] [--title TEXT] [--replace]`: adds it to the host's guide
 * folder (CORPUS_DIR) in canonical Markdown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { guideToMarkdown, ingestGuide, previewOf, type IngestResult } from '../src/guide/ingest/index.js';
import { exitWithError, parseCommandLine, startCli, USAGE_EXIT_CODE } from './cli.js';

const USAGE = 'npm run guides -- preview FILE [--title TEXT] | add FILE [--book NAME] [--title TEXT] [--replace]';

/** A message for the person at the terminal: printed without a stack trace. */
class CommandError extends Error {}

async function readGuide(file: string, title: string | undefined): Promise<IngestResult> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new CommandError(`${file} does not exist or cannot be read.`);
  }
  return ingestGuide({ fileName: path.basename(file), bytes, ...(title !== undefined ? { title } : {}) });
}

/** `Chapter Notes (final).pdf` → `chapter-notes-final.md`. */
export function canonicalFileName(fileName: string): string {
  const stem = fileName
    .replace(/\.[^.]+$/, '')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${stem || 'guide'}.md`;
}

/** Writes next to the target and renames over it, so a reader (the bot's folder watcher) never sees half a file. */
function writeAtomic(target: string, text: string): void {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new CommandError(`Could not write ${target}: ${(error as Error).message}`);
  }
}

async function add(file: string, options: { book?: string; title?: string; replace?: boolean }): Promise<void> {
  const { config } = startCli();
  const result = await readGuide(file, options.title);
  const book = options.book?.trim();
  if (book) result.guide.meta = { ...result.guide.meta, book };
  const target = path.join(config.CORPUS_DIR, canonicalFileName(path.basename(file)));
  const existed = fs.existsSync(target);
  if (existed && !options.replace) throw new CommandError(`${target} already exists: add --replace to replace it, or rename the file first.`);
  if (!fs.existsSync(config.CORPUS_DIR)) throw new CommandError(`The guide folder ${config.CORPUS_DIR} does not exist: create it, or set CORPUS_DIR.`);
  writeAtomic(target, guideToMarkdown(result.guide));

  const preview = previewOf(result);
  const paragraphs = preview.sections.reduce((sum, section) => sum + section.paragraphs, 0);
  const words = preview.sections.reduce((sum, section) => sum + section.words, 0);
  const lines = [
    `${existed ? 'Replaced' : 'Added'} "${result.guide.title}"${book ? ` (book: ${book})` : ''} as ${target}: ${preview.sections.length} sections, ${paragraphs} paragraphs, ${words} words, from ${result.format.toUpperCase()}.`,
    ...result.warnings.map((warning) => `Warning: ${warning}.`),
    'A running Guidebot picks the change up on its own; otherwise it is indexed at the next start (or run `npm run index`).',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function main() {
  const { values, positionals } = parseCommandLine(process.argv.slice(2), {
    usage: USAGE,
    positionals: true,
    options: { book: { type: 'string' }, title: { type: 'string' }, replace: { type: 'boolean' } },
  });
  const [command, file, ...extra] = positionals;
  if ((command !== 'preview' && command !== 'add') || file === undefined || extra.length > 0) {
    process.stderr.write(
      `${command === undefined ? 'Say what to do' : file === undefined ? 'Name the guide file' : extra.length > 0 ? `Unexpected argument "${extra[0]}"` : `Unknown command "${command}"`}. Usage: ${USAGE}\n`,
    );
    process.exit(USAGE_EXIT_CODE);
  }
  if (command === 'preview') {
    if (values.book !== undefined || values.replace !== undefined) {
      process.stderr.write(`preview takes only --title. Usage: ${USAGE}\n`);
      process.exit(USAGE_EXIT_CODE);
    }
    process.stdout.write(JSON.stringify(previewOf(await readGuide(file, values.title))) + '\n');
  } else {
    await add(file, values);
  }
}

main().catch((error: unknown) => {
  if (error instanceof CommandError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  exitWithError(error);
});
