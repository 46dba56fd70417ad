/**
 * Students type in a chat register ("wat happens in pt 3 fr", "y does ruth lie ngl"). Before a
 * question is searched, its shorthand becomes the words it stands for and its filler (words that
 * carry tone, not topic) is dropped, so that neither the lexical nor the dense search, nor the
 * out-of-scope signals, mistake "fr" or "pls" for a topic the guides do not cover.
 *
 * The lists are of the chat register of English in general, not of any book.
 */

/** Shorthand and phonetic spellings, and what they stand for. */
const SHORTHAND: Record<string, string> = {
  u: 'you',
  ur: 'your',
  r: 'are',
  y: 'why',
  n: 'and',
  wat: 'what',
  wut: 'what',
  wht: 'what',
  wats: 'what is',
  whats: 'what is',
  wha: 'what',
  hw: 'how',
  wen: 'when',
  whn: 'when',
  wher: 'where',
  becuz: 'because',
  bc: 'because',
  bcuz: 'because',
  bcz: 'because',
  cuz: 'because',
  coz: 'because',
  cus: 'because',
  abt: 'about',
  bout: 'about',
  thru: 'through',
  tho: 'though',
  w: 'with',
  wit: 'with',
  wo: 'without',
  b4: 'before',
  ppl: 'people',
  sb: 'somebody',
  sth: 'something',
  smth: 'something',
  ch: 'chapter',
  chap: 'chapter',
  pt: 'part',
  pg: 'page',
  char: 'character',
  chars: 'characters',
  mc: 'main character',
  diff: 'difference',
  sum: 'summary',
  scifi: 'science fiction',
  gonna: 'going to',
  wanna: 'want to',
  gotta: 'have to',
  kinda: 'kind of',
  sorta: 'sort of',
  dunno: 'do not know',
  cant: 'cannot',
  wont: 'will not',
  dont: 'do not',
  doesnt: 'does not',
  didnt: 'did not',
  isnt: 'is not',
  wasnt: 'was not',
  im: 'i am',
  ive: 'i have',
};

/** Words that carry tone or politeness in chat, never a topic. */
const FILLER = new Set(
  `yo hey hi hii hiii hello sup heya oi ok okay okk k kk pls plz plss pleas pleaseee thx thanks thank ty tysm fr frfr ngl tbh imo imho idk idc lol lmao lmfao rofl omg omfg bro bruh bruhh dude man guys guyz fam lowkey highkey deadass srsly seriously literally like basically actually ya yeah yea yep nah nope um uh uhh umm hmm hm huh ah oh ooh so quick q qn btw rn asap istg smh`.split(
    /\s+/,
  ),
);

/** A discourse marker at the very start of a question ("wait", "hold on"), followed by the question itself. */
const LEADING_MARKER = /^\s*(?:wait|hold on|hang on)\b[\s,.!…-]*(?=\S)/i;

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];
const ORDINAL_WORDS = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

/** Whether a lowercase word is chat filler (tone, not topic). */
export function isFiller(word: string): boolean {
  return FILLER.has(word);
}

/** "3" → "three", "3rd" → "third", "pt2" → "pt 2": books write small numbers as words ("Part Three"). */
function numberWord(token: string): string | undefined {
  const cardinal = /^\d{1,2}$/.exec(token);
  if (cardinal) return NUMBER_WORDS[Number(token)];
  const ordinal = /^(\d{1,2})(st|nd|rd|th)$/i.exec(token);
  if (ordinal) return ORDINAL_WORDS[Number(ordinal[1])];
  return undefined;
}

/**
 * The question as search text: shorthand expanded, filler dropped, small numbers as words, "part2"
 * split. Case is kept for the words that stay, so capitalised names still read as names.
 */
export function fromChatRegister(text: string): string {
  const separated = text
    // "wait so are they all clones": "wait" that opens a question only marks it as a thought just had.
    .replace(LEADING_MARKER, '')
    .replace(/\b(part|pt|chapter|ch)(\d{1,2})\b/gi, '$1 $2')
    .replace(/\bsci[\s-]+fi\b/gi, 'scifi')
    .replace(/(\p{L})\?+/gu, '$1 ?');
  const out: string[] = [];
  for (const token of separated.split(/\s+/)) {
    const match = /^([("'“‘]*)([\p{L}\p{N}'’]+)([^\p{L}\p{N}]*)$/u.exec(token);
    if (!match) {
      if (token !== '') out.push(token);
      continue;
    }
    const [, before, word, after] = match as unknown as [string, string, string, string];
    const lower = word.toLowerCase().replace(/[’']/g, '');
    // "Y" and "R" as capitals are initials or letters, not shorthand.
    const expanded = (lower.length > 1 || word === lower ? SHORTHAND[lower] : undefined) ?? numberWord(lower);
    if (expanded !== undefined) out.push(`${before}${expanded}${after}`);
    else if (FILLER.has(lower) && !/['"”’]/.test(before + after)) {
      if (/[.?!,;:]/.test(after)) out.push(after.trim());
    } else out.push(token);
  }
  return out
    .join(' ')
    .replace(/\s+([?.!,;:])/g, '$1')
    .replace(/^[\s?.!,;:]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}
