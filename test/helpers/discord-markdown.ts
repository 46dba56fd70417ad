/** Reading Discord markdown the way Discord does, to check what the bot sends. */

/**
 * What Discord would make clickable in a piece of markdown, following its parser: a backslash
 * escapes the next punctuation character; a masked link starts at an unescaped `[` (link text may
 * hold balanced brackets); an autolink is `<scheme:/…>`; a bare URL is `http(s)://…`.
 */
export function liveLinks(markdown: string): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < markdown.length) {
    const rest = markdown.slice(i);
    if (rest[0] === '\\' && rest.length > 1 && /[^0-9A-Za-z\s]/.test(rest[1]!)) {
      i += 2;
      continue;
    }
    const masked = /^\[((?:\[[^\]]*\]|[^[\]]|\](?=[^[]*\]))*)\]\(\s*<?((?:\([^)]*\)|[^\s\\]|\\.)*?)>?\s*\)/.exec(rest);
    if (masked) {
      found.push(masked[0]);
      i += masked[0].length;
      continue;
    }
    const auto = /^<([^: >]+:\/[^ >]+)>/.exec(rest);
    if (auto) {
      found.push(auto[0]);
      i += auto[0].length;
      continue;
    }
    const url = /^(?:https?|steam):\/\/[^\s<]+[^<.,:;"')\]\s]/.exec(rest);
    // A URL only starts where the previous character is not a letter or digit (like Discord's text rule).
    if (url && !/[0-9A-Za-z]$/.test(markdown.slice(0, i))) {
      found.push(url[0]);
      i += url[0].length;
      continue;
    }
    i += 1;
  }
  return found;
}

/** How Discord shows escaped markdown: every backslash escape becomes its character. */
export const shown = (markdown: string) => markdown.replace(/\\([^0-9A-Za-z\s])/g, '$1');

/** A question with two masked links on one line (discord.js's escapeMarkdown leaves the second live). */
export const PHISH = 'Who is Miss Lucy? See [the notes](https://a.example) and [Read the official study guide](https://evil.example) please';
