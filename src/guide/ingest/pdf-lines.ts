import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { IngestError } from './types.js';

/** One line of text on a page, as laid out. */
export interface PdfLine {
  page: number;
  text: string;
  /** Font size in points (the largest on the line). */
  size: number;
  /** Every character on the line is in a bold face. */
  bold: boolean;
  /** Left edge, right edge and baseline, in points from the page's bottom-left corner. */
  x: number;
  right: number;
  y: number;
}

export interface PdfPages {
  pageCount: number;
  /** The lines of each page in the order the document draws them (its reading order), top of page first for each column. */
  pages: PdfLine[][];
  title?: string;
  author?: string;
}

/** A font whose name says it is bold (PostScript names such as `ABCDEF+Georgia-Bold`, `Helvetica-Black`, `Inter-SemiBold`). */
const BOLD_FONT = /bold|black|heavy|semibold|demi/i;

interface TextItem {
  str: string;
  dir: string;
  height: number;
  transform: number[];
  width: number;
  fontName: string;
  hasEOL: boolean;
}

/**
 * Reads the text layer of a PDF with pdfjs: each page's text items grouped into lines (items on one
 * baseline, in drawing order), with the size and weight of their font. Throws {@link IngestError}
 * for a password-protected, damaged or over-long file.
 */
export async function readPdfLines(bytes: Uint8Array, fileName: string, maxPages: number): Promise<PdfPages> {
  // pdfjs takes ownership of the buffer it is given and refuses a Node.js Buffer, so it gets a plain copy.
  const task = getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 });
  let document: Awaited<typeof task.promise>;
  try {
    document = await task.promise;
  } catch (error) {
    const name = (error as Error | undefined)?.name;
    if (name === 'PasswordException') {
      throw new IngestError('encrypted', `${fileName} is password-protected: open it, save or print it to a PDF without a password, and send that.`);
    }
    throw new IngestError('corrupt', `${fileName} is not a readable PDF (it may be damaged or cut short): download or export it again and send the new file.`);
  }
  try {
    if (document.numPages > maxPages) {
      throw new IngestError('too-long', `${fileName} has ${document.numPages} pages, more than the ${maxPages} a guide may have: split it into several guides.`);
    }
    const info = ((await document.getMetadata().catch(() => undefined))?.info ?? {}) as { Title?: unknown; Author?: unknown };
    const pages: PdfLine[][] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      const items = content.items.filter((item): item is TextItem => 'str' in item);
      // The fonts' real names (and so their weight) are known once the page's drawing operators are loaded.
      if (items.some((item) => item.str.trim() !== '')) await page.getOperatorList();
      const fontNames = new Map<string, string>();
      for (const item of items) {
        if (!fontNames.has(item.fontName)) {
          const font = page.commonObjs.has(item.fontName) ? (page.commonObjs.get(item.fontName) as { name?: string } | undefined) : undefined;
          fontNames.set(item.fontName, font?.name ?? '');
        }
      }
      pages.push(groupLines(items, number, (fontName) => BOLD_FONT.test(fontNames.get(fontName) ?? '')));
      page.cleanup();
    }
    const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
    return { pageCount: document.numPages, pages, ...(text(info.Title) ? { title: text(info.Title) } : {}), ...(text(info.Author) ? { author: text(info.Author) } : {}) };
  } finally {
    await document.destroy();
  }
}

/** Items on one baseline (within a third of the font size) and close together form a line. */
function groupLines(items: TextItem[], page: number, isBold: (fontName: string) => boolean): PdfLine[] {
  const lines: PdfLine[] = [];
  let current: (PdfLine & { boldChars: number; chars: number }) | undefined;
  const finish = () => {
    if (current && current.text.trim() !== '') {
      const { boldChars, chars, ...line } = current;
      lines.push({ ...line, text: line.text.replace(/\s+/g, ' ').trim(), bold: chars > 0 && boldChars === chars });
    }
    current = undefined;
  };
  for (const item of items) {
    const [a = 0, b = 0, , , x = 0, y = 0] = item.transform;
    const size = Math.hypot(a, b);
    const chars = item.str.replace(/\s/g, '').length;
    const sameLine = current !== undefined && Math.abs(current.y - y) <= Math.max(current.size, size) / 3 && x >= current.x - 1 && x - current.right <= Math.max(current.size, size) * 4;
    if (!sameLine) finish();
    if (current === undefined) {
      if (chars === 0) continue;
      current = { page, text: item.str, size, bold: false, x, right: x + item.width, y, boldChars: 0, chars: 0 };
    } else {
      const gap = x - current.right;
      const needsSpace = gap > size * 0.15 && !/\s$/.test(current.text) && !/^\s/.test(item.str);
      current.text += (needsSpace ? ' ' : '') + item.str;
      current.right = Math.max(current.right, x + item.width);
      if (chars > 0) current.size = Math.max(current.size, size);
    }
    current.chars += chars;
    if (isBold(item.fontName)) current.boldChars += chars;
    if (item.hasEOL) finish();
  }
  finish();
  return lines;
}
