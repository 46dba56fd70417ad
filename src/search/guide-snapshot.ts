import v8 from 'node:v8';
import type { Guide } from '../guide/types.js';

/**
 * The parsed guides, stored with the index so that starting from an existing index does not parse every
 * guide file again (Markdown, Word, PDF and HTML parsing and the ingest checks cost most of a start-up at
 * scale). The index's corpus hash covers every guide file's bytes and the loading rules, so a changed guide
 * makes the whole index, this snapshot included, stale. V8's serializer keeps whatever the front matter
 * holds (dates, numbers that JSON cannot write) exactly as parsed.
 */
export function encodeGuides(guides: readonly Guide[]): Buffer {
  return v8.serialize(guides);
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function isGuide(value: unknown): value is Guide {
  const guide = value as Partial<Record<keyof Guide, unknown>> | null;
  if (typeof guide?.source !== 'string' || typeof guide.title !== 'string' || typeof guide.meta !== 'object' || guide.meta === null || !Array.isArray(guide.sections)) return false;
  return guide.sections.every((item: unknown) => {
    const section = item as Partial<Record<'path' | 'paragraphs' | 'pages', unknown>> | null;
    return isStringArray(section?.path) && isStringArray(section.paragraphs) && (section.pages === undefined || Array.isArray(section.pages));
  });
}

/** Reads what {@link encodeGuides} wrote; throws when the bytes do not hold guides. */
export function decodeGuides(bytes: Buffer, expectedCount: number): Guide[] {
  const guides: unknown = v8.deserialize(bytes);
  if (!Array.isArray(guides) || guides.length !== expectedCount || !guides.every(isGuide)) throw new Error(`it does not hold ${expectedCount} guides`);
  return guides;
}
