import { describe, expect, it } from 'vitest';
import { safeInline, safeText } from '../../src/render/discord.js';
import { escapeLinks, escapeUserText } from '../../src/render/escape.js';
import { liveLinks, PHISH, shown } from '../helpers/discord-markdown.js';

describe('escaping links in text the bot echoes', () => {
  it('the check itself finds what Discord would link (so the tests below can fail)', () => {
    expect(liveLinks(PHISH)).toHaveLength(2);
    expect(liveLinks('go to <https://evil.example> now')).toEqual(['<https://evil.example>']);
    expect(liveLinks('go to https://evil.example/login now')).toEqual(['https://evil.example/login']);
    // discord.js's own escape leaves the second masked link of a line live (and the first one's URL).
    expect(liveLinks('\\[the notes](https://a.example) and [Read](https://evil.example)')).toEqual(['https://a.example', '[Read](https://evil.example)']);
  });

  it('two masked links on one line: neither is live, and the text reads the same', () => {
    const out = escapeUserText(PHISH);
    expect(liveLinks(out)).toEqual([]);
    expect(shown(out)).toBe(PHISH);
    expect(out).toBe('Who is Miss Lucy? See \\[the notes\\](https\\://a.example) and \\[Read the official study guide\\](https\\://evil.example) please');
  });

  it('many links on many lines', () => {
    const text = Array.from({ length: 4 }, (_, i) => `[a${i}](https://x${i}.example) [b${i}](https://y${i}.example)`).join('\n');
    expect(liveLinks(escapeUserText(text))).toEqual([]);
  });

  it('nested brackets', () => {
    for (const text of ['[a [b](https://evil.example) c](https://x.example)', '[[x]](https://evil.example)', '[a]]](https://evil.example)', '[x](https://evil.example)(https://y.example)']) {
      const out = escapeUserText(text);
      expect(liveLinks(out), text).toEqual([]);
      expect(shown(out)).toBe(text);
    }
  });

  it('autolinks and raw URLs of any scheme', () => {
    for (const text of ['<https://evil.example>', '<http://evil.example/a?b=c>', 'plain https://evil.example/login?x=1 text', 'HTTPS://EVIL.EXAMPLE', 'steam://run/1', 'x<https://evil.example>y']) {
      const out = escapeUserText(text);
      expect(liveLinks(out), text).toEqual([]);
      expect(shown(out)).toBe(text);
    }
    expect(escapeUserText('<https://evil.example>')).toBe('\\<https\\://evil.example>');
  });

  it('markdown inside link text and inside URLs is escaped too (the URL is plain text now)', () => {
    const out = escapeUserText('[**Official** _guide_](https://evil.example/__a__/*b*)');
    expect(liveLinks(out)).toEqual([]);
    expect(out).toBe('\\[\\*\\*Official\\*\\* \\_guide\\_\\](https\\://evil.example/\\_\\_a\\_\\_/\\*b\\*)');
    expect(escapeUserText('<:smile_face:123> _x_')).toBe('\\<:smile\\_face:123> \\_x\\_');
  });

  it('emphasis marks are escaped wherever they are, and prose without any comes back as it was', () => {
    expect(escapeUserText('a snake_case word, then __underlined__ and *starred*')).toBe('a snake\\_case word, then \\_\\_underlined\\_\\_ and \\*starred\\*');
    expect(escapeUserText('Only stars: **bold** and *it*')).toBe('Only stars: \\*\\*bold\\*\\* and \\*it\\*');
    const prose = 'Kathy remembers Hailsham, Tommy\'s tantrums and the "gallery" (as Miss Emily called it).';
    expect(escapeUserText(prose)).toBe(prose);
  });

  it('inline code and code blocks are escaped, with or without other markdown around them', () => {
    expect(escapeUserText('run `rm -rf` now')).toBe('run \\`rm -rf\\` now');
    expect(escapeUserText('``double`` and ```block```')).toBe('\\`\\`double\\`\\` and \\`\\`\\`block\\`\\`\\`');
    expect(escapeUserText('*a* `b` _c_')).toBe('\\*a\\* \\`b\\` \\_c\\_');
  });

  it('text that is already escaped, or pretends to be', () => {
    // A backslash the user typed is shown as a backslash; it does not swallow the escape of the bracket.
    for (const text of ['\\[x](https://evil.example)', '\\\\[x](https://evil.example)', 'https\\://evil.example', '\\<https://evil.example>', '[x]\\(https://evil.example)']) {
      const out = escapeUserText(text);
      expect(liveLinks(out), text).toEqual([]);
      expect(shown(out)).toBe(text);
    }
    // Links already escaped are left as they are: escaping twice changes nothing.
    const once = escapeLinks('\\[a\\](https\\://x.example) \\<https\\://y.example>');
    expect(escapeLinks(once)).toBe(once);
    expect(once).toBe('\\[a\\](https\\://x.example) \\<https\\://y.example>');
  });

  it('mentions, headings and lists stay defused', () => {
    expect(escapeUserText('@everyone <@123> <@&4> <#5>')).toBe('@\u200beveryone \\<@\u200b123> \\<@&\u200b4> \\<#\u200b5>');
    expect(escapeUserText('# big\n- item')).toBe('\\# big\n\\- item');
  });

  it('safeText and safeInline (what every renderer uses) escape links, also when they cut', () => {
    expect(liveLinks(safeText(PHISH))).toEqual([]);
    expect(liveLinks(safeInline(PHISH, 300))).toEqual([]);
    for (let max = 10; max < PHISH.length + 5; max++) expect(liveLinks(safeInline(PHISH, max)), String(max)).toEqual([]);
  });
});
