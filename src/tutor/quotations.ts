import { citation as chunkCitation } from '../guide/chunk.js';
import type { Guide } from '../guide/types.js';
import { Bm25Index, type LexicalDocument } from '../search/bm25.js';

/** A highlighted quote or a quoted line of a guide, exactly as the guide gives it. */
export interface Quotation {
  text: string;
  citation: string;
  /** From a section the guide itself calls its quotes (e.g. "Highlighting Quotes"). */
  highlighted: boolean;
}

const QUOTE_SECTION = /\bquot(e|es|ations?)\b/i;
const QUOTED_LINE = /^["“‘'].{10,}["”’']$/s;

/**
 * The guides' quotations: every paragraph of a quotes section, and every paragraph that is one
 * quotation on its own. Each is searchable by its words, its section heading and the paragraphs
 * around it, which usually say who speaks and what the line means.
 */
export class QuotationFinder {
  private readonly quotations: Quotation[] = [];
  private readonly index: Bm25Index;
  private next = 0;

  constructor(guides: Guide[]) {
    const documents: LexicalDocument[] = [];
    for (const guide of guides) {
      for (const section of guide.sections) {
        const highlighted = section.path.some((heading) => QUOTE_SECTION.test(heading));
        section.paragraphs.forEach((text, index) => {
          if (!highlighted && !QUOTED_LINE.test(text.trim())) return;
          const id = String(this.quotations.length);
          this.quotations.push({ text, highlighted, citation: chunkCitation({ guide: guide.title, path: section.path, paragraph: index + 1, page: section.pages?.[index] }) });
          const context = [section.paragraphs[index - 1], section.paragraphs[index + 1]].filter((paragraph) => paragraph !== undefined).join(' ');
          documents.push({ id, text, heading: section.path, context });
        });
      }
    }
    this.index = new Bm25Index(documents, { headingWeight: 1, contextWeight: 0.5 });
  }

  all(): Quotation[] {
    return this.quotations;
  }

  /**
   * The quotation that best matches a topic, or undefined when none mentions it. Without a topic,
   * the highlighted quotes in turn.
   */
  find(topic?: string): Quotation | undefined {
    if (topic === undefined || topic.trim() === '') {
      const highlighted = this.quotations.filter((quotation) => quotation.highlighted);
      const pool = highlighted.length > 0 ? highlighted : this.quotations;
      if (pool.length === 0) return undefined;
      return pool[this.next++ % pool.length];
    }
    const [best] = this.index.search(topic, 1);
    return best === undefined ? undefined : this.quotations[Number(best.id)];
  }
}
