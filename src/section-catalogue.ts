import { normaliseForMatch } from './guide/normalise.js';
import type { BookPart } from './guide/spoilers.js';

/** One section of a guide, for the table of contents and `/section`. */
export interface SectionEntry {
  /** Stable key: `source#normalised heading path`. */
  key: string;
  source: string;
  guide: string;
  path: string[];
  citation: string;
  paragraphs: string[];
  /** Each paragraph's source page, for guides that have pages (quotations cite it). */
  pages?: number[];
  /** The latest part of the novel this section reveals. */
  part: BookPart;
}

/**
 * Sections whose heading path matches what was typed (every typed word a prefix of a heading word),
 * best first. Plain data in, plain data out: the engine and the worker pool's in-process catalogue
 * (autocomplete answers without waiting for a worker) run the same function.
 */
export function findSections(sections: readonly SectionEntry[], typed: string, limit = 25): SectionEntry[] {
  const wanted = normaliseForMatch(typed).split(' ').filter(Boolean);
  const withText = sections.filter((entry) => entry.paragraphs.length > 0);
  if (wanted.length === 0) return withText.slice(0, limit);
  return withText
    .map((entry) => {
      const headingWords = normaliseForMatch(entry.path.join(' ')).split(' ');
      const last = normaliseForMatch(entry.path[entry.path.length - 1] ?? '').split(' ');
      const matches = wanted.every((word) => headingWords.some((heading) => heading.startsWith(word)));
      const inLast = wanted.filter((word) => last.some((heading) => heading.startsWith(word))).length;
      return { entry, matches, inLast };
    })
    .filter(({ matches }) => matches)
    .sort((a, b) => b.inLast - a.inLast)
    .slice(0, limit)
    .map(({ entry }) => entry);
}
