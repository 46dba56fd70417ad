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
  // The same tokens recur throughout a guide: each distinct token is normalised and judged once, and its
  // uses are counted on the tally of its word (undefined: a token never counted).
  const tallies = new Map<string, Tally>();
  const byToken = new Map<string, { tally: Tally | undefined; capital: boolean }>();
  const seen = (token: string) => {
    const word = words(token)[0];
    if (word === undefined || word.length < 2 || STOPWORDS.has(word) || HONORIFICS.has(word) || exclude.has(word)) return { tally: undefined, capital: false };
    let tally = tallies.get(word);
    if (!tally) tallies.set(word, (tally = { word, total: 0, capitalised: 0 }));
    return { tally, capital: /^\p{Lu}/u.test(token) };
  };
  // Words in the order they were first seen capitalised.
  const capitalisedWords: Tally[] = [];
  for (const text of texts) {
    for (const sentence of text.split(/(?<=[.!?:;"”])\s+/)) {
      const tokens = sentence.match(/\p{L}[\p{L}'’]*/gu) ?? [];
      // A sentence's first word is capitalised whatever it is: it tells nothing.
      for (let index = 1; index < tokens.length; index++) {
        const token = tokens[index]!;
        let known = byToken.get(token);
        if (!known) byToken.set(token, (known = seen(token)));
        const tally = known.tally;
        if (!tally) continue;
        tally.total++;
        if (known.capital && tally.capitalised++ === 0) capitalisedWords.push(tally);
      }
    }
  }
  const names = new Set<string>();
  for (const { word, total, capitalised } of capitalisedWords) if (capitalised >= 2 && capitalised / total >= CAPITALISED_SHARE) names.add(stem(word));
  return names;
}

interface Tally {
  word: string;
  /** Uses inside sentences (not first). */
  total: number;
  /** Of those, capitalised. */
  capitalised: number;
}
