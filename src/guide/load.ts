import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repairText } from './normalise.js';
import { spoilerMap } from './spoilers.js';
import type { Guide, Section } from './types.js';

export const GUIDE_EXTENSIONS = ['.md', '.markdown', '.txt'] as const;

/** A problem with the corpus that the person running Guidebot can fix. */
export class CorpusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

/** The guide files of a corpus folder (not its README), in file-name order. */
export function listGuideFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    throw new CorpusError(`The corpus folder ${dir} does not exist or cannot be read. Put the guides there as .md or .txt files, or set CORPUS_DIR.`);
  }
  return names.filter((name) => GUIDE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext)) && !/^readme\./i.test(name)).sort();
}

/** Loads every guide in a folder, in file-name order. */
export function loadCorpus(dir: string): Guide[] {
  const files = listGuideFiles(dir);
  if (files.length === 0) throw new CorpusError(`The corpus folder ${dir} has no guides (.md or .txt files).`);
  return files.map((name) => loadGuideFile(path.join(dir, name)));
}

export function loadGuideFile(file: string): Guide {
  const source = path.basename(file);
  const text = fs.readFileSync(file, 'utf8');
  const guide = file.toLowerCase().endsWith('.txt') ? parseTextGuide(text, source) : parseMarkdownGuide(text, source);
  if (!guide.sections.some((section) => section.paragraphs.length > 0)) {
    throw new CorpusError(`The guide ${source} has no text to index.`);
  }
  try {
    spoilerMap(guide);
  } catch (error) {
    throw new CorpusError((error as Error).message);
  }
  return guide;
}

function titleFromFileName(source: string): string {
  const stem = source
    .replace(/\.[^.]+$/, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  return stem.charAt(0).toUpperCase() + stem.slice(1);
}

function splitFrontMatter(text: string, source: string): { meta: Record<string, unknown>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!match) return { meta: {}, body: text };
  let meta: unknown;
  try {
    meta = parseYaml(match[1] ?? '');
  } catch (error) {
    throw new CorpusError(`The front matter of ${source} is not valid YAML: ${(error as Error).message}`);
  }
  if (meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) {
    throw new CorpusError(`The front matter of ${source} must be a YAML mapping (key: value lines).`);
  }
  return { meta: (meta ?? {}) as Record<string, unknown>, body: text.slice(match[0].length) };
}

/** Removes Markdown markup from a paragraph, leaving the guide's words. */
function stripInlineMarkdown(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\w*])[*_](?=\S)([^*_]*?\S)[*_](?!\w)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1');
}

const LIST_MARKER = /^\s*(?:[-*+]|\d+[.)])\s+/;

/** Markdown guides: YAML front matter (title, author, source, ...), `#` headings, blank-line paragraphs. */
export function parseMarkdownGuide(text: string, source: string): Guide {
  const { meta, body } = splitFrontMatter(repairText(text.replace(/^\uFEFF/, '')), source);
  const sections: Section[] = [];
  const headings: string[] = [];
  let current: Section = { path: [], paragraphs: [] };
  let buffer: string[] = [];

  const flushParagraph = () => {
    const paragraph = stripInlineMarkdown(buffer.join(' ').replace(/\s+/g, ' ').trim());
    if (paragraph !== '') current.paragraphs.push(paragraph);
    buffer = [];
  };

  for (const rawLine of body.split(/\r?\n/)) {
    const line = rawLine.trimEnd();
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      flushParagraph();
      if (current.paragraphs.length > 0 || current.path.length > 0) sections.push(current);
      const level = heading[1]!.length;
      headings.length = Math.min(headings.length, level - 1);
      headings.push(stripInlineMarkdown(heading[2]!));
      current = { path: [...headings], paragraphs: [] };
    } else if (line.trim() === '' || /^(\*\s*){3,}$|^(-\s*){3,}$/.test(line.trim())) {
      flushParagraph();
    } else if (LIST_MARKER.test(line)) {
      flushParagraph();
      buffer.push(line.replace(LIST_MARKER, ''));
    } else {
      buffer.push(line.replace(/^\s*>\s?/, ''));
    }
  }
  flushParagraph();
  if (current.paragraphs.length > 0 || current.path.length > 0) sections.push(current);

  const { title, author, ...rest } = meta as { title?: unknown; author?: unknown };
  return {
    source,
    title: typeof title === 'string' && title.trim() !== '' ? title.trim() : titleFromFileName(source),
    ...(typeof author === 'string' && author.trim() !== '' ? { author: author.trim() } : {}),
    meta: rest,
    sections,
  };
}

/**
 * Lines that web pages leave in copied text and that are not the guide's words: read-time badges,
 * shop links, audio-player timestamps, comment widgets.
 */
const DEBRIS_LINES: RegExp[] = [
  /^⏱?\s*\d+\s*min(ute)?s?\s+read$/i,
  /^buy (the|this) book\b/i,
  /^(\d{1,2}:)?\d{1,2}:\d{2}(\s+(\d{1,2}:)?\d{1,2}:\d{2})*$/,
  /^(subscribe|notify of|guest|\d+ comments?|inline feedbacks|view all comments|share to\.*|share|reply|log ?in|sign ?up)$/i,
  /^(exclusive to members|get access now|save your favou?rites|less ads|free newsletter|learn more|read more|join .{1,40} for free!?|comment with .{1,40})$/i,
];

function removeDebris(line: string): string | undefined {
  if (DEBRIS_LINES.some((pattern) => pattern.test(line))) return undefined;
  // An image's alt text glued to the next heading: "Title by Author - Book Cover Summary".
  const cover = /^.*\s-\s*Book Cover\s*(.*)$/i.exec(line);
  if (cover) return cover[1]?.trim() || undefined;
  return line;
}

/**
 * A heading in a plain-text guide is a short line (at most 16 words and 120 characters) that starts
 * with a capital letter or digit, contains a letter, and does not end like a sentence (`.`, `,`,
 * `;`, `:`, `!`, or a closing quote); a line ending in `?` counts, as guides use questions as
 * headings.
 */
export function looksLikeHeading(line: string): boolean {
  if (line.length > 120 || line.split(/\s+/).length > 16) return false;
  if (!/^[\p{Lu}\p{N}]/u.test(line) || !/\p{L}/u.test(line)) return false;
  if (/^\d+[.)]\s/.test(line)) return false;
  return !/[.,;:!"'”’)]$/.test(line);
}

/**
 * Groups the lines of a plain-text guide into blocks: a heading-like line or a list item is a
 * block of its own, as is a line after a blank line; a line that continues a paragraph whose
 * previous line did not end a sentence (hard-wrapped text) joins it.
 */
function textBlocks(text: string): string[] {
  const blocks: string[] = [];
  let open = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = removeDebris(rawLine.replace(/\s+/g, ' ').trim());
    if (line === undefined || line === '') {
      open = rawLine.trim() === '' ? false : open;
      continue;
    }
    const standalone = looksLikeHeading(line) || LIST_MARKER.test(line);
    if (open && !standalone) blocks[blocks.length - 1] += ` ${line}`;
    else blocks.push(standalone ? line.replace(LIST_MARKER, '') : line);
    open = !standalone && !/[.!?:"”’)]$/.test(line);
  }
  return blocks;
}

/**
 * Plain-text guides. Paragraphs are separated by blank lines or are single lines. The first line
 * is the title (and a following `by Author` line the author). Headings are found by
 * {@link looksLikeHeading}; their nesting by one rule: a heading followed directly by another
 * heading is its parent. A heading that stands alone is a sibling of the most recent heading that
 * had no child heading below it (so after "Plot Summary" / "Part One", "Part Two" is another part).
 */
export function parseTextGuide(text: string, source: string): Guide {
  const blocks = textBlocks(repairText(text.replace(/^\uFEFF/, '')));

  let title = titleFromFileName(source);
  let author: string | undefined;
  if (blocks[0] !== undefined && looksLikeHeading(blocks[0])) {
    title = blocks.shift()!;
    const byline = /^by(?:\s+(.+))?$/i.exec(blocks[0] ?? '');
    if (byline) {
      blocks.shift();
      if (byline[1]) author = byline[1];
    }
  }

  const sections: Section[] = [];
  const stack: string[] = [];
  let leafLevel = 1;
  let current: Section = { path: [], paragraphs: [] };
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!;
    if (!looksLikeHeading(block)) {
      current.paragraphs.push(block);
      continue;
    }
    if (current.paragraphs.length > 0 || current.path.length > 0) sections.push(current);
    const previousWasHeading = index > 0 && looksLikeHeading(blocks[index - 1]!);
    const level = previousWasHeading ? stack.length + 1 : blocks[index + 1] !== undefined && looksLikeHeading(blocks[index + 1]!) ? 1 : leafLevel;
    stack.length = Math.min(stack.length, level - 1);
    stack.push(block);
    if (!(blocks[index + 1] !== undefined && looksLikeHeading(blocks[index + 1]!))) leafLevel = level;
    current = { path: [...stack], paragraphs: [] };
  }
  if (current.paragraphs.length > 0 || current.path.length > 0) sections.push(current);

  return { source, title, ...(author ? { author } : {}), meta: {}, sections };
}
