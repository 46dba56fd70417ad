/**
 * Question normalisation for grouping similar questions without any ML:
 * lowercase, strip accents and punctuation, drop stop words, crude plural folding, then sort the
 * unique tokens. "Why did Kathy keep the tape?" and "why does kathy keep the tape" share a key.
 */

const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing done down during each few for from further had has have having he her here hers herself him himself
  his how i if in into is it its itself just me more most my myself of off on once only or other ought our ours ourselves out over
  own please same shall she should so some such tell than that the their theirs them themselves then there these they this those
  through to too under until up us very was we were what when where which while who whom whose why will with would you your yours
  yourself yourselves explain really s t`.split(/\s+/),
);

function fold(token: string): string {
  if (token.length > 3 && token.endsWith('s') && !/(ss|us|is)$/.test(token)) return token.slice(0, -1);
  return token;
}

export function tokenize(question: string): string[] {
  return question
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['\u2018\u2019`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token !== '');
}

/** The grouping key of a question: sorted unique content tokens (stop words kept only if nothing else is left). */
export function normalizeQuestion(question: string): string {
  const tokens = tokenize(question);
  const content = tokens.filter((token) => !STOP_WORDS.has(token)).map(fold).filter((token) => !STOP_WORDS.has(token));
  const chosen = content.length > 0 ? content : tokens;
  return [...new Set(chosen)].sort().join(' ');
}

/** Jaccard overlap of the normalised token sets, 0..1. A cheap similarity a caller may inject into recordGap. */
export function tokenSimilarity(a: string, b: string): number {
  const left = new Set(normalizeQuestion(a).split(' ').filter(Boolean));
  const right = new Set(normalizeQuestion(b).split(' ').filter(Boolean));
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  for (const token of left) if (right.has(token)) shared += 1;
  return shared / (left.size + right.size - shared);
}
