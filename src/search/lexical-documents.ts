import type { Chunk } from '../guide/types.js';
import { CONTEXT_WEIGHT, HEADING_WEIGHT, type Bm25Weights, type TermIdDocument } from './bm25.js';
import type { StoredTerms } from './corpus-terms.js';

/** The weights the chunks' lexical index is stored with; an engine tuned otherwise builds its own. */
export const CHUNK_WEIGHTS: Bm25Weights = { headingWeight: HEADING_WEIGHT, contextWeight: CONTEXT_WEIGHT };
/** The sections' lexical index has no context: a section is already all its paragraphs. */
export const sectionWeights = (headingWeight: number): Bm25Weights => ({ headingWeight, contextWeight: 0 });

const sameSection = (a: Chunk | undefined, b: Chunk) => a !== undefined && a.source === b.source && a.path.length === b.path.length && a.path.every((heading, i) => heading === b.path[i]);

/** The chunks as lexical documents: text, heading path and, as context, the text of the chunks before and after in the same section. */
export function chunkLexicalDocuments(chunks: readonly Chunk[], terms: Pick<StoredTerms, 'chunk'>): TermIdDocument[] {
  return chunks.map((chunk, i) => ({
    id: chunk.id,
    text: terms.chunk(i).text,
    heading: terms.chunk(i).heading,
    context: [i - 1, i + 1].filter((other) => sameSection(chunks[other], chunk)).map((other) => terms.chunk(other).text),
  }));
}

/** The sections that have paragraphs as lexical documents, named by `ids` (in the same order). */
export function sectionLexicalDocuments(ids: readonly string[], terms: Pick<StoredTerms, 'sections'>): TermIdDocument[] {
  if (ids.length !== terms.sections.length) throw new Error(`${ids.length} sections for ${terms.sections.length} stored term lists`);
  return ids.map((id, i) => ({ id, ...terms.sections[i]!, context: [] }));
}
