import { stringify as stringifyYaml } from 'yaml';
import type { Guide } from '../types.js';

/** Backslash-escapes what CommonMark would read as markup, so the text reads back exactly as it is. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<]/g, '\\$&')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
    .replace(/^([#>+=~|-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

const escapeHeading = (text: string) => escapeMarkdown(text).replace(/#+$/, (hashes) => hashes.replace(/#/g, '\\#'));

/**
 * The canonical Markdown form of a guide, the form the library stores and exports: front matter
 * (title, book, author, the other fields), one `#` heading per section by its depth, one line per
 * paragraph, and `<!-- page N -->` before a paragraph from a new page. Reading it back with the
 * Markdown adapter gives the same sections, paragraphs and pages.
 */
export function guideToMarkdown(guide: Guide): string {
  const { book, ...rest } = guide.meta;
  const front = { title: guide.title, ...(book !== undefined ? { book } : {}), ...(guide.author !== undefined ? { author: guide.author } : {}), ...rest };
  const lines = ['---', stringifyYaml(front, { lineWidth: 0 }).trimEnd(), '---', ''];
  let page: number | undefined;
  for (const section of guide.sections) {
    if (section.path.length > 0) lines.push(`${'#'.repeat(Math.min(section.path.length, 6))} ${escapeHeading(section.path[section.path.length - 1]!)}`, '');
    section.paragraphs.forEach((paragraph, index) => {
      const paragraphPage = section.pages?.[index];
      if (paragraphPage !== undefined && paragraphPage !== page) {
        lines.push(`<!-- page ${paragraphPage} -->`, '');
        page = paragraphPage;
      }
      lines.push(escapeMarkdown(paragraph), '');
    });
  }
  return lines.join('\n');
}
