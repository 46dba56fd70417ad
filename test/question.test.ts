import { describe, expect, it } from 'vitest';
import { InvalidQuestionError, MAX_QUESTION_CHARS, prepareQuestion } from '../src/question.js';

const reason = (raw: unknown) => {
  try {
    prepareQuestion(raw);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidQuestionError);
    expect((error as Error).message.length).toBeGreaterThan(10);
    return (error as InvalidQuestionError).reason;
  }
};

describe('prepareQuestion', () => {
  it('rejects empty, non-text and garbage input with a reason', () => {
    expect(reason('')).toBe('empty');
    expect(reason('   \n\t ')).toBe('empty');
    expect(reason('\u200B\u200D\uFEFF')).toBe('empty');
    expect(reason(42)).toBe('not-text');
    expect(reason(null)).toBe('not-text');
    expect(reason(Buffer.from([0x57, 0x68, 0x6f, 0xff, 0xfe, 0x20, 0x69, 0x73]).toString('utf8'))).toBe('not-text');
    expect(reason('??? !!! 123')).toBe('no-words');
    expect(reason('a'.repeat(60))).toBe('garbage');
    expect(reason('}{@#$%^&*()_+ a')).toBe('garbage');
    expect(reason('Who is Miss Lucy?')).toBe('ok');
  });

  it('removes invisible and control characters and collapses space', () => {
    expect(prepareQuestion('Who\u200B is\u0007  Miss\nLucy?').text).toBe('Who is Miss Lucy?');
  });

  it('caps over-long questions at a word boundary and says so', () => {
    const long = 'What does Hailsham mean '.repeat(60);
    const prepared = prepareQuestion(long);
    expect(prepared.text.length).toBeLessThanOrEqual(MAX_QUESTION_CHARS);
    expect(prepared.text.endsWith(' ')).toBe(false);
    expect(prepared.notices[0]).toMatch(/first 500 characters/);
  });
});

describe('odd questions', () => {
  it('rejects lone surrogates like other text that could not be read', () => {
    expect(reason('Who is \ud83d Miss Lucy?')).toBe('not-text');
    expect(reason('Who is \udc00 Miss Lucy?')).toBe('not-text');
    expect(prepareQuestion('Who is 😀 Miss Lucy?').text).toBe('Who is 😀 Miss Lucy?');
  });

  it('strips mentions and keeps the question', () => {
    expect(prepareQuestion('@everyone Who is Miss Lucy?').text).toBe('Who is Miss Lucy?');
    expect(prepareQuestion('<@123456789012345678> @here what is <#123456789012345678> about?').text).toBe('what is about?');
  });
});
