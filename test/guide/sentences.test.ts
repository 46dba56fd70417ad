import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/guide/sentences.js';

describe('splitSentences', () => {
  it('splits on sentence ends and keeps the text exactly', () => {
    const paragraph = 'Kathy H. serves as narrator. She is thirty-one! Is she reliable? "Yes," he said. B.A. in English, from Dr. Smith.';
    const sentences = splitSentences(paragraph);
    expect(sentences).toEqual(['Kathy H. serves as narrator.', 'She is thirty-one!', 'Is she reliable?', '"Yes," he said.', 'B.A. in English, from Dr. Smith.']);
    expect(sentences.join(' ')).toBe(paragraph);
  });

  it('ends a sentence after a closing quote', () => {
    expect(splitSentences('She said, "Your lives are set out for you." Then she left.')).toEqual(['She said, "Your lives are set out for you."', 'Then she left.']);
  });

  it('does not split before a lowercase word or inside numbers', () => {
    expect(splitSentences('It costs 3.50 pounds. e.g. this one. ok')).toEqual(['It costs 3.50 pounds. e.g. this one. ok']);
    expect(splitSentences('')).toEqual([]);
  });
});
