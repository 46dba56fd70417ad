import type { Section } from '../types.js';

/**
 * Builds a guide's sections from a stream of headings and paragraphs, the same way for every format:
 * a heading closes the open headings at its depth or deeper and nests under the rest, so `#` then
 * `###` gives a path of two headings and `##` then `##` two sections side by side; every heading starts a section (kept even when it has no paragraphs of its own), and text
 * before the first heading is a section with an empty path.
 */
export class SectionBuilder {
  private readonly sections: Section[] = [];
  /** The open headings, outermost first. */
  private readonly headings: { depth: number; text: string }[] = [];
  private current: Section = { path: [], paragraphs: [] };
  private pages: (number | undefined)[] = [];

  heading(depth: number, text: string): void {
    const heading = collapse(text);
    if (heading === '') return;
    this.close();
    while (this.headings.length > 0 && this.headings[this.headings.length - 1]!.depth >= depth) this.headings.pop();
    this.headings.push({ depth, text: heading });
    this.current = { path: this.headings.map((open) => open.text), paragraphs: [] };
  }

  paragraph(text: string, page?: number): void {
    const paragraph = collapse(text);
    if (paragraph === '') return;
    this.current.paragraphs.push(paragraph);
    this.pages.push(page);
  }

  finish(): Section[] {
    this.close();
    return this.sections;
  }

  private close(): void {
    const section = this.current;
    if (section.paragraphs.length === 0 && section.path.length === 0) return;
    if (this.pages.length > 0 && this.pages.every((page) => page !== undefined)) section.pages = this.pages;
    this.sections.push(section);
    this.pages = [];
  }
}

/** One line of text: runs of white space become single spaces. */
export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A readable title from a file name: `chapter-notes.pdf` → `Chapter notes`. */
export function titleFromFileName(fileName: string): string {
  const stem = fileName
    .replace(/\.[^.]+$/, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  return stem.charAt(0).toUpperCase() + stem.slice(1);
}

export const wordCount = (text: string): number => text.split(/\s+/).filter(Boolean).length;
