import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

/** A block of a generated PDF: a heading, a paragraph wrapped to the text width, or lines placed as given. */
export type PdfBlock = { kind: 'title' | 'heading' | 'subheading'; text: string } | { kind: 'paragraph'; text: string } | { kind: 'lines'; lines: string[] } | { kind: 'page-break' };

export const BODY_SIZE = 11;
const LEADING = 14;
const PAGE = { width: 612, height: 792, left: 72, right: 540, top: 720, bottom: 80 };

/**
 * Lays blocks out on US-letter pages the way a word processor exports them: a running header and a
 * "Page n of m" footer on every page, the title at 24 pt bold, headings at 16 pt bold, subheadings
 * bold at the body size, body text at 11 pt with wider gaps between paragraphs. Returns the PDF.
 */
export async function makePdf(blocks: PdfBlock[], options: { header?: string; title?: string } = {}): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  if (options.title) document.setTitle(options.title);
  const regular = await document.embedFont(StandardFonts.TimesRoman);
  const bold = await document.embedFont(StandardFonts.TimesRomanBold);
  const pages: PDFPage[] = [];
  let page!: PDFPage;
  let y = 0;
  const newPage = () => {
    page = document.addPage([PAGE.width, PAGE.height]);
    pages.push(page);
    y = PAGE.top;
  };
  const line = (text: string, font: PDFFont, size: number, x = PAGE.left) => {
    if (y < PAGE.bottom) newPage();
    page.drawText(text, { x, y, size, font });
    y -= size > BODY_SIZE ? size * 1.4 : LEADING;
  };
  newPage();
  for (const block of blocks) {
    switch (block.kind) {
      case 'page-break':
        newPage();
        break;
      case 'title':
        line(block.text, bold, 24);
        y -= 12;
        break;
      case 'heading':
        if (y < PAGE.bottom + 60) newPage();
        y -= 8;
        line(block.text, bold, 16);
        break;
      case 'subheading':
        if (y < PAGE.bottom + 40) newPage();
        line(block.text, bold, BODY_SIZE);
        break;
      case 'paragraph':
        wrap(block.text, regular, BODY_SIZE, PAGE.right - PAGE.left).forEach((text) => line(text, regular, BODY_SIZE));
        y -= 8;
        break;
      case 'lines':
        block.lines.forEach((text) => line(text, regular, BODY_SIZE));
        y -= 8;
        break;
    }
  }
  pages.forEach((each, index) => {
    if (options.header) each.drawText(options.header, { x: PAGE.left, y: 750, size: 9, font: regular });
    each.drawText(`Page ${index + 1} of ${pages.length}`, { x: 270, y: 40, size: 9, font: regular });
  });
  return document.save();
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (current !== '' && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  if (current !== '') lines.push(current);
  return lines;
}

const sentence = (n: number) =>
  `Kathy remembers lesson ${['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'][n % 10]} at Hailsham, where the guardians watched the students closely and said little about the future.`;
export const LONG_PARAGRAPH = Array.from({ length: 30 }, (_, n) => sentence(n)).join(' ');

/** Study notes over four pages: a title page, a contents page, two parts with a subsection, a word hyphenated at a line end, a paragraph across a page break. */
export const STUDY_NOTES: PdfBlock[] = [
  { kind: 'title', text: 'Never Let Me Go: A Study Guide' },
  { kind: 'paragraph', text: 'These notes follow the three parts of the novel and the questions the class discussed in the autumn term.' },
  { kind: 'paragraph', text: 'Each part ends with a few questions to think about before the next lesson.' },
  { kind: 'page-break' },
  {
    kind: 'lines',
    lines: ['Contents', 'Part One: Hailsham .......... 3', 'The Gallery .......... 3', 'Part Two: The Cottages .......... 4', 'Part Three: Becoming Adults .......... 5', 'Questions .......... 5'],
  },
  { kind: 'page-break' },
  { kind: 'heading', text: 'Part One: Hailsham' },
  { kind: 'paragraph', text: 'The first part is set at Hailsham, a boarding school in the English countryside where Kathy, Ruth and Tommy grow up together.' },
  { kind: 'subheading', text: 'The Gallery' },
  {
    kind: 'lines',
    lines: [
      'Madame visits Hailsham to choose the best art for her gallery. Each charac-',
      'ter in the novel remembers these visits, and the well-',
      'known rumour about the gallery grows every single term.',
    ],
  },
  { kind: 'paragraph', text: LONG_PARAGRAPH },
  { kind: 'heading', text: 'Part Two: The Cottages' },
  { kind: 'paragraph', text: 'At the Cottages the older students read novels, argue about the possibles and wait to begin their training as carers.' },
];

/** A PDF whose pages are only pictures (as a scanner makes them): no text layer at all. */
export async function makeScannedPdf(pageCount: number): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const image = await document.embedPng(greyPng(64, 80));
  for (let index = 0; index < pageCount; index++) document.addPage([612, 792]).drawImage(image, { x: 0, y: 0, width: 612, height: 792 });
  return document.save();
}

/** A grey PNG with darker stripes, written by hand (8-bit greyscale, one zlib stream). */
function greyPng(width: number, height: number): Uint8Array {
  const rows = Buffer.alloc((width + 1) * height);
  for (let row = 0; row < height; row++) for (let column = 0; column < width; column++) rows[row * (width + 1) + 1 + column] = row % 8 < 2 ? 40 : 220;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
