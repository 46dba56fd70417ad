import type { Nodes, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { parse as parseYaml } from 'yaml';
import { repairText } from '../normalise.js';
import type { Guide } from '../types.js';
import { SectionBuilder, titleFromFileName } from './sections.js';
import { IngestError } from './types.js';

/** `<!-- page 12 -->`: the page the following paragraphs come from (written by guideToMarkdown for PDF guides). */
export const PAGE_MARKER = /^<!--\s*page\s+(\d+)\s*-->$/i;

function splitFrontMatter(text: string, source: string): { meta: Record<string, unknown>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(text);
  if (!match) return { meta: {}, body: text };
  let meta: unknown;
  try {
    meta = parseYaml(match[1] ?? '');
  } catch (error) {
    throw new IngestError('invalid-front-matter', `The front matter of ${source} is not valid YAML: ${(error as Error).message}`);
  }
  if (meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) {
    throw new IngestError('invalid-front-matter', `The front matter of ${source} must be a YAML mapping (key: value lines).`);
  }
  return { meta: (meta ?? {}) as Record<string, unknown>, body: text.slice(match[0].length) };
}

/** The words of inline content: markup, HTML tags and comments dropped, images by their alt text. */
function inlineText(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
      return node.value;
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    case 'break':
      return ' ';
    case 'html':
      return '';
    default:
      return 'children' in node ? node.children.map((child) => inlineText(child as Nodes)).join('') : '';
  }
}

/** Text of an HTML block that is not just tags or comments (a `<div>` wrapping words keeps its words). */
function htmlBlockText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .trim();
}

/**
 * Markdown guides, read by a CommonMark parser: YAML front matter (title, author, source, ...), ATX
 * and setext headings, paragraphs; list items and block-quote paragraphs are paragraphs of their own;
 * code blocks are paragraphs (never headings); HTML comments and link reference definitions are never
 * guide text, and `<!-- page N -->` gives the page of the paragraphs after it.
 */
export function parseMarkdownGuide(text: string, source: string): Guide {
  const { meta, body } = splitFrontMatter(repairText(text.replace(/^\uFEFF/, '')), source);
  const builder = new SectionBuilder();
  let page: number | undefined;

  const visit = (node: RootContent): void => {
    switch (node.type) {
      case 'heading':
        builder.heading(node.depth, inlineText(node));
        return;
      case 'paragraph':
        builder.paragraph(inlineText(node), page);
        return;
      case 'code':
        builder.paragraph(node.value, page);
        return;
      case 'html': {
        const marker = PAGE_MARKER.exec(node.value.trim());
        if (marker) page = Number(marker[1]);
        else builder.paragraph(htmlBlockText(node.value), page);
        return;
      }
      case 'list':
      case 'listItem':
      case 'blockquote':
        node.children.forEach(visit);
        return;
      default:
        // Definitions, thematic breaks: not guide text.
        return;
    }
  };
  fromMarkdown(body).children.forEach(visit);

  const { title, author, ...rest } = meta as { title?: unknown; author?: unknown };
  return {
    source,
    title: typeof title === 'string' && title.trim() !== '' ? title.trim() : titleFromFileName(source),
    ...(typeof author === 'string' && author.trim() !== '' ? { author: author.trim() } : {}),
    meta: rest,
    sections: builder.finish(),
  };
}
