import { isEnglishWord } from '../../search/english.js';
import type { Guide } from '../types.js';
import { readPdfLines, type PdfLine } from './pdf-lines.js';
import { SectionBuilder, titleFromFileName, wordCount } from './sections.js';
import { IngestError, MAX_PDF_PAGES, type IngestInput, type ParsedDocument } from './types.js';

/** A page with fewer characters of text than this has no text layer (a scan, or a blank page). */
export const MIN_PAGE_TEXT_CHARS = 20;
/** A line at least this much larger than the body text is a heading. */
export const HEADING_SIZE_RATIO = 1.15;
/** A heading is at most this many words; a longer line is text, whatever its font. */
export const MAX_HEADING_WORDS = 20;
/** A line repeated at the top or bottom of at least this share of the pages is a running header or footer. */
export const RUNNING_LINE_SHARE = 0.5;
/** How many lines at the top and at the bottom of a page can be running headers, footers or page numbers. */
const EDGE_LINES = 2;
/** A page at least this share of whose lines end in a page number is a table of contents (or an index). */
export const CONTENTS_LINE_SHARE = 0.6;
const CONTENTS_MIN_LINES = 4;
/** A gap between lines this many times the usual line spacing starts a paragraph. */
const PARAGRAPH_GAP_RATIO = 1.4;

const PAGE_NUMBER = /^(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:of|\/)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$/i;
const CONTENTS_LINE = /(?:\.{3,}|…+|\s)\s*\d{1,4}$/;
const ENDS_SENTENCE = /[.!?:;"”’)]$/;

const round = (size: number) => Math.round(size * 2) / 2;
const furnitureKey = (text: string) => text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();

/** The top and bottom lines of a page, where headers, footers and page numbers sit. */
function edgeLines(lines: PdfLine[]): PdfLine[] {
  const byHeight = [...lines].sort((a, b) => b.y - a.y);
  return [...new Set([...byHeight.slice(0, EDGE_LINES), ...byHeight.slice(-EDGE_LINES)])];
}

/** Drops running headers and footers (the same text, page numbers aside, at the top or bottom of most pages) and page numbers. */
function dropPageFurniture(pages: PdfLine[][]): PdfLine[][] {
  const counts = new Map<string, number>();
  for (const lines of pages) for (const key of new Set(edgeLines(lines).map((line) => furnitureKey(line.text)))) counts.set(key, (counts.get(key) ?? 0) + 1);
  const needed = Math.max(2, Math.ceil(pages.length * RUNNING_LINE_SHARE));
  return pages.map((lines) => {
    const edges = new Set(edgeLines(lines));
    return lines.filter((line) => !(edges.has(line) && (PAGE_NUMBER.test(line.text) || (counts.get(furnitureKey(line.text)) ?? 0) >= needed)));
  });
}

const looksLikeContents = (lines: PdfLine[]) => lines.length >= CONTENTS_MIN_LINES && lines.filter((line) => CONTENTS_LINE.test(line.text)).length >= lines.length * CONTENTS_LINE_SHARE;

/** The body text's font size: the size most characters are set in. */
function bodySize(lines: PdfLine[]): number {
  const chars = new Map<number, number>();
  for (const line of lines) chars.set(round(line.size), (chars.get(round(line.size)) ?? 0) + line.text.length);
  return [...chars.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}

/** Joins two lines of a paragraph, repairing a word hyphenated across them ("charac-" + "ter" → "character", but "well-" + "known" stays "well-known"). */
export function joinLines(first: string, second: string): string {
  if (first.endsWith('\u00AD')) return first.slice(0, -1) + second;
  const broken = /(\p{L}+)-$/u.exec(first);
  const rest = /^(\p{Ll}+)/u.exec(second);
  if (broken && rest) {
    return isEnglishWord((broken[1]! + rest[1]!).toLowerCase()) ? first.slice(0, -1) + second : first + second;
  }
  return `${first} ${second}`;
}

const usableTitle = (title: string | undefined) => (title !== undefined && !/\.(?:docx?|pdf|txt|indd|odt)$|^untitled\b|^microsoft word\b/i.test(title) ? title : undefined);

/**
 * PDF guides through pdfjs. Headings are lines set larger than the body text (each larger size a
 * level, the largest first) or short lines in bold at body size (the level below those); the title
 * is the document's Title property, else the largest line opening the first page. Running headers,
 * footers and page numbers are dropped, as are pages that look like a table of contents. Lines join
 * into paragraphs until a wider gap, a first-line indent, or a short line ending a sentence; each
 * paragraph keeps the page it starts on.
 */
export async function parsePdf(input: IngestInput): Promise<ParsedDocument> {
  const { bytes, fileName } = input;
  const document = await readPdfLines(bytes, fileName, MAX_PDF_PAGES);
  const warnings: string[] = [];
  const chars = (lines: PdfLine[]) => lines.reduce((sum, line) => sum + line.text.replace(/\s/g, '').length, 0);

  const withText = document.pages.filter((lines) => chars(lines) >= MIN_PAGE_TEXT_CHARS);
  if (withText.length === 0) {
    throw new IngestError(
      'scanned',
      `${fileName} is a scanned PDF with no text layer (its pages are pictures of text): run it through OCR (for example "Make searchable" in a PDF app) or send the original document.`,
    );
  }
  const untexted = document.pageCount - withText.length;
  if (untexted > 0) warnings.push(`${untexted} ${untexted === 1 ? 'page has' : 'pages have'} no text layer (scanned or blank) and ${untexted === 1 ? 'was' : 'were'} skipped`);

  const pages = dropPageFurniture(withText).filter((lines) => lines.length > 0);
  const contents = pages.filter(looksLikeContents);
  if (contents.length > 0) warnings.push(`${contents.length} ${contents.length === 1 ? 'page looks' : 'pages look'} like a table of contents and ${contents.length === 1 ? 'was' : 'were'} left out`);
  const lines = pages.filter((lines) => !contents.includes(lines)).flat();

  const body = bodySize(lines);
  const isSizeHeading = (line: PdfLine) => round(line.size) >= body * HEADING_SIZE_RATIO && wordCount(line.text) <= MAX_HEADING_WORDS;
  const isBoldHeading = (line: PdfLine) => line.bold && !isSizeHeading(line) && round(line.size) >= body * 0.95 && wordCount(line.text) <= MAX_HEADING_WORDS && !/[.,;:]$/.test(line.text);
  const headingSizes = [...new Set(lines.filter(isSizeHeading).map((line) => round(line.size)))].sort((a, b) => b - a);

  // The title: the lines in the largest size opening the first page, when that size is used nowhere else.
  let titleLines = 0;
  const largest = headingSizes[0];
  if (largest !== undefined && lines.filter((line) => round(line.size) === largest).every((line) => line.page === lines[0]!.page)) {
    while (titleLines < lines.length && round(lines[titleLines]!.size) === largest) titleLines++;
    if (titleLines !== lines.filter((line) => round(line.size) === largest).length) titleLines = 0;
  }
  const openingTitle = lines
    .slice(0, titleLines)
    .map((line) => line.text)
    .join(' ');
  const levelSizes = titleLines > 0 ? headingSizes.slice(1) : headingSizes;
  const levelOf = (line: PdfLine) => (isSizeHeading(line) ? levelSizes.indexOf(round(line.size)) + 1 : isBoldHeading(line) ? levelSizes.length + 1 : 0);

  // Usual spacing between consecutive lines of body text on a page.
  const gaps = lines.flatMap((line, index) => {
    const next = lines[index + 1];
    return next && next.page === line.page && levelOf(line) === 0 && levelOf(next) === 0 && line.y > next.y ? [line.y - next.y] : [];
  });
  const spacing = gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? body * 1.2;

  const pageLines = new Map<number, PdfLine[]>();
  for (const line of lines) {
    if (pageLines.has(line.page)) pageLines.get(line.page)!.push(line);
    else pageLines.set(line.page, [line]);
  }

  const builder = new SectionBuilder();
  let paragraph: { text: string; page: number } | undefined;
  let previous: PdfLine | undefined;
  const flush = () => {
    if (paragraph) builder.paragraph(paragraph.text, paragraph.page);
    paragraph = undefined;
  };
  let heading: { level: number; text: string; last: PdfLine } | undefined;
  const flushHeading = () => {
    if (heading) builder.heading(heading.level, heading.text);
    heading = undefined;
  };
  for (const line of lines.slice(titleLines)) {
    const level = levelOf(line);
    if (level > 0) {
      flush();
      previous = undefined;
      // A heading set on two lines is one heading.
      if (heading !== undefined && heading.level === level && heading.last.page === line.page && heading.last.y - line.y <= line.size * 1.6) {
        heading.text += ` ${line.text}`;
        heading.last = line;
      } else {
        flushHeading();
        heading = { level, text: line.text, last: line };
      }
      continue;
    }
    flushHeading();
    if (paragraph && previous && !startsParagraph(previous, line, pageLines.get(previous.page) ?? [], spacing)) {
      paragraph.text = joinLines(paragraph.text, line.text);
    } else {
      flush();
      paragraph = { text: line.text, page: line.page };
    }
    previous = line;
  }
  flush();
  flushHeading();

  const title = usableTitle(document.title) ?? (openingTitle || titleFromFileName(fileName));
  const guide: Guide = { source: fileName, title, ...(document.author ? { author: document.author } : {}), meta: {}, sections: builder.finish() };
  return { guide, warnings, pageCount: document.pageCount };
}

/** Whether a body line starts a new paragraph after the previous body line (`pageLines`: the lines of the previous line's page). */
function startsParagraph(previous: PdfLine, line: PdfLine, pageLines: PdfLine[], spacing: number): boolean {
  const ended = ENDS_SENTENCE.test(previous.text);
  // A new page or column: the paragraph goes on unless the last line ended a sentence.
  if (line.page !== previous.page || line.y >= previous.y) return ended;
  if (previous.y - line.y > spacing * PARAGRAPH_GAP_RATIO) return true;
  if (line.x - previous.x > line.size && ended) return true;
  const columnRight = Math.max(...pageLines.filter((other) => Math.abs(other.x - previous.x) <= previous.size * 3).map((other) => other.right));
  return ended && previous.right < columnRight - previous.size * 3;
}
