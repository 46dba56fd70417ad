import type { Guide } from '../types.js';
import { wordCount } from './sections.js';
import { IngestError } from './types.js';

/** The most words a guide may have (a long study guide has about 20,000; this leaves room for whole course readers). */
export const MAX_GUIDE_WORDS = 300_000;
/** Below this share of word-like tokens (letters, not numbers or symbols), a document is data rather than prose. */
export const MIN_WORD_SHARE = 0.6;
/** A paragraph of at least this many words is a sentence rather than a cell, label or list entry. */
export const PROSE_PARAGRAPH_WORDS = 6;
/** Below this share of the words in such paragraphs, a document is mostly short lines (a table, a list of names). */
export const MIN_PROSE_SHARE = 0.3;
/** A document of fewer words and no sentence is empty rather than data. */
export const NOT_PROSE_MIN_WORDS = 50;
/** A section longer than this gets a warning: its citations point at a long stretch of text. */
export const LONG_SECTION_WORDS = 3_000;

export const NO_HEADINGS_WARNING = "no headings found — every paragraph will be cited under the guide's title";

const NOT_LETTERS = /\P{L}+/gu;
const SURROGATE = /[\uD800-\uDFFF]/;

/** At least one letter, and letters (counted as characters, as a person would) are half the token's length or more. */
const isWordLike = (token: string) => {
  const letterText = token.replace(NOT_LETTERS, '');
  const letters = SURROGATE.test(letterText) ? [...letterText].length : letterText.length;
  return letters >= 1 && letters * 2 >= token.length;
};

/** Throws for a guide no one could study from: no text, mostly not prose, too long. */
export function checkGuide(guide: Guide, fileName: string): void {
  const paragraphs = guide.sections.flatMap((section) => section.paragraphs);
  const tokens = [...guide.sections.flatMap((section) => section.path.slice(-1)), ...paragraphs].flatMap((text) => text.split(/\s+/).filter(Boolean));
  const paragraphWords = paragraphs.map(wordCount);
  const proseWords = paragraphWords.filter((count) => count >= PROSE_PARAGRAPH_WORDS).reduce((sum, count) => sum + count, 0);
  // A few words and no sentence are an empty guide; many (a table whose rows all read as headings) are data.
  if (proseWords === 0 && tokens.length < NOT_PROSE_MIN_WORDS) {
    throw new IngestError('empty', `${fileName} has no text to index: it is empty, or holds only headings or a few words.`);
  }

  const wordShare = tokens.filter(isWordLike).length / tokens.length;
  if (wordShare < MIN_WORD_SHARE || proseWords / tokens.length < MIN_PROSE_SHARE) {
    throw new IngestError('not-prose', `${fileName} is mostly not prose (numbers, symbols or very short lines, like a spreadsheet): Guidebot quotes sentences, so send the guide's text.`);
  }
  const words = paragraphWords.reduce((sum, count) => sum + count, 0);
  if (words > MAX_GUIDE_WORDS) {
    throw new IngestError(
      'too-long',
      `${fileName} has ${words.toLocaleString('en-US')} words, more than the ${MAX_GUIDE_WORDS.toLocaleString('en-US')} a guide may have: split it into several guides.`,
    );
  }
}

/** Warnings every format shares: no headings, very long sections. */
export function commonWarnings(guide: Guide): string[] {
  const warnings: string[] = [];
  if (guide.sections.every((section) => section.path.length === 0)) warnings.push(NO_HEADINGS_WARNING);
  for (const section of guide.sections) {
    const words = section.paragraphs.reduce((sum, paragraph) => sum + wordCount(paragraph), 0);
    if (words > LONG_SECTION_WORDS && section.path.length > 0) {
      warnings.push(`the section "${section.path.join(' › ')}" has ${words.toLocaleString('en-US')} words — more headings would make its citations easier to follow`);
    }
  }
  return warnings;
}
