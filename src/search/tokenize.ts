import { normaliseText } from '../guide/normalise.js';
import { memoiseText } from './memo.js';
import { stem } from './stem.js';

/**
 * English function words, plus the question words students start with. They carry no topic, so
 * lexical search ignores them.
 */
export const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by can could did do does doing done down during each either else ever every few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just let me more most much must my myself neither no nor not now of off on once only or other our ours ourselves out over own per quite rather really same shall she should so some such than that the their theirs them themselves then there these they this those though through thus to too under until up upon us very via was we were what whatever when where whether which while who whom whose why will with within without would yet you your yours yourself yourselves ought s t d ll m re ve don doesn didn isn aren wasn weren hasn haven hadn won wouldn shouldn couldn cannot dont doesnt didnt isnt arent wasnt werent hasnt havent hadnt wont wouldnt shouldnt couldnt cant im ive id youre theyre thats whats whos also get got gets getting go goes going went gone tell explain describe please say says`.split(
    /\s+/,
  ),
);

/**
 * Lowercase word tokens of normalised text (letters and digits; apostrophes inside words dropped,
 * possessives removed, accents on Latin letters dropped: "naïve" is "naive"). The one tokenizer: search
 * terms and the store's question keys are both made from it.
 */
function tokenise(text: string): readonly string[] {
  return (
    normaliseText(text)
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .normalize('NFC')
      .replace(/'s\b/g, '')
      .replace(/(\p{L})'(\p{L})/gu, '$1$2')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/*
 * A question's candidate sentences are tokenised again for every question (and a question's own words
 * once per candidate), so both functions remember recent inputs of sentence length. Enough entries for
 * the sentences a few hundred questions touch; a few megabytes at most.
 */
const MEMO_ENTRIES = 5000;
const MEMO_MAX_LENGTH = 500;

export const words: (text: string) => readonly string[] = memoiseText(tokenise, MEMO_ENTRIES, MEMO_MAX_LENGTH);

/** The search terms of a text's words (see {@link words}): stopwords dropped, the rest stemmed. */
export const termsOfWords = (list: readonly string[]): string[] => list.filter((word) => !STOPWORDS.has(word)).map(stem);

/** Search terms: words without stopwords, stemmed. */
export const terms: (text: string) => readonly string[] = memoiseText((text) => termsOfWords(words(text)), MEMO_ENTRIES, MEMO_MAX_LENGTH);
