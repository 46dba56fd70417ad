import { describe, expect, it } from 'vitest';
import { article, withArticle } from '../src/grammar.js';
import { InvalidQuestionError, prepareText } from '../src/question.js';

describe('indefinite articles', () => {
  it('chooses a or an by how the word sounds', () => {
    for (const word of ['answer', 'essay', 'idea', 'open question', 'umbrella', 'unimportant detail', 'hour', 'honest answer', 'Answer']) expect(article(word), word).toBe('an');
    for (const word of ['question', 'section', 'topic', 'unit', 'university', 'unique point', 'user', 'one-word answer', 'European novel', 'heading']) expect(article(word), word).toBe('a');
    expect(withArticle('answer')).toBe('an answer');
  });

  it('the messages for text that cannot be read use it', () => {
    const message = (text: string, noun: string) => {
      try {
        prepareText(text, { noun, maxChars: 100, example: 'for example this' });
      } catch (error) {
        if (error instanceof InvalidQuestionError) return error.message;
      }
      throw new Error('expected an InvalidQuestionError');
    };
    expect(message('xkcdqwpzmvbnrtyulkjhgfdsaqwertyuiopasdfghjklzxcvbnmqwerty', 'answer')).toMatch(/rather than an answer\./);
    expect(message('?!?! 1234', 'answer')).toMatch(/^That doesn't look like an answer: it has no words/);
    expect(message('?!?! 1234', 'question')).toMatch(/^That doesn't look like a question:/);
  });
});
