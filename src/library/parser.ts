import { guideToMarkdown, ingestGuide, previewOf, type GuidePreview, type IngestInput, type IngestResult } from '../guide/ingest/index.js';
import type { Guide } from '../guide/types.js';

/**
 * The one place the library meets the file-format adapters: parse an upload, preview it, and write
 * a guide as the canonical Markdown the corpus loader reads back. Injected, so tests and other
 * hosts (a worker) can pass their own.
 */

export type { GuidePreview };

export interface GuideParser {
  ingest(input: IngestInput): Promise<IngestResult>;
  preview(result: IngestResult): GuidePreview;
  toMarkdown(guide: Guide): string;
}

export const guideParser: GuideParser = { ingest: ingestGuide, preview: previewOf, toMarkdown: guideToMarkdown };
