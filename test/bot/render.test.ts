import { describe, expect, it } from 'vitest';
import {
  answerEmbed,
  blockQuote,
  clampEmbed,
  embedLength,
  helpEmbed,
  joinWithin,
  neutraliseMentions,
  passagesEmbed,
  quizGradeEmbed,
  quotationEmbed,
  safeText,
  sectionPageEmbed,
  tocEmbed,
  truncate,
} from '../../src/render/discord.js';
import { renderAnswerText } from '../../src/render/text.js';
import { answerView, paginate, quotationView, unquote } from '../../src/render/view.js';
import type { Answer } from '../../src/search/answer.js';
import { limitViolations } from '../e2e/bot-harness.js';
import { guidePassage } from '../helpers/passages.js';

const long = (n: number, word = 'word') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

function answer(overrides: Partial<Answer> = {}): Answer {
  return {
    question: 'Who is *Miss* Lucy?',
    answered: true,
    confidence: 0.776,
    quotes: [{ text: 'Miss Lucy is a guardian.', citation: 'A Guide › Part › Section 0 ¶1', passageId: 'p0' }],
    passages: [0, 1, 2, 3, 4].map((i) => guidePassage(i)),
    notices: [],
    ...overrides,
  } as Answer;
}

describe('safe text', () => {
  it('escapes markdown and defuses every kind of mention', () => {
    expect(safeText('**bold** _it_ `code` ~~s~~ ||spoiler||')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\|\\|spoiler\\|\\|');
    expect(safeText('# heading\n- item\n1. first')).toBe('\\# heading\n\\- item\n1\\. first');
    expect(safeText('[link](http://x)')).not.toBe('[link](http://x)');
    expect(neutraliseMentions('@everyone @here <@123> <@!456> <@&789> <#1011>')).toBe('@\u200beveryone @\u200bhere <@\u200b123> <@!\u200b456> <@&\u200b789> <#\u200b1011>');
    expect(safeText('a\u200bb\u0007c')).toBe('abc');
  });

  it('truncate never exceeds the limit nor leaves half an escape or half a surrogate pair', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('ab\\*cd', 4)).toBe('ab…');
    expect(truncate('a😀b', 3)).toBe('a…');
    for (let max = 5; max < 60; max++) expect(truncate(safeText(long(50, '*x_')), max).length).toBeLessThanOrEqual(max);
  });

  it('joinWithin stops before the limit', () => {
    expect(joinWithin(['a', 'b', 'c'], 3)).toBe('a\nb');
    expect(joinWithin([long(100)], 100).length).toBeLessThanOrEqual(100);
  });

  it('blockQuote quotes every line', () => {
    expect(blockQuote('one\ntwo')).toBe('> one\n> two');
  });
});

describe('embeds never exceed Discord limits, whatever the input', () => {
  const huge = long(3000);
  it.each([
    ['answer', () => answerEmbed(answerView(answer({ question: huge, quotes: [0, 1, 2].map((i) => ({ text: huge, citation: huge, passageId: `p${i}` })), notices: [huge] })))],
    ['not covered', () => answerEmbed(answerView(answer({ answered: false, quotes: [], passages: answer().passages.map((p) => ({ ...p, citation: huge })) })))],
    ['passages', () => passagesEmbed(answerView(answer({ question: huge, passages: answer().passages.map((p) => ({ ...p, text: huge, citation: huge })) })))],
    ['section page', () => sectionPageEmbed({ citation: huge, guide: huge }, [huge, huge], 0, 3)],
    [
      'toc',
      () =>
        tocEmbed(
          Array.from({ length: 500 }, () => 'a line of the table of contents'),
          0,
          2,
        ),
    ],
    ['quote', () => quotationEmbed({ text: huge, citation: huge, highlighted: true }, huge)],
    [
      'quiz grade',
      () =>
        quizGradeEmbed(
          {
            question: { question: huge, citation: huge, answer: huge, keyPoints: [] },
            covered: Array.from({ length: 30 }, () => ({ text: huge, similarity: 1 })),
            missed: [{ text: huge, similarity: 0 }],
            score: 0.5,
          },
          huge,
        ),
    ],
    ['help', () => helpEmbed(Array.from({ length: 40 }, () => ({ usage: huge, description: huge })))],
    ['clamped fields', () => clampEmbed({ title: huge, description: huge, footer: { text: huge }, fields: Array.from({ length: 30 }, () => ({ name: huge, value: huge })) })],
  ])('%s', (_name, build) => {
    const embed = build();
    expect(limitViolations({ embeds: [embed] })).toEqual([]);
    expect(embedLength(embed)).toBeLessThanOrEqual(6000);
  });
});

describe('view model', () => {
  it('the answer view is shared: the text renderer keeps its format', () => {
    expect(renderAnswerText(answer())).toBe(
      ['Q: Who is *Miss* Lucy?', '', '  │ “Miss Lucy is a guardian.”', '    — A Guide › Part › Section 0 ¶1', '', 'From the guides, word for word · partial match'].join('\n'),
    );
    const refusal = { reason: 'not-covered' as const, message: "The guides don't seem to cover this question." };
    const notCovered = renderAnswerText(answer({ answered: false, level: 'none', quotes: [], refusal: { ...refusal, related: true } }));
    expect(notCovered).toContain("The guides don't seem to cover this question.\nThe closest sections are:\n  • A Guide › Part › Section 0\n  • A Guide › Part › Section 1");
    // Sections that are not plausibly related to the question are not offered.
    const unrelated = renderAnswerText(answer({ answered: false, level: 'none', quotes: [], refusal }));
    expect(unrelated).not.toContain('The closest sections are');
  });

  it('ranks passages from the offset and finds the best section to read', () => {
    const view = answerView(answer(), { offset: 5 });
    expect(view.passages.map((p) => p.rank)).toEqual([6, 7, 8, 9, 10]);
    expect(view.bestSection).toEqual({ source: 'guide.md', path: ['Part', 'Section 0'], citation: 'A Guide › Part › Section 0' });
  });

  it('paginate keeps every word, in order, in pages under the limit', () => {
    const paragraphs = [long(50), long(900), 'short', long(10)];
    const pages = paginate(paragraphs, 1000);
    for (const page of pages) expect(page.join('\n\n').length).toBeLessThanOrEqual(1000);
    expect(pages.flat().join(' ').split(/\s+/)).toEqual(paragraphs.join(' ').split(/\s+/));
  });

  it('quotes lose only their outer quotation marks', () => {
    expect(unquote('"We took away your art."')).toBe('We took away your art.');
    expect(unquote('“A” and “B”')).toBe('“A” and “B”');
    expect(quotationView({ text: 'plain', citation: 'c', highlighted: false }).label).toBe('A quoted line from the guide');
  });
});
