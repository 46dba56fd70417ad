/** Small helpers for writing sentences about things named at run time. */

// Words that begin with a vowel letter but a consonant sound ("a user", "a one-word answer"), and
// the reverse ("an hour", "an honest question").
const VOWEL_LETTER_CONSONANT_SOUND = /^(?:uni[cfoqstv]|use|usu|uti|ura|ure|uri|eu|ewe|one\b|once\b)/i;
const CONSONANT_LETTER_VOWEL_SOUND = /^(?:hour|honest|hono(?:u)?r|heir)/i;

/** The indefinite article for a word: `an answer`, `a question`, `a user`, `an hour`. */
export function article(word: string): 'a' | 'an' {
  const first = word.trim();
  if (CONSONANT_LETTER_VOWEL_SOUND.test(first)) return 'an';
  if (VOWEL_LETTER_CONSONANT_SOUND.test(first)) return 'a';
  return /^[aeiou]/i.test(first) ? 'an' : 'a';
}

/** The word with its indefinite article: `an answer`. */
export function withArticle(word: string): string {
  return `${article(word)} ${word}`;
}
