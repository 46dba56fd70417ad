import { describe, expect, it } from 'vitest';
import { editDistance, SpellingCorrector } from '../../src/search/spelling.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('tomy', 'tommy', 2)).toBe(1);
    expect(editDistance('hailshma', 'hailsham', 2)).toBe(1);
    expect(editDistance('kathy', 'kathy', 2)).toBe(0);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});

describe('SpellingCorrector', () => {
  const corrector = new SpellingCorrector(['Tommy draws animals at Hailsham.', 'Tommy and Ruth. The gallery opens.', 'Tomb of the unknown.']);

  it('corrects a word the guides never use to the most frequent close one', () => {
    expect(corrector.correct('tomy')).toBe('tommy');
    expect(corrector.correct('hailshem')).toBe('hailsham');
  });

  it('leaves known words, other forms of them, short words, stopwords and unrelated words alone', () => {
    expect(corrector.correct('tommy')).toBeUndefined();
    expect(corrector.correct('open')).toBeUndefined();
    expect(corrector.correct('rut')).toBeUndefined();
    expect(corrector.correct('about')).toBeUndefined();
    expect(corrector.correct('pancakes')).toBeUndefined();
  });

  it('rewrites a question and reports what changed', () => {
    expect(corrector.correctText("Who is Tomy's friend at Hailshem?")).toEqual({
      text: "Who is Tommy's friend at Hailsham?",
      corrections: [
        ["Tomy's", 'tommy'],
        ['Hailshem', 'hailsham'],
      ],
    });
  });
});
