import { dot, termCoverage, type Quote, type TermStatistics } from './answer.js';
import { stem } from './stem.js';
import { STOPWORDS, terms, words } from './tokenize.js';

/**
 * Choosing the sentences an answer quotes: the sentence that holds the answer to the kind of
 * question asked, made readable on its own (what it points back to, the line it introduces, the
 * speaker of a quoted line, the reason that follows), without repeating a fact already quoted.
 */

/** One sentence of a guide, with links to the sentences before and after it in the same section. */
export interface QuoteSentence {
  text: string;
  normalised: string;
  terms: ReadonlySet<string>;
  vector: Float32Array | undefined;
  /** The passage it belongs to, as shown; `passage` is its index among the answer's passages, when it is one. */
  passageIndex: number | undefined;
  citation: string;
  passageId: string;
  /** The paragraph it belongs to (sentences of one paragraph make one quote). */
  paragraphKey: string;
  /** The section's overview or introduction rather than its detail. */
  overview: boolean;
  previous?: QuoteSentence;
  next?: QuoteSentence;
}

export interface QuoteQuestion {
  text: string;
  vector: Float32Array | undefined;
  terms: Map<string, number>;
}

export interface QuoteSettings {
  /** Two sentences at least this close in meaning state the same fact (model-specific). */
  duplicateCosine: number;
  /** Capitalised words that never answer "who" (the book's title and author). */
  notNames?: ReadonlySet<string>;
}

/** At most this many quotes (a lead-in and its quoted line count as two). */
export const MAX_QUOTES = 3;
/** At most this many sentences in all: an answer is a few sentences, not a section. */
const MAX_SENTENCES = 4;
/** Quotes come from this many of the best passages. */
const QUOTE_PASSAGES = 5;
/** A further sentence is quoted only when it scores at least this fraction of the best one. */
const QUOTE_RELATIVE_SCORE = 0.6;
/** How much an answer-type match adds to a sentence's score. */
const ANSWER_TYPE_BONUS = 0.25;
/** How much the neighbouring sentences' shared vocabulary counts: they often name who or what "this" is. */
const NEIGHBOUR_WEIGHT = 0.3;
/** A sentence of an overview (introduction, spoiler-free summary) counts this much of one in the detailed sections. */
const OVERVIEW_FACTOR = 0.85;
/** For "who did…", a sentence with a name is quoted beside the best one when it scores at least this fraction of it. */
const NAMED_RELATIVE_SCORE = 0.3;
/** In choosing a sentence, a question word the guides use weighs at least this share of the highest IDF. */
const QUOTE_TERM_FLOOR = 0.25;
/** Each rank down the passages takes this much off a sentence's score. */
const RANK_DISCOUNT = 0.05;
/** A sentence sharing no topic word with the question counts this much. */
const OFF_TOPIC_FACTOR = 0.5;
/** Two sentences sharing this share of their terms state the same fact. */
const DUPLICATE_TERM_OVERLAP = 0.6;

/** Sentence openings that refer back to what came before ("This song…", "She…", "Soon after this…"). */
const POINTS_BACK =
  /^["'“‘(]?(this|these|that|those|such|it|its|he|she|they|his|her|their|him|them|here|there|then|thus|hence|however|but|yet|also|instead|meanwhile|later|afterwards|soon after(wards| this| that)?|after this|after that|as a result|in (this|that) (way|moment|scene)|because of this|despite this|even so|still)\b/i;
/** References inside a sentence to what came before ("Ruth dies soon after this happens"). */
const REFERS_BACK_INSIDE = /\b(after|before|because of|despite|following|during|since) (this|that|these|those)\b|\bthis (happens|happened)\b/i;
/** Openings that cannot stand at the start of a paragraph without the one before. */
const POINTS_BACK_ACROSS_PARAGRAPHS = /^["'“‘(]?(he|she|they|it|his|her|their|him|them|this (is|was|moment|scene|means)|that (is|was)|soon after(wards| this| that)?|after (this|that))\b/i;
/** A sentence that holds a reason. */
const REASON = /\b(because|since|so that|in order to|due to|as a result|which is why|the reason|therefore|out of|for fear)\b/i;
const STARTS_WITH_REASON = /^["'“‘(]?(this is because|because|that is why|this is why|the reason|as a result|this means|in other words|which)\b/i;
const NUMBER_WORDS = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|fifth|sixth|several|many|few)\b/i;
const QUOTED_LINE = /^["“‘]/;
/** "Who is Miss Lucy?": a description of the person named is the answer, not another name. */
const ASKS_WHO_SOMEONE_IS = /\bwho\s*(is|was|are|were|'s|s)\b/i;
/** Verbs that say what something is, right after it. */
const DEFINING_VERBS = new Set(['is', 'are', 'was', 'were', 'refers', 'means', 'represents', 'serves']);
/** Sentences about the guide itself ("Warning – This article contains spoilers"), not about the book. */
const ABOUT_THE_GUIDE = /^(warning|note|spoiler alert)\b|\b(this|the) (article|guide|page|post|analysis|summary) (contains|includes|will|covers|explores)\b/i;

type AnswerKind = 'who' | 'why' | 'number' | 'place' | 'words' | 'other';

function answerKind(question: string): AnswerKind {
  const asked = question.toLowerCase();
  if (/\b(how many|how much|how old|what year|what age|what decade|which year|what century)\b/.test(asked)) return 'number';
  if (/\b(who|whom|whose)\b/.test(asked)) return 'who';
  if (/\b(why|reason|how come)\b/.test(asked)) return 'why';
  if (/\b(where|which (town|place|city|school|house))\b/.test(asked)) return 'place';
  // "What does Ruth say about…": the answer is someone's own words, a quoted line.
  if (/\b(say|says|said|tell|tells|told|call|calls|called|quote|words|line)\b/.test(asked)) return 'words';
  return 'other';
}

/**
 * What kind of words would answer the question: a name for "who" (beyond those the question
 * already has; rare names say more than the main characters'), a reason for "why", a number for
 * "how many". A sentence that holds such words more likely answers than one that repeats the question.
 */
function answerTypeBonus(kind: AnswerKind, question: string, sentence: string, statistics: TermStatistics, notNames: ReadonlySet<string> | undefined, inQuotation: boolean): number {
  const target = definitionTarget(question);
  if (target) return definesTarget(sentence, target) ? ANSWER_TYPE_BONUS : 0;
  if (kind === 'number') return NUMBER_WORDS.test(sentence) ? ANSWER_TYPE_BONUS : 0;
  if (kind === 'why') return REASON.test(sentence) ? ANSWER_TYPE_BONUS : 0;
  if (kind === 'words') return inQuotation ? ANSWER_TYPE_BONUS : 0;
  // "Who is Miss Lucy?" asks for a description of the person named, not for another name.
  if (kind === 'who' && ASKS_WHO_SOMEONE_IS.test(question)) return 0;
  if (kind === 'who' || kind === 'place') {
    const names = newNames(question, sentence, notNames);
    const rarity = Math.max(0, ...names.flatMap((name) => terms(name)).map((term) => statistics.idf(term) / statistics.maxIdf()));
    return ANSWER_TYPE_BONUS * rarity;
  }
  return 0;
}

/** What a "who is…" or "what is…" question asks about ("Miss Lucy", "a possible"), as search terms. */
function definitionTarget(question: string): readonly string[] | undefined {
  const match = /\b(?:who|what)\s*(?:is|are|was|were|'s|s)\s+(?:a|an|the)?\s*([^?.!]+)/i.exec(question);
  const target = match ? terms(match[1]!) : [];
  return target.length > 0 && target.length <= 3 ? target : undefined;
}

/** A sentence that says what the target is: it opens with it ("Miss Lucy, one of the guardians, …") or states it ("a possible is …"). */
function definesTarget(sentence: string, target: readonly string[]): boolean {
  const tokens = words(sentence);
  const stems = tokens.map((word) => (STOPWORDS.has(word) ? '' : stem(word)));
  const first = stems.findIndex((term) => target.includes(term));
  if (first < 0) return false;
  let last = first;
  while (last + 1 < stems.length && target.includes(stems[last + 1]!)) last++;
  return first <= 3 || DEFINING_VERBS.has(tokens[last + 1] ?? '');
}

function sameFact(a: QuoteSentence, b: QuoteSentence, settings: QuoteSettings): boolean {
  if (a.normalised === b.normalised) return true;
  if (a.vector && b.vector && dot(a.vector, b.vector) >= settings.duplicateCosine) return true;
  let shared = 0;
  for (const term of a.terms) if (b.terms.has(term)) shared++;
  const smaller = Math.min(a.terms.size, b.terms.size);
  return smaller >= 3 && shared / smaller >= DUPLICATE_TERM_OVERLAP;
}

/**
 * The sentences needed to read `sentence` on its own, in order: the one it points back to, the
 * lead-in of a quoted line (which names the speaker), the line a lead-in ending in ":" introduces,
 * and for a "why" question the reason that follows.
 */
export function readableSpan(sentence: QuoteSentence, kind: AnswerKind | undefined = undefined): QuoteSentence[] {
  const span = [sentence];
  let first = sentence;
  for (let steps = 0; steps < 2 && first.previous; steps++) {
    const before = first.previous;
    // A paragraph usually opens on its own ("These authority figures…" names what it is about); it needs
    // the paragraph before when it opens with a bare pronoun or "after this", or is a quoted line whose lead-in ends that paragraph.
    const sameParagraph = before.paragraphKey === first.paragraphKey;
    const needsBefore =
      (sameParagraph ? POINTS_BACK.test(first.text) || REFERS_BACK_INSIDE.test(first.text) : POINTS_BACK_ACROSS_PARAGRAPHS.test(first.text)) ||
      (QUOTED_LINE.test(first.text) && /:\s*$/.test(before.text));
    if (!needsBefore) break;
    span.unshift(before);
    first = before;
  }
  // A sentence of a paragraph that is one quotation ("We all know it. We're modeled from trash.") is
  // quoted from the quotation's start, with the sentence before the quotation: it names who speaks.
  const opening = quotationStart(first);
  if (QUOTED_LINE.test(opening.text)) {
    for (let part = first.previous; part && part.paragraphKey === first.paragraphKey; part = part.previous) span.unshift(part);
    if (opening.previous && !span.includes(opening.previous)) span.unshift(opening.previous);
  }
  let last = sentence;
  if (/:\s*$/.test(last.text) && last.next) {
    span.push(last.next);
    last = last.next;
  }
  if (kind === 'why' && !REASON.test(span.map((part) => part.text).join(' ')) && last.next && STARTS_WITH_REASON.test(last.next.text)) span.push(last.next);
  else if (last.next && STARTS_WITH_REASON.test(last.next.text) && /^["'“‘(]?(this is because|because|that is why|this is why)\b/i.test(last.next.text)) span.push(last.next);
  return span;
}

/** The first sentence of a sentence's paragraph. */
function quotationStart(sentence: QuoteSentence): QuoteSentence {
  let opening = sentence;
  while (opening.previous && opening.previous.paragraphKey === opening.paragraphKey) opening = opening.previous;
  return opening;
}

/** The last sentence of a sentence's paragraph. */
function quotationEnd(sentence: QuoteSentence): QuoteSentence {
  let closing = sentence;
  while (closing.next && closing.next.paragraphKey === closing.paragraphKey) closing = closing.next;
  return closing;
}

/** Whether a sentence is (part of) a quotation: it opens with a quotation mark, or its paragraph does. */
function isQuoted(sentence: QuoteSentence): boolean {
  return QUOTED_LINE.test(sentence.text) || QUOTED_LINE.test(quotationStart(sentence).text);
}

/** Names in a sentence (capitalised words after its first) that the question does not already have. */
function newNames(question: string, sentence: string, notNames: ReadonlySet<string> = new Set()): string[] {
  const questionWords = new Set(words(question));
  return (sentence.match(/\p{L}[\p{L}'’-]*/gu) ?? []).slice(1).filter((word) => {
    const normal = words(word)[0] ?? '';
    return /^\p{Lu}/u.test(word) && word !== 'I' && !questionWords.has(normal) && !notNames.has(normal);
  });
}

export function selectQuotes(candidates: QuoteSentence[], question: QuoteQuestion, statistics: TermStatistics, settings: QuoteSettings): Quote[] {
  const kind = answerKind(question.text);
  // Every word of the question counts in choosing its sentence: a main character's name is common in
  // the guides (a low IDF), yet a sentence about someone else does not answer a question about them.
  const floor = QUOTE_TERM_FLOOR * statistics.maxIdf();
  const quoteTerms = new Map([...question.terms].map(([term, weight]) => [term, statistics.idf(term) > 0 ? Math.max(weight, floor) : weight]));
  const lexicalOf = new Map(candidates.map((candidate) => [candidate, termCoverage(quoteTerms, candidate.terms)]));
  const lexical = (sentence: QuoteSentence | undefined) => (sentence ? (lexicalOf.get(sentence) ?? termCoverage(quoteTerms, sentence.terms)) : 0);
  const scored = candidates
    .filter((candidate) => candidate.passageIndex !== undefined && candidate.passageIndex < QUOTE_PASSAGES && !ABOUT_THE_GUIDE.test(candidate.text))
    .map((candidate) => {
      const semantic = question.vector && candidate.vector ? dot(question.vector, candidate.vector) : 0;
      const around = Math.max(lexical(candidate.previous), lexical(candidate.next));
      const rankDiscount = 1 - RANK_DISCOUNT * candidate.passageIndex!;
      const overview = candidate.overview ? OVERVIEW_FACTOR : 1;
      // A lead-in ending in ":" is only half a statement; it is quoted with its line, but not chosen for itself.
      const incomplete = /:\s*$/.test(candidate.text) ? 0.8 : 1;
      // A sentence that shares no topic word with the question (nor does the one it points back to) is about something else.
      const onTopic = lexical(candidate) > 0 || (POINTS_BACK.test(candidate.text) && lexical(candidate.previous) > 0) ? 1 : OFF_TOPIC_FACTOR;
      const score =
        (0.5 * semantic + lexical(candidate) + NEIGHBOUR_WEIGHT * around + answerTypeBonus(kind, question.text, candidate.text, statistics, settings.notNames, isQuoted(candidate))) *
        rankDiscount *
        overview *
        incomplete *
        onTopic;
      return { candidate, score };
    })
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) return [];

  const chosen: QuoteSentence[] = [];
  const order = new Map(candidates.map((candidate, index) => [candidate, index]));
  const paragraphs = () => new Set(chosen.map((sentence) => sentence.paragraphKey)).size;
  for (const { candidate, score } of scored) {
    if (chosen.length > 0 && score < best.score * QUOTE_RELATIVE_SCORE) break;
    if (chosen.includes(candidate)) continue;
    if (chosen.some((other) => sameFact(other, candidate, settings))) continue;
    const span = readableSpan(candidate, kind).filter((sentence) => !chosen.includes(sentence));
    if (chosen.length + span.length > MAX_SENTENCES) {
      if (chosen.length === 0) chosen.push(...span.slice(0, MAX_SENTENCES));
      continue;
    }
    const before = [...chosen];
    chosen.push(...span);
    if (paragraphs() > MAX_QUOTES) {
      chosen.length = 0;
      chosen.push(...before);
    }
    if (chosen.length >= MAX_SENTENCES) break;
  }

  // A "who did…" question is answered by a name: when no chosen sentence has one, the best sentence that does is quoted too.
  if (kind === 'who' && !ASKS_WHO_SOMEONE_IS.test(question.text) && !chosen.some((sentence) => newNames(question.text, sentence.text, settings.notNames).length > 0)) {
    const hasName = (sentence: QuoteSentence | undefined): sentence is QuoteSentence =>
      sentence !== undefined && !chosen.includes(sentence) && newNames(question.text, sentence.text, settings.notNames).length > 0;
    // Who says a quoted line is told around it: in the sentence before the quotation or the one after it.
    const aroundQuotations = chosen.filter(isQuoted).flatMap((sentence) => [quotationStart(sentence).previous, quotationEnd(sentence).next]);
    const named = aroundQuotations.find(hasName) ?? scored.find(({ candidate, score }) => score >= best.score * NAMED_RELATIVE_SCORE && lexical(candidate) > 0 && hasName(candidate))?.candidate;
    if (named) {
      const span = readableSpan(named, kind).filter((sentence) => !chosen.includes(sentence));
      while (chosen.length > 1 && chosen.length + span.length > MAX_SENTENCES) chosen.pop();
      chosen.push(...span.slice(0, MAX_SENTENCES));
    }
  }

  // In the guide's order within a paragraph; the paragraph of the best sentence first (a lead-in goes with its line).
  const scoreRank = new Map(scored.map((entry, index) => [entry.candidate, index]));
  const rankOf = (sentence: QuoteSentence): number =>
    scoreRank.get(sentence) ??
    Math.min(
      ...chosen
        .filter((other) => other !== sentence && (other.paragraphKey === sentence.paragraphKey || other.previous === sentence || other.next === sentence))
        .map((other) => scoreRank.get(other) ?? scored.length),
    );
  const groups = new Map<string, QuoteSentence[]>();
  for (const sentence of chosen) groups.set(sentence.paragraphKey, [...(groups.get(sentence.paragraphKey) ?? []), sentence]);
  const quotes: { quote: Quote; rank: number; first: number }[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const text: string[] = [];
    group.forEach((sentence, index) => {
      const joined = index > 0 && group[index - 1]!.next !== sentence ? ` … ${sentence.text}` : `${index > 0 ? ' ' : ''}${sentence.text}`;
      text.push(joined);
    });
    const rank = Math.min(...group.map(rankOf));
    quotes.push({ quote: { text: text.join(''), citation: group[0]!.citation, passageId: group[0]!.passageId }, rank, first: order.get(group[0]!) ?? 0 });
  }
  // A lead-in and its line (or a sentence and what it points back to) stay in reading order, whatever their ranks.
  quotes.sort((a, b) => a.rank - b.rank || a.first - b.first);
  const linked = orderLinkedGroups(
    quotes.map((entry) => entry.quote),
    groups,
  );
  return linked;
}

/** Puts a paragraph right after the paragraph it continues (a lead-in's line after the lead-in). */
function orderLinkedGroups(quotes: Quote[], groups: Map<string, QuoteSentence[]>): Quote[] {
  const groupList = [...groups.values()];
  const groupOf = (quote: Quote) => groupList.find((group) => group[0]!.passageId === quote.passageId && group[0]!.citation === quote.citation)!;
  const result: Quote[] = [];
  const placed = new Set<Quote>();
  const place = (quote: Quote) => {
    if (placed.has(quote)) return;
    const group = groupOf(quote);
    const predecessor = quotes.find((other) => other !== quote && !placed.has(other) && groupOf(other).some((sentence) => sentence.next === group[0]));
    if (predecessor) place(predecessor);
    placed.add(quote);
    result.push(quote);
  };
  for (const quote of quotes) place(quote);
  return result;
}
