import { parseHTML } from 'linkedom';
import { collapse, type SectionBuilder } from './sections.js';

/** The part of the DOM (as linkedom builds it) that the adapters use. */
export interface DomNode {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
}
export interface DomElement extends DomNode {
  readonly localName: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  remove(): void;
}
export interface DomDocument {
  readonly body: DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getElementsByTagName(name: string): ArrayLike<DomElement>;
}

/** Parses HTML (or an XML part of an Office file) into a document. */
export function parseDocument(html: string): DomDocument {
  return (parseHTML(html) as { document: unknown }).document as DomDocument;
}

/** Elements that end the running paragraph: their text is a block of its own. */
const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'li', 'main',
  'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]); // prettier-ignore
/** Elements whose text is never guide text. */
const SKIPPED_TAGS = new Set(['script', 'style', 'noscript', 'template', 'svg', 'button', 'iframe', 'select', 'textarea', 'head']);

/** The heading level an element stands for: `h1`…`h6`, or the level recorded before an extraction renamed it. */
export const LEVEL_ATTRIBUTE = 'data-guide-level';

/**
 * Walks an HTML tree in document order and feeds its headings (h1–h6) and text blocks (paragraphs,
 * list items, table cells, loose text between blocks) to the builder; inline markup is flattened.
 * `clean` may drop or repair a block's text (web-page debris).
 */
export function walkBlocks(root: DomNode, builder: SectionBuilder, clean: (text: string) => string | undefined = (text) => text): void {
  let buffer = '';
  const flush = () => {
    const text = clean(collapse(buffer));
    if (text !== undefined) builder.paragraph(text);
    buffer = '';
  };
  const visit = (node: DomNode): void => {
    if (node.nodeType === 3) {
      buffer += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const element = node as DomElement;
    const tag = element.localName.toLowerCase();
    if (SKIPPED_TAGS.has(tag)) return;
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      flush();
      builder.heading(Number(element.getAttribute(LEVEL_ATTRIBUTE) ?? heading[1]), element.textContent ?? '');
      return;
    }
    if (tag === 'br') {
      buffer += ' ';
      return;
    }
    if (tag === 'img') {
      return;
    }
    const block = BLOCK_TAGS.has(tag);
    if (block) flush();
    Array.from(element.childNodes).forEach(visit);
    if (block) flush();
  };
  visit(root);
  flush();
}
