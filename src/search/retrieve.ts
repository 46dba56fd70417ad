import type { Bm25Index } from './bm25.js';
import type { VectorIndex } from './vector-index.js';

export type RetrievalMode = 'hybrid' | 'dense' | 'bm25';

/** Reciprocal rank fusion constant: small, because a guide has tens of relevant passages, not thousands. */
export const RRF_K = 10;
/** Weight of the section ranking (BM25 over whole sections), which lifts passages of the section that is about the question. */
export const SECTION_WEIGHT = 0.5;
/** How deep each ranking is read before fusing. */
export const CANDIDATES_PER_RANKER = 40;
/** At most this many passages from one section in a result list, so one section cannot crowd out the rest. */
export const MAX_PASSAGES_PER_SECTION = 2;

export interface PassageRef {
  id: string;
  /** Identifies the paragraph (chunks of one paragraph share it). */
  paragraphKey: string;
  sectionKey: string;
}

export interface RankedPassage {
  id: string;
  /** Fused score (higher is better); comparable only within one result list. */
  score: number;
  /** Cosine similarity to the question, when the dense ranking saw this passage. */
  dense?: number;
  /** BM25 score, when the lexical ranking saw it. */
  lexical?: number;
}

export interface RetrievalSources {
  dense: VectorIndex;
  lexical: Bm25Index;
  /** BM25 over whole sections, keyed by section key. */
  sections: Bm25Index;

  /** Chunk or note id for each vector label. */
  idForLabel: (label: number) => string | undefined;
  refFor: (id: string) => PassageRef | undefined;
}

export interface RetrieveOptions {
  mode: RetrievalMode;
  denseWeight: number;
  sectionWeight?: number;
  rrfK?: number;
  limit: number;
}

/**
 * Dense (HNSW) and lexical (BM25) rankings fused with weighted reciprocal rank fusion, then
 * de-duplicated: one passage per paragraph, at most {@link MAX_PASSAGES_PER_SECTION} per section.
 */
export function retrieve(sources: RetrievalSources, question: string, queryVector: Float32Array | undefined, options: RetrieveOptions): RankedPassage[] {
  const rrfK = options.rrfK ?? RRF_K;
  const fused = new Map<string, RankedPassage>();
  const entry = (id: string) => {
    let passage = fused.get(id);
    if (!passage) fused.set(id, (passage = { id, score: 0 }));
    return passage;
  };

  if (options.mode !== 'bm25' && queryVector) {
    const weight = options.mode === 'dense' ? 1 : options.denseWeight;
    sources.dense.search(queryVector, CANDIDATES_PER_RANKER).forEach((hit, rank) => {
      const id = sources.idForLabel(hit.label);
      if (id === undefined) return;
      const passage = entry(id);
      passage.score += weight / (rrfK + rank + 1);
      passage.dense = hit.similarity;
    });
  }
  if (options.mode !== 'dense') {
    sources.lexical.search(question, CANDIDATES_PER_RANKER).forEach((hit, rank) => {
      const passage = entry(hit.id);
      passage.score += 1 / (rrfK + rank + 1);
      passage.lexical = hit.score;
    });
    const sectionWeight = options.sectionWeight ?? SECTION_WEIGHT;
    if (sectionWeight > 0 && options.mode === 'hybrid') {
      const sectionRank = new Map(sources.sections.search(question, CANDIDATES_PER_RANKER).map((hit, rank) => [hit.id, rank]));
      for (const passage of fused.values()) {
        const rank = sectionRank.get(sources.refFor(passage.id)?.sectionKey ?? '');
        if (rank !== undefined) passage.score += sectionWeight / (rrfK + rank + 1);
      }
    }
  }

  const ranked = [...fused.values()].sort((a, b) => b.score - a.score || (b.dense ?? 0) - (a.dense ?? 0) || a.id.localeCompare(b.id));
  const seenParagraphs = new Set<string>();
  const perSection = new Map<string, number>();
  const result: RankedPassage[] = [];
  for (const passage of ranked) {
    const ref = sources.refFor(passage.id);
    if (!ref || seenParagraphs.has(ref.paragraphKey)) continue;
    const inSection = perSection.get(ref.sectionKey) ?? 0;
    if (inSection >= MAX_PASSAGES_PER_SECTION) continue;
    seenParagraphs.add(ref.paragraphKey);
    perSection.set(ref.sectionKey, inSection + 1);
    result.push(passage);
    if (result.length >= options.limit) break;
  }
  return result;
}
