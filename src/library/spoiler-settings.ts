import { sectionPart, spoilerMap, type BookPart } from '../guide/spoilers.js';
import { normaliseForMatch } from '../guide/normalise.js';
import type { Guide } from '../guide/types.js';
import { shortId } from '../section-lookup.js';
import { LibraryError } from './errors.js';

/**
 * A teacher's change to how far into the book a guide's sections go, written into the guide's own
 * front matter (`spoilers: {default, sections}`, see guide/spoilers.ts): the canonical Markdown is
 * what the engine reads, what survives a restart and what `/guides export` gives back.
 */

/** `default`: the section follows the guide's own part again. */
export type SectionPartChoice = BookPart | 'default';

export interface SpoilerChange {
  /** The part the whole guide reveals (every section without a part of its own). */
  reveals?: BookPart;
  /** One section's part: `section` is its heading path. */
  section?: { path: string[]; part: SectionPartChoice };
}

export interface SectionSpoiler {
  path: string[];
  part: BookPart;
  /** Whether the section has a part of its own (else it follows the guide's). */
  own: boolean;
  paragraphs: number;
}

export interface GuideSpoilers {
  reveals: BookPart;
  sections: SectionSpoiler[];
}

const joined = (path: readonly string[]) => path.join(' › ');

/** The value a section is picked by in autocomplete: short and stable while its heading path is. */
export const sectionChoiceValue = (path: readonly string[]) => shortId(joined(path));

/** Each section of a guide with the part it reveals. */
export function guideSpoilers(guide: Pick<Guide, 'source' | 'meta' | 'sections'>): GuideSpoilers {
  const map = spoilerMap(guide);
  return {
    reveals: map.default,
    sections: guide.sections
      .filter((section) => section.path.length > 0)
      .map((section) => ({ path: section.path, part: sectionPart(map, section.path), own: joined(section.path) in map.sections, paragraphs: section.paragraphs.length })),
  };
}

/**
 * The section a teacher named: an autocomplete value, the full heading path ("Characters › Victor") or
 * a heading that only one section has. Throws a LibraryError naming the guide otherwise.
 */
export function findSection(guide: Pick<Guide, 'title' | 'sections'>, typed: string): string[] {
  const trimmed = typed.trim();
  const sections = guide.sections.filter((section) => section.path.length > 0);
  const byValue = sections.find((section) => sectionChoiceValue(section.path) === trimmed);
  if (byValue) return byValue.path;
  const wanted = normaliseForMatch(trimmed);
  const byPath = sections.find((section) => normaliseForMatch(joined(section.path)) === wanted);
  if (byPath) return byPath.path;
  const byHeading = sections.filter((section) => normaliseForMatch(section.path[section.path.length - 1]!) === wanted);
  if (byHeading.length === 1) return byHeading[0]!.path;
  if (byHeading.length > 1) throw new LibraryError(`“${trimmed}” is the heading of ${byHeading.length} sections of “${guide.title}”: pick the one you mean from the list as you type.`);
  throw new LibraryError(`“${trimmed}” is not a section of “${guide.title}”. Pick a section from the list as you type (\`/guides export\` shows every heading).`);
}

/** The guide's spoiler map with the change made (a section's own part set, or removed with `default`). */
export function changedSpoilers(guide: Pick<Guide, 'source' | 'meta'>, change: SpoilerChange): { default: BookPart; sections: Record<string, BookPart> } {
  const map = spoilerMap(guide);
  const sections = { ...map.sections };
  if (change.section) {
    const key = joined(change.section.path);
    if (change.section.part === 'default') delete sections[key];
    else sections[key] = change.section.part;
  }
  return { default: change.reveals ?? map.default, sections };
}
