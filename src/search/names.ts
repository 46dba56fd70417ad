import { stem } from './stem.js';
import { STOPWORDS, words } from './tokenize.js';

/** Titles before a name ("Miss Lucy"): the name is what follows, and "miss" is also a verb. */
const HONORIFICS = new Set(['miss', 'mr', 'mrs', 'ms', 'mx', 'dr', 'sir', 'madam', 'lady', 'lord']);

/** A word is a name when the guides write it capitalised inside a sentence at least this share of the times they use it. */
const CAPITALISED_SHARE = 0.8;

/**
 * The names the guides use (people, places: "Madame", "Hailsham", "Norfolk"), as search terms: words
 * the guides capitalise inside sentences nearly every time. Students type them in lower case, so a
 * question's names are found by their terms, not by their capitals.
 */
export function nameTerms(texts: Iterable<string>, exclude: ReadonlySet<string> = new Set()): Set<string> {
  const capitalised = new Map<string, number>();
  const total = new Map<string, number>();
  // The same tokens recur throughout a guide; normalising each distinct one once keeps this linear in the text.
  const wordOf = new Map<string, string | undefined>();
  const normal = (token: string) => {
    if (!wordOf.has(token)) wordOf.set(token, words(token)[0]);
    return wordOf.get(token);
  };
  for (const text of texts) {
    for (const sentence of text.split(/(?<=[.!?:;"”])\s+/)) {
      const tokens = sentence.match(/\p{L}[\p{L}'’]*/gu) ?? [];
      tokens.forEach((token, index) => {
        const word = normal(token);
        // A sentence's first word is capitalised whatever it is: it tells nothing.
        if (index === 0 || word === undefined || word.length < 2 || STOPWORDS.has(word) || HONORIFICS.has(word) || exclude.has(word)) return;
        total.set(word, (total.get(word) ?? 0) + 1);
        if (/^\p{Lu}/u.test(token)) capitalised.set(word, (capitalised.get(word) ?? 0) + 1);
      });
    }
  }
  const names = new Set<string>();
  for (const [word, count] of capitalised) if (count >= 2 && count / total.get(word)! >= CAPITALISED_SHARE) names.add(stem(word));
  return names;
}
