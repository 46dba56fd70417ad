/**
 * Text normalisation for search. Quotes shown to people always use the original text; these
 * functions only produce the form that is tokenised, embedded and compared.
 */

// Zero-width characters, the BOM and bidirectional controls: invisible, but they break matching.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/g;
// C0/C1 control characters except tab and newline.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u02BC\u0060\u00B4]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB\u301D\u301F]/g;
// En, em, figure and horizontal-bar dashes, the minus sign, and U+301E, which some sites emit where an em dash belongs.
const DASHES = /[\u2012\u2013\u2014\u2015\u2212\u301E]/g;
const HYPHENS = /[\u2010\u2011]/g;
const SPACES = /[\s\u00A0\u2000-\u200A\u202F\u205F\u3000]+/g;

/** Removes invisible and control characters (but keeps newlines and tabs). */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '').replace(CONTROL, '');
}

/** NFC, straight quotes, ASCII dashes, single spaces, no invisible characters; case is kept. */
export function normaliseText(text: string): string {
  return stripInvisible(text.normalize('NFC')).replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(DASHES, ' - ').replace(HYPHENS, '-').replace(SPACES, ' ').trim();
}

/** Repairs characters that are wrong in the source itself (not just unusual), for display. */
export function repairText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\u301E/g, '\u2014')
    .replace(/\u00A0+$/gm, '');
}

/**
 * The normalised heading-path form used by the evaluation format: lowercase, every run of
 * non-alphanumeric characters replaced by one space.
 */
export function normaliseForMatch(text: string): string {
  return normaliseText(text)
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
