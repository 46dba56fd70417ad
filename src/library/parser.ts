import { stringify as stringifyYaml } from 'yaml';
import { IngestError, type IngestInput, type IngestResult } from '../guide/ingest/types.js';
import { parseMarkdownGuide, parseTextGuide } from '../guide/load.js';
import type { Guide } from '../guide/types.js';
import { MAX_GUIDE_FILE_BYTES } from './limits.js';

/**
 * The one place the library meets the file-format adapters: parse an upload, preview it, and write
 * a guide as the canonical Markdown the corpus loader reads back.
 */

export interface GuidePreview {
  title: string;
  sections: { path: string[]; paragraphs: number; words: number; pages?: [number, number] }[];
  warnings: string[];
}

export interface GuideParser {
  ingest(input: IngestInput): Promise<IngestResult>;
  preview(result: IngestResult): GuidePreview;
  toMarkdown(guide: Guide): string;
}

const FORMATS = [
  { pattern: /\.(md|markdown)$/i, format: 'markdown' },
  { pattern: /\.txt$/i, format: 'text' },
] as const;

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

async function ingest(input: IngestInput): Promise<IngestResult> {
  const kind = FORMATS.find(({ pattern }) => pattern.test(input.fileName));
  if (!kind) throw new IngestError('unsupported-type', `Guidebot reads guides as Markdown (.md) or plain text (.txt); “${input.fileName}” is neither. Save it in one of those formats and upload it again.`);
  if (input.bytes.byteLength > MAX_GUIDE_FILE_BYTES) throw new IngestError('too-large', `That file is over ${MAX_GUIDE_FILE_BYTES / 1048576} MB, the largest guide Guidebot takes. Split it into parts and upload each.`);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(input.bytes);
  if (text.includes('\u0000')) throw new IngestError('corrupt', `“${input.fileName}” is not a text file (it holds binary data). Save the guide as Markdown or plain text and upload it again.`);
  const guide = await Promise.resolve(kind.format === 'markdown' ? parseMarkdownGuide(text, input.fileName) : parseTextGuide(text, input.fileName));
  const withText = guide.sections.filter((section) => section.paragraphs.length > 0);
  if (withText.length === 0) throw new IngestError('empty', `“${input.fileName}” has no text to index. Check it is the right file.`);
  const warnings: string[] = [];
  if (guide.sections.every((section) => section.path.length === 0)) warnings.push('No headings found: the whole file is one section, so citations will not name a section.');
  return { guide: input.title ? { ...guide, title: input.title } : guide, format: kind.format, warnings };
}

function preview(result: IngestResult): GuidePreview {
  return {
    title: result.guide.title,
    sections: result.guide.sections.map((section) => ({ path: section.path, paragraphs: section.paragraphs.length, words: section.paragraphs.reduce((sum, paragraph) => sum + countWords(paragraph), 0) })),
    warnings: result.warnings,
  };
}

function toMarkdown(guide: Guide): string {
  const front: Record<string, unknown> = { title: guide.title, ...(guide.author ? { author: guide.author } : {}), ...guide.meta };
  const lines = ['---', stringifyYaml(front).trimEnd(), '---', ''];
  let open: string[] = [];
  for (const section of guide.sections) {
    // Every heading of the path that is not already open is written, so a section's ancestors exist even when they hold no text.
    const shared = open.findIndex((heading, level) => section.path[level] !== heading);
    const from = shared === -1 ? (section.path.length > open.length ? open.length : section.path.length - 1) : Math.min(shared, section.path.length - 1);
    for (let level = Math.max(0, from); level < section.path.length; level++) lines.push(`${'#'.repeat(Math.min(6, level + 1))} ${section.path[level]!}`, '');
    open = section.path;
    for (const paragraph of section.paragraphs) lines.push(paragraph.replace(/\s*\n\s*/g, ' '), '');
  }
  return lines.join('\n');
}

export const guideParser: GuideParser = { ingest, preview, toMarkdown };
