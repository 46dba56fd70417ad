import { wordCount } from './sections.js';
import type { GuideFormat, IngestResult } from './types.js';

export interface SectionPreview {
  path: string[];
  paragraphs: number;
  words: number;
  /** First and last page (guides with pages). */
  pages?: [number, number];
}

export interface GuidePreview {
  title: string;
  format: GuideFormat;
  pageCount?: number;
  sections: SectionPreview[];
  warnings: string[];
}

/** What a teacher sees before adding a guide: its title, the sections found, their sizes, the warnings. */
export function previewOf(result: IngestResult): GuidePreview {
  return {
    title: result.guide.title,
    format: result.format,
    ...(result.pageCount !== undefined ? { pageCount: result.pageCount } : {}),
    sections: result.guide.sections.map((section) => ({
      path: section.path,
      paragraphs: section.paragraphs.length,
      words: section.paragraphs.reduce((sum, paragraph) => sum + wordCount(paragraph), 0),
      ...(section.pages && section.pages.length > 0 ? { pages: [Math.min(...section.pages), Math.max(...section.pages)] as [number, number] } : {}),
    })),
    warnings: result.warnings,
  };
}
