import { spoilerMap } from '../spoilers.js';
import { checkGuide, commonWarnings } from './checks.js';
import { decodeText } from './decode.js';
import { parseMarkdownGuide } from './markdown.js';
import { parseTextGuide } from './text.js';
import { IngestError, type GuideFormat, type IngestInput, type IngestResult, type ParsedDocument } from './types.js';

export { guideToMarkdown } from './canonical.js';
export { MAX_PDF_PAGES } from './types.js';
export { LONG_SECTION_WORDS, MAX_GUIDE_WORDS, NO_HEADINGS_WARNING } from './checks.js';
export { previewOf, type GuidePreview, type SectionPreview } from './preview.js';
export * from './types.js';

/** The largest file accepted, in bytes (10 MB). */
export const MAX_GUIDE_BYTES = 10 * 1024 * 1024;

/** Each accepted file extension and the format it is read as. */
export const GUIDE_FORMATS: Readonly<Record<string, GuideFormat>> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.docx': 'docx',
  '.pdf': 'pdf',
};

/** The accepted extensions, e.g. for a folder listing. */
export const GUIDE_EXTENSIONS = Object.keys(GUIDE_FORMATS);

const ACCEPTED = 'a PDF (.pdf), a Word document (.docx), a web page (.html, .htm), Markdown (.md, .markdown) or plain text (.txt)';

/*
 * The readers of uploads load on first use. Besides start-up time and memory, this keeps pdfjs-dist
 * out of a process that never reads a PDF: its legacy build (the one Node 20 runs) installs core-js
 * polyfills over the global JSON.stringify and JSON.parse, which slow every JSON call in that thread.
 */
const adapters: Record<GuideFormat, (input: IngestInput) => Promise<ParsedDocument> | ParsedDocument> = {
  markdown: (input) => ({ guide: parseMarkdownGuide(decodeText(input.bytes, input.fileName), input.fileName), warnings: [] }),
  text: (input) => ({ guide: parseTextGuide(decodeText(input.bytes, input.fileName), input.fileName), warnings: [] }),
  html: async (input) => (await import('./html.js')).parseHtml(decodeText(input.bytes, input.fileName), input.fileName),
  docx: async (input) => (await import('./docx.js')).parseDocx(input),
  pdf: async (input) => (await import('./pdf.js')).parsePdf(input),
};

/** The format a file name's extension stands for, or undefined when it is not a guide format. */
export function formatOf(fileName: string): GuideFormat | undefined {
  const extension = /\.[^.]+$/.exec(fileName.toLowerCase())?.[0];
  return extension === undefined ? undefined : GUIDE_FORMATS[extension];
}

/**
 * Reads one file into a guide: picks the format from the extension, parses it, and applies the checks
 * every format shares. Throws {@link IngestError} with a message for the teacher when the file cannot
 * be a guide.
 */
export async function ingestGuide(input: IngestInput): Promise<IngestResult> {
  const format = formatOf(input.fileName);
  if (format === undefined) throw new IngestError('unsupported-type', `${input.fileName} is not a kind of file Guidebot can read: send ${ACCEPTED}.`);
  if (input.bytes.byteLength > MAX_GUIDE_BYTES) {
    throw new IngestError('too-large', `${input.fileName} is ${megabytes(input.bytes.byteLength)}, more than the ${megabytes(MAX_GUIDE_BYTES)} a guide may be: split it, or remove its images.`);
  }
  const parsed = await adapters[format](input);
  const guide = parsed.guide;
  const title = input.title?.trim();
  if (title) guide.title = title;
  if (format !== 'markdown') guide.meta = { ...guide.meta, source_format: format, source_file: input.fileName };
  try {
    spoilerMap(guide);
  } catch (error) {
    throw new IngestError('invalid-front-matter', (error as Error).message);
  }
  checkGuide(guide, input.fileName);
  return { guide, format, warnings: [...parsed.warnings, ...commonWarnings(guide)], ...(parsed.pageCount !== undefined ? { pageCount: parsed.pageCount } : {}) };
}

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
