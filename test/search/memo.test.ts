import { describe, expect, it } from 'vitest';
import { memoiseText } from '../../src/search/memo.js';
import { terms, words } from '../../src/search/tokenize.js';

describe('memoiseText', () => {
  it('computes each remembered input once, forgets the oldest beyond its size, and never remembers long inputs', () => {
    const calls: string[] = [];
    const upper = memoiseText(
      (text) => {
        calls.push(text);
        return text.toUpperCase();
      },
      2,
      5,
    );
    expect([upper('a'), upper('b'), upper('a')]).toEqual(['A', 'B', 'A']);
    expect(calls).toEqual(['a', 'b']);
    upper('c'); // forgets 'a', the oldest
    upper('a');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
    upper('longer');
    upper('longer');
    expect(calls.filter((text) => text === 'longer')).toHaveLength(2);
  });

  it('the remembered tokenizer gives the same tokens every time', () => {
    const sentence = "Kathy's memories of Hailsham: naïve, cruel and kind.";
    expect(words(sentence)).toEqual(['kathy', 'memories', 'of', 'hailsham', 'naive', 'cruel', 'and', 'kind']);
    expect(words(sentence)).toEqual(words(sentence.slice(0)));
    expect(terms(sentence)).toEqual(['kathi', 'memori', 'hailsham', 'naiv', 'cruel', 'kind']);
    expect(terms(sentence)).toBe(terms(sentence));
  });
});
