import { withArticle } from './grammar.js';
import { stripInvisible } from './guide/normalise.js';

/** The longest question Guidebot reads; longer ones are shortened (and the asker told). */
export const MAX_QUESTION_CHARS = 500;

export type InvalidQuestionReason = 'not-text' | 'empty' | 'no-words' | 'garbage';

/** A question Guidebot cannot search for; `message` is written for the person who asked. */
export class InvalidQuestionError extends Error {
  constructor(
    readonly reason: InvalidQuestionReason,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidQuestionError';
  }
}

export interface PreparedQuestion {
  text: string;
  notices: string[];
}

const EXAMPLE = 'for example: "Who is Miss Lucy?"';
/** Half of a UTF-16 surrogate pair on its own: what broken text (cut emoji, bad encoders) leaves. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Discord mentions of everyone, a role, a user or a channel. */
const MENTION = /@(everyone|here)\b|<@[!&]?\d{15,22}>|<#\d{15,22}>/g;

/** Cleans a question (NFC, no invisible or control characters, single spaces) and checks it can be searched. */
export function prepareQuestion(raw: unknown): PreparedQuestion {
  return prepareText(raw, { noun: 'question', maxChars: MAX_QUESTION_CHARS, example: EXAMPLE });
}

/** The same checks for any free text a student sends (e.g. a quiz answer); messages name what was expected. */
export function prepareText(raw: unknown, expected: { noun: string; maxChars: number; example: string }): PreparedQuestion {
  const { noun, maxChars, example } = expected;
  if (typeof raw !== 'string') throw new InvalidQuestionError('not-text', `Please send your ${noun} as text, ${example}`);
  // U+FFFD is what bytes that are not valid text (a binary file, another encoding) decode to.
  if (raw.includes('\uFFFD') || LONE_SURROGATE.test(raw)) throw new InvalidQuestionError('not-text', `That doesn't look like text: some of it could not be read. Please type your ${noun}, ${example}`);
  const notices: string[] = [];
  // Mentions are addressed to people, not part of the question ("@everyone Who is Miss Lucy?").
  let text = stripInvisible(raw.normalize('NFC')).replace(MENTION, ' ').replace(/\s+/g, ' ').trim();
  if (text === '') throw new InvalidQuestionError('empty', `Please type your ${noun}, ${example}`);
  if (text.length > maxChars) {
    const cut = text.slice(0, maxChars);
    const lastSpace = cut.lastIndexOf(' ');
    text = (lastSpace > maxChars * 0.8 ? cut.slice(0, lastSpace) : cut).trim();
    notices.push(`Your ${noun} was long, so only its first ${maxChars} characters were used.`);
  }
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) throw new InvalidQuestionError('no-words', `That doesn't look like ${withArticle(noun)}: it has no words. Try writing a sentence, ${example}`);
  const words = text.match(/\p{L}[\p{L}\p{N}'’-]*/gu) ?? [];
  const longestWord = Math.max(0, ...words.map((word) => word.length));
  const visible = text.replace(/\s/g, '').length;
  if (letters / visible < 0.5 || longestWord > 45 || /(.)\1{9,}/u.test(text)) {
    throw new InvalidQuestionError('garbage', `That looks like random characters rather than ${withArticle(noun)}. Try writing a sentence, ${example}`);
  }
  return { text, notices };
}
