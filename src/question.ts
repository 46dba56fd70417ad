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

/** Cleans a question (NFC, no invisible or control characters, single spaces) and checks it can be searched. */
export function prepareQuestion(raw: unknown): PreparedQuestion {
  if (typeof raw !== 'string') throw new InvalidQuestionError('not-text', `Please send your question as text, ${EXAMPLE}`);
  const notices: string[] = [];
  let text = stripInvisible(raw.normalize('NFC')).replace(/\s+/g, ' ').trim();
  if (text === '') throw new InvalidQuestionError('empty', `Please type a question, ${EXAMPLE}`);
  if (text.length > MAX_QUESTION_CHARS) {
    const cut = text.slice(0, MAX_QUESTION_CHARS);
    const lastSpace = cut.lastIndexOf(' ');
    text = (lastSpace > MAX_QUESTION_CHARS * 0.8 ? cut.slice(0, lastSpace) : cut).trim();
    notices.push(`Your question was long, so only its first ${MAX_QUESTION_CHARS} characters were used.`);
  }
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) throw new InvalidQuestionError('no-words', `That doesn't look like a question: it has no words. Try asking in a sentence, ${EXAMPLE}`);
  const words = text.match(/\p{L}[\p{L}\p{N}'’-]*/gu) ?? [];
  const longestWord = Math.max(0, ...words.map((word) => word.length));
  const visible = text.replace(/\s/g, '').length;
  if (letters / visible < 0.5 || longestWord > 45 || /(.)\1{9,}/u.test(text)) {
    throw new InvalidQuestionError('garbage', `That looks like random characters rather than a question. Try asking in a sentence, ${EXAMPLE}`);
  }
  return { text, notices };
}
