import type { Calibration } from '../search/confidence.js';

/**
 * What retrieval needs to know about an embedding model: how much to trust its dense ranking
 * against BM25, and where its similarity scores sit (cosine ranges differ a lot between models).
 */
export interface ModelProfile {
  kind: 'sentence' | 'word-vectors';
  /** Reciprocal-rank-fusion weight of the dense (HNSW) ranking; BM25's weight is 1. */
  denseWeight: number;
  /**
   * Cosine similarity between a question and a passage that is typical of an unrelated pair
   * (`low`) and of a well-matched pair (`high`); used to scale dense similarity into 0..1 for the
   * confidence estimate.
   */
  cosine: { low: number; high: number };
  /** The same for two sentences saying the same thing in other words (a quiz answer and the guide's point). */
  paraphraseCosine: { low: number; high: number };
  /** Two quoted sentences at least this close state the same fact (one is left out). */
  duplicateCosine: number;
  /** How retrieval signals become a confidence: fitted by `npm run calibrate` on the development set's tuning half only. */
  calibration: Calibration;
}

/** A sentence model trained for semantic search ranks well on its own: trust it as much as BM25. */
export const SENTENCE_MODEL_PROFILE: ModelProfile = {
  kind: 'sentence',
  denseWeight: 1,
  cosine: { low: 0.15, high: 0.6 },
  paraphraseCosine: { low: 0.25, high: 0.7 },
  duplicateCosine: 0.8,
  calibration: { bias: -1.776, coverage: 0, cosine: 11.61, unknownMass: -2.738, unknownName: 0, noOverlap: 0, threshold: 0.802, strong: 0.997 },
};

/**
 * Averaged word vectors capture topic but not meaning; on the evaluation questions they rank
 * worse than BM25 alone, so they only break ties and reorder near-misses.
 */
export const WORD_VECTOR_PROFILE: ModelProfile = {
  kind: 'word-vectors',
  denseWeight: 0.3,
  cosine: { low: 0.2, high: 0.75 },
  paraphraseCosine: { low: 0.15, high: 0.5 },
  duplicateCosine: 0.93,
  calibration: { bias: 2.554, coverage: 0, cosine: 2.076, unknownMass: -3.496, unknownName: 0, noOverlap: -1.889, threshold: 0.508, strong: 0.982 },
};

export function profileFor(modelId: string, isOfflineModel: boolean): ModelProfile {
  if (isOfflineModel || /glove|word2vec|fasttext|wink/i.test(modelId)) return WORD_VECTOR_PROFILE;
  return SENTENCE_MODEL_PROFILE;
}
