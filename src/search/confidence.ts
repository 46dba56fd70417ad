import type { TermStatistics } from './answer.js';

/**
 * Confidence that the guides answer a question, from signals that do not depend on how the
 * question is worded: how much of its topic vocabulary the best passages hold, how close they are in
 * meaning, and how much of its vocabulary the guides never use at all (made-up words, other
 * subjects). The signals are combined by a logistic model fitted per embedding model on the tuning
 * questions (`npm run calibrate`), so the number means the same thing for every model.
 */
export interface AnswerSignals {
  /** IDF-weighted share of the question's terms that the best passages contain. */
  coverage: number;
  /** Best sentence cosine among the best passages, when a dense model ran. */
  cosine: number | undefined;
  /**
   * How much specific vocabulary the question has that no guide uses in any form, in units of the
   * highest IDF (one made-up or subject word such as "flurbogast" or "quadratic" is about 1).
   */
  unknownMass: number;
  /** Capitalised names in the question that no guide mentions. */
  unknownNames: number;
  /** How many topic terms the question has once stopwords and chat filler are gone. */
  topicTerms: number;
}

export interface Calibration {
  bias: number;
  coverage: number;
  cosine: number;
  unknownMass: number;
  unknownName: number;
  /** For a question none of whose topic words the best passages hold (only its meaning matched). */
  noOverlap: number;
  /** Answer when the probability is at least this (chosen on the tuning questions). */
  threshold: number;
  /** A "strong match" from this probability on (chosen on the tuning questions). */
  strong: number;
}

export type ConfidenceLevel = 'strong' | 'partial' | 'none';

/** The features the logistic model reads, in a fixed order (the fitting script uses the same). */
export function features(signals: AnswerSignals): number[] {
  return [signals.coverage, signals.cosine ?? signals.coverage, Math.min(2, signals.unknownMass), signals.unknownNames > 0 ? 1 : 0, signals.coverage === 0 ? 1 : 0];
}

export function probability(signals: AnswerSignals, calibration: Calibration): number {
  const [coverage, cosine, unknownMass, unknownName, noOverlap] = features(signals) as [number, number, number, number, number];
  const z =
    calibration.bias +
    calibration.coverage * coverage +
    calibration.cosine * cosine +
    calibration.unknownMass * unknownMass +
    calibration.unknownName * unknownName +
    calibration.noOverlap * noOverlap;
  return 1 / (1 + Math.exp(-z));
}

export function levelOf(confidence: number, calibration: Calibration): ConfidenceLevel {
  if (confidence >= calibration.strong) return 'strong';
  if (confidence >= calibration.threshold) return 'partial';
  return 'none';
}

/** The question's specific vocabulary that the corpus never uses, in units of the highest IDF. */
export function unknownMass(queryTerms: Map<string, number>, statistics: TermStatistics): number {
  let unknown = 0;
  for (const [term, weight] of queryTerms) if (statistics.idf(term) === 0) unknown += weight;
  return unknown / statistics.maxIdf();
}
