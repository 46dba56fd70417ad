import { normaliseForMatch } from '../guide/normalise.js';

/** The book of guides that name none and of a shared library without one. */
export const UNNAMED_BOOK = 'General';

/** A book's folder and comparison key: lower-case ASCII words joined by hyphens ("Never Let Me Go" → "never-let-me-go"). */
export function bookSlug(book: string): string {
  const slug = normaliseForMatch(book)
    .replace(/[^a-z0-9 ]+/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 60);
  return slug === '' ? 'book' : slug;
}

/** A book name as typed: spaces collapsed, trimmed. */
export function cleanBookName(book: string): string {
  return book.replace(/\s+/g, ' ').trim();
}

/** The book a guide's front matter names, if any. */
export function bookOfMeta(meta: Record<string, unknown>): string | undefined {
  const book = meta.book;
  return typeof book === 'string' && book.trim() !== '' ? cleanBookName(book) : undefined;
}
