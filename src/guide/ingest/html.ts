import { Readability } from '@mozilla/readability';
import type { Guide } from '../types.js';
import { removeDebris } from './debris.js';
import { LEVEL_ATTRIBUTE, parseDocument, walkBlocks } from './dom-blocks.js';
import { SectionBuilder, collapse, titleFromFileName, wordCount } from './sections.js';

/** A block this short that names the article's author is its byline ("Article written by …"), not guide text. */
const BYLINE_MAX_WORDS = 12;
import { IngestError, type ParsedDocument } from './types.js';

/**
 * Saved web pages: Readability finds the article (dropping navigation, ads, share and comment
 * widgets, footers); its headings and text blocks become the guide. The page's `<title>` (or its
 * first heading) is the guide's title.
 */
export function parseHtml(html: string, fileName: string): ParsedDocument {
  const document = parseDocument(html);
  // Readability renames every h1 to h2; the level recorded here keeps the outline.
  Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).forEach((heading) => heading.setAttribute(LEVEL_ATTRIBUTE, heading.localName.slice(1)));
  const pageTitle = collapse(document.querySelector('title')?.textContent ?? '');
  const article = new Readability(document, { keepClasses: false }).parse();
  if (!article?.content) throw new IngestError('empty', `${fileName} has no article text that Guidebot could find: save the page with its text, or copy the text into a .txt file.`);

  const content = parseDocument(`<!doctype html><html><body>${article.content}</body></html>`);
  const builder = new SectionBuilder();
  const byline = collapse(article.byline ?? '');
  // The author line stays in the article when the page's metadata also names the author.
  const isByline = (text: string) => byline !== '' && text.includes(byline) && wordCount(text) <= BYLINE_MAX_WORDS;
  walkBlocks(content.body, builder, (text) => (isByline(text) ? undefined : removeDebris(text)));
  const sections = builder.finish();
  const title = collapse(article.title ?? '') || pageTitle || titleFromFileName(fileName);
  const guide: Guide = { source: fileName, title, ...(byline ? { author: byline } : {}), meta: {}, sections };
  return { guide, warnings: [] };
}
