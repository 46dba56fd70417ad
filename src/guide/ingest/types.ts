import type { Guide } from '../types.js';

/** The file formats a guide may come in. */
/** The most pages a PDF guide may have. */
export const MAX_PDF_PAGES = 500;

export type GuideFormat = 'markdown' | 'text' | 'pdf' | 'docx' | 'html';

/** One uploaded or host file, before parsing. */
export interface IngestInput {
  /** The file's own name (its extension picks the format), e.g. `chapter-notes.pdf`. */
  fileName: string;
  bytes: Uint8Array;
  /** A title chosen by the teacher; otherwise the document's own (front matter, PDF/Word metadata, first heading, <title>) or the file name. */
  title?: string;
}

/** A parsed guide, ready to preview and index. */
export interface IngestResult {
  guide: Guide;
  format: GuideFormat;
  /** Things a teacher should know before adding it ("no headings found", "3 pages look like a table of contents"…). */
  warnings: string[];
  /** Pages in the source document (PDF only). */
  pageCount?: number;
}

/** Why a file cannot become a guide. */
export type IngestErrorCode =
  | 'unsupported-type'
  | 'too-large'
  | 'too-long'
  | 'encrypted'
  | 'corrupt'
  | 'empty'
  | 'scanned'
  | 'not-prose'
  | 'invalid-front-matter'
  /** Reading the file took longer than the parse time limit (a parser in a worker thread). */
  | 'timed-out'
  /** Too many files are being read at once; the teacher tries again shortly. */
  | 'busy';

/** A file that cannot become a guide: `message` is one friendly sentence for the teacher, saying what to do. */
export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

/** What one format's adapter returns, before the checks every format shares. */
export interface ParsedDocument {
  guide: Guide;
  warnings: string[];
  pageCount?: number;
}
