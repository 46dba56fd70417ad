import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/guide/load.js';
import { bookNameWords } from '../../src/search/corpus-terms.js';
import { nameTerms } from '../../src/search/names.js';
import { stem } from '../../src/search/stem.js';
import { STOPWORDS, words } from '../../src/search/tokenize.js';
import { CORPUS_DIR } from '../helpers/engine.js';

/** The rule, counted word by word as it is stated: capitalised inside sentences at least 80% of the times, and twice. */
function namesByTheRule(texts: string[], exclude: ReadonlySet<string>): string[] {
  const capitalised = new Map<string, number>();
  const total = new Map<string, number>();
  for (const text of texts)
    for (const sentence of text.split(/(?<=[.!?:;"”])\s+/))
      (sentence.match(/\p{L}[\p{L}'’]*/gu) ?? []).forEach((token, index) => {
        const word = words(token)[0];
        if (index === 0 || word === undefined || word.length < 2 || STOPWORDS.has(word) || ['miss', 'mr', 'mrs', 'ms', 'mx', 'dr', 'sir', 'madam', 'lady', 'lord'].includes(word) || exclude.has(word))
          return;
        total.set(word, (total.get(word) ?? 0) + 1);
        if (/^\p{Lu}/u.test(token)) capitalised.set(word, (capitalised.get(word) ?? 0) + 1);
      });
  return [...new Set([...capitalised].filter(([word, count]) => count >= 2 && count / total.get(word)! >= 0.8).map(([word]) => stem(word)))];
}

describe('the names the guides use', async () => {
  const guides = await loadCorpus(CORPUS_DIR);
  const paragraphs = guides.flatMap((guide) => guide.sections.flatMap((section) => section.paragraphs));

  it('are the words the guides capitalise inside sentences, in the order first seen capitalised', () => {
    const exclude = bookNameWords(guides);
    const names = [...nameTerms(paragraphs, exclude)];
    expect(names).toEqual(namesByTheRule(paragraphs, exclude));
    expect(names).toEqual(expect.arrayContaining(['hailsham', 'norfolk', 'tommi']));
  });

  it('leave out words capitalised only at the start of sentences or too rarely', () => {
    const texts = ['Then Kathy saw Tommy. Then Ruth saw Kathy and Tommy.', 'Kathy left; Tommy stayed. Later Tommy Cried, and later he cried again, and cried, and cried.'];
    expect([...nameTerms(texts)]).toEqual(namesByTheRule(texts, new Set()));
    expect(nameTerms(texts)).toEqual(new Set(['kathi', 'tommi']));
  });
});
