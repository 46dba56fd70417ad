import { escapeMarkdown } from 'discord.js';
import { stripInvisible } from '../guide/normalise.js';

/**
 * Escaping text the bot did not write (questions, topics, section names, teacher notes, guide
 * passages) before it goes into Discord markdown. One function, `escapeUserText`, does all of it;
 * every renderer uses it (through `safeText` / `safeInline` in discord.ts).
 *
 * discord.js's `escapeMarkdown` is not enough on its own for links: its masked-link escape adds a
 * backslash before the first `[` of a line only, so a second `[text](https://…)` on the same line
 * stays a live link (a phishing link with any text). Links are therefore escaped here instead:
 *  - every `[` and `]` gets a backslash, so no masked link can start (nested brackets included);
 *  - every `<` gets a backslash, so no autolink `<https://…>` (nor emoji or timestamp) can form;
 *  - the colon of every `scheme://` gets a backslash (`https\://evil.example`). Discord renders an
 *    escaped punctuation character as the character itself, so the reader sees
 *    `https://evil.example` unchanged, but its link detection needs a literal `://` and no longer
 *    finds a URL: nothing is clickable and no preview is fetched. (Wrapping URLs in inline code
 *    would also work, but breaks on a URL holding a backtick and changes how the text looks.)
 */

/**
 * Escapes the links of text that is already markdown-escaped (every backslash of the original
 * text doubled, as `escapeMarkdown` does). A character already preceded by an odd number of
 * backslashes is escaped already and left alone, so applying this twice changes nothing.
 */
export function escapeLinks(markdown: string): string {
  let out = '';
  let backslashes = 0;
  for (let i = 0; i < markdown.length; i++) {
    const char = markdown[i]!;
    const escaped = backslashes % 2 === 1;
    if (!escaped && (char === '[' || char === ']' || char === '<' || (char === ':' && markdown.startsWith('//', i + 1)))) out += '\\';
    out += char;
    backslashes = char === '\\' ? backslashes + 1 : 0;
  }
  return out;
}

/**
 * Makes @everyone, @here and user, role and channel mentions inert even where Discord would render
 * them (a zero-width space after the @ or #). `allowedMentions` already stops pings; this also stops
 * the blue highlight that makes an echoed question look like a ping.
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<(@[!&]?|#)(\d+)>/g, '<$1\u200b$2>');
}

// Stand-ins for `<` and the colon of `://` while escapeMarkdown runs: control characters, which
// stripInvisible has removed from the text, so they cannot clash with it. escapeMarkdown leaves
// `*` and `_` inside URLs, autolinks and emoji unescaped (there they are not markdown); once those are
// made inert they would be markdown again, so it must not see them as URLs.
const LT = '\u0001';
const SCHEME_COLON = '\u0002';

/**
 * Text someone else wrote, safe to place anywhere in Discord markdown (message content, embed
 * descriptions and field values): invisible characters removed, markdown escaped (including
 * headings and lists), links, autolinks and raw URLs made inert, mentions defused.
 */
export function escapeUserText(text: string): string {
  const marked = stripInvisible(text)
    .replace(/:(?=\/\/)/g, SCHEME_COLON)
    .replace(/</g, LT);
  // The italic and underline escapes' underscore patterns look behind at every position of the text
  // (quadratic in a line's length), and so does the inline-code one. Without the characters they
  // escape they cannot match, so they are skipped: the result is the same, at a fraction of the cost
  // for ordinary prose.
  const underscore = marked.includes('_');
  const markdown = escapeMarkdown(marked, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: false,
    italic: underscore || marked.includes('*'),
    underline: underscore,
    inlineCode: marked.includes('`'),
  })
    .replaceAll(SCHEME_COLON, '\\:')
    .replaceAll(LT, '\\<');
  return neutraliseMentions(escapeLinks(markdown));
}
