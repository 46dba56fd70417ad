import JSZip from 'jszip';
import mammoth from 'mammoth';
import type { Guide } from '../types.js';
import { parseDocument, walkBlocks } from './dom-blocks.js';
import { SectionBuilder, collapse, titleFromFileName } from './sections.js';
import { IngestError, type IngestInput, type ParsedDocument } from './types.js';

/** A file in the OLE compound format: an encrypted (password-protected) Word file, or an old .doc. */
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** The title in the document's core properties (File › Info › Title in Word), if set. */
async function coreTitle(zip: JSZip): Promise<string | undefined> {
  const core = await zip.file('docProps/core.xml')?.async('string');
  if (core === undefined) return undefined;
  const document = parseDocument(core);
  const title = collapse(document.getElementsByTagName('dc:title')[0]?.textContent ?? '');
  return title || undefined;
}

/**
 * Word documents, through mammoth: paragraphs in the Heading 1…6 styles are headings, every other
 * paragraph, list item and table cell is a paragraph. The title comes from the core properties, else
 * a paragraph in the Title style, else the file name.
 */
export async function parseDocx(input: IngestInput): Promise<ParsedDocument> {
  const { bytes, fileName } = input;
  if (OLE_SIGNATURE.every((byte, index) => bytes[index] === byte)) {
    throw new IngestError('encrypted', `${fileName} is password-protected (or an old .doc file): open it in Word, remove the password, save it as .docx and send it again.`);
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zip: JSZip;
  let html: string;
  try {
    zip = await JSZip.loadAsync(buffer);
    html = (await mammoth.convertToHtml({ buffer }, { styleMap: ["p[style-name='Title'] => h1.guide-title:fresh"] })).value;
  } catch {
    throw new IngestError('corrupt', `${fileName} is not a readable Word document (it may be damaged or not really a .docx): open it in Word, save it again as .docx and send it again.`);
  }
  const document = parseDocument(`<!doctype html><html><body>${html}</body></html>`);
  const titleParagraph = document.querySelector('h1.guide-title');
  const styledTitle = collapse(titleParagraph?.textContent ?? '');
  titleParagraph?.remove();
  const builder = new SectionBuilder();
  walkBlocks(document.body, builder);
  const guide: Guide = { source: fileName, title: (await coreTitle(zip)) ?? (styledTitle || titleFromFileName(fileName)), meta: {}, sections: builder.finish() };
  return { guide, warnings: [] };
}
