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
}

/** A sentence model trained for semantic search ranks well on its own: trust it as much as BM25. */
export const SENTENCE_MODEL_PROFILE: ModelProfile = {
  kind: 'sentence',
  denseWeight: 1,
  cosine: { low: 0.15, high: 0.6 },
  paraphraseCosine: { low: 0.25, high: 0.7 },
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
};

export function profileFor(modelId: string, isOfflineModel: boolean): ModelProfile {
  if (isOfflineModel || /glove|word2vec|fasttext|wink/i.test(modelId)) return WORD_VECTOR_PROFILE;
  return SENTENCE_MODEL_PROFILE;
}
