/**
 * Splits a paragraph into sentences, exactly as written (the pieces join back into the paragraph
 * with single spaces).
 *
 * A sentence ends at `.`, `!` or `?` (and any closing quotes or brackets after it) when white space
 * and then a capital letter, digit or opening quote follow. A period does not end a sentence after
 * a single capital letter (`Kathy H.`), after initialisms (`B.A.`) or after a common abbreviation.
 */

const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'st', 'prof', 'sr', 'jr', 'vs', 'etc', 'e.g', 'i.e', 'cf', 'no', 'vol', 'ch', 'pp', 'p', 'approx', 'mt', 'ft']);

const TERMINATOR = /[.!?]+["'”’»)\]]*(?=\s+["'“‘«([]?[\p{Lu}\p{N}])/gu;

function endsWithAbbreviation(before: string): boolean {
  const lastWord = /(\S+)$/.exec(before)?.[1] ?? '';
  const bare = lastWord.replace(/^["'“‘(]+/, '');
  if (/^\p{Lu}$/u.test(bare)) return true; // an initial: "Kathy H."
  if (/^(\p{L}\.)+\p{L}$/u.test(bare)) return true; // an initialism: "B.A", "e.g"
  return ABBREVIATIONS.has(bare.toLowerCase());
}

export function splitSentences(paragraph: string): string[] {
  const text = paragraph.trim();
  if (text === '') return [];
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(TERMINATOR)) {
    const end = match.index + match[0].length;
    if (match[0].startsWith('.') && match[0].length === 1 && endsWithAbbreviation(text.slice(start, match.index))) continue;
    const sentence = text.slice(start, end).trim();
    if (sentence !== '') sentences.push(sentence);
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest !== '') sentences.push(rest);
  return sentences;
}
