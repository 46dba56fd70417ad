import { createHash } from 'node:crypto';
import type { SectionEntry } from './section-catalogue.js';
import { normaliseForMatch } from './guide/normalise.js';

/**
 * Finds sections by what a person typed, and gives each section a short id that stays the same
 * across restarts (a hash of its key), small enough for Discord custom ids and autocomplete values.
 */

export interface SectionSource {
  sections(): SectionEntry[];
  findSections(typed: string, limit?: number): SectionEntry[];
}

export type SectionResolution = { entry: SectionEntry } | { entry: undefined; suggestions: SectionEntry[] };

/** A short, stable id for any string key (12 base64url characters of its SHA-256). */
export function shortId(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 12);
}

const trigrams = (text: string) => {
  const padded = `  ${text} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
};

function similarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  let shared = 0;
  for (const gram of x) if (y.has(gram)) shared++;
  return (2 * shared) / (x.size + y.size || 1);
}

export class SectionLookup {
  private readonly byId = new Map<string, SectionEntry>();
  private readonly idByKey = new Map<string, string>();
  private readonly byPath = new Map<string, SectionEntry>();

  constructor(private readonly source: SectionSource) {
    for (const entry of source.sections()) {
      const id = shortId(entry.key);
      this.byId.set(id, entry);
      this.idByKey.set(entry.key, id);
      this.byPath.set(`${entry.source}\0${entry.path.join('\0')}`, entry);
    }
  }

  all(): SectionEntry[] {
    return this.source.sections();
  }

  idOf(entry: SectionEntry): string {
    return this.idByKey.get(entry.key) ?? shortId(entry.key);
  }

  byShortId(id: string): SectionEntry | undefined {
    return this.byId.get(id);
  }

  /** The section a passage comes from (undefined for a teacher note). */
  bySourceAndPath(source: string, path: readonly string[]): SectionEntry | undefined {
    return this.byPath.get(`${source}\0${path.join('\0')}`);
  }

  /** Sections matching what was typed so far, for autocomplete. */
  find(typed: string, limit = 25): SectionEntry[] {
    return this.source.findSections(typed, limit);
  }

  /**
   * Resolves a `/section` argument: an autocomplete value (short id), an exact heading or citation,
   * or typed words that match exactly one section. Otherwise returns close matches to suggest.
   */
  resolve(input: string, suggestionLimit = 5): SectionResolution {
    const trimmed = input.trim();
    const byId = this.byId.get(trimmed);
    if (byId) return { entry: byId };
    const wanted = normaliseForMatch(trimmed);
    if (wanted === '') return { entry: undefined, suggestions: [] };
    const all = this.source.sections();
    const exact =
      all.find((entry) => normaliseForMatch(entry.citation) === wanted) ??
      all.find((entry) => normaliseForMatch(entry.path.join(' ')) === wanted) ??
      all.find((entry) => entry.paragraphs.length > 0 && normaliseForMatch(entry.path[entry.path.length - 1] ?? '') === wanted) ??
      all.find((entry) => normaliseForMatch(entry.path[entry.path.length - 1] ?? '') === wanted);
    if (exact) return { entry: exact };
    const matches = this.source.findSections(trimmed, suggestionLimit + 1);
    if (matches.length === 1) return { entry: matches[0]! };
    if (matches.length > 1) {
      // "ruth" means "Ruth C. - The Manipulator…" rather than "How does Ruth function…?"
      const leading = matches.filter((entry) => normaliseForMatch(entry.path[entry.path.length - 1] ?? '').startsWith(wanted));
      if (leading.length === 1) return { entry: leading[0]! };
      return { entry: undefined, suggestions: matches.slice(0, suggestionLimit) };
    }
    const scored = all
      .filter((entry) => entry.paragraphs.length > 0)
      .map((entry) => ({
        entry,
        score: Math.max(similarity(wanted, normaliseForMatch(entry.path[entry.path.length - 1] ?? '')), similarity(wanted, normaliseForMatch(entry.path.join(' ')))),
      }))
      .filter(({ score }) => score > 0.15)
      .sort((a, b) => b.score - a.score);
    return { entry: undefined, suggestions: scored.slice(0, suggestionLimit).map(({ entry }) => entry) };
  }
}
