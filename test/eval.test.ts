import { describe, expect, it } from 'vitest';
import { isOnTarget, parseEvalFile, scoreAnswers } from '../src/eval.js';
import type { Answer } from '../src/search/answer.js';

const passage = (section: string[]) => ({ id: section.join('/'), source: 'g.md', guide: 'G', section, paragraph: 1, citation: '', text: '', score: 1, part: 'none' as const });
const answer = (sections: string[][], answered = true, quote = ''): Answer => ({
  question: 'q',
  answered,
  confidence: answered ? 0.9 : 0.1,
  level: answered ? ('strong' as const) : ('none' as const),
  quotes: quote ? [{ text: quote, citation: '', passageId: '' }] : [],
  passages: sections.map(passage),
  notices: [],
});

describe('evaluation scoring', () => {
  it('matches gold patterns against the normalised heading path', () => {
    expect(isOnTarget(['Character Analysis', 'Tommy D. - The Artistic Soul'], ['tommy d'])).toBe(true);
    expect(isOnTarget(['Frequently Asked Questions', "What is Tommy's role?"], ['tommy s role'])).toBe(true);
    expect(isOnTarget(['Themes'], ['tommy d'])).toBe(false);
  });

  it('computes recall, MRR, expect hits and refusal rates', () => {
    const questions = parseEvalFile(
      [
        '{"id":"1","question":"a","gold":["alpha"],"expect":"River bank"}',
        '{"id":"2","question":"b","gold":["beta"]}',
        '{"id":"3","question":"c","gold":[],"out_of_scope":true}',
        '{"id":"4","question":"d","gold":[],"out_of_scope":true}',
      ].join('\n'),
    );
    const scores = scoreAnswers(questions, [answer([['Alpha']], true, 'the river-bank was near'), answer([['x'], ['y'], ['Beta']], false), answer([['x']], false), answer([['x']], true)]);
    expect(scores).toMatchObject({ recallAt1: 0.5, recallAt3: 1, recallAt5: 1, mrr: Number(((1 + 1 / 3) / 2).toFixed(3)), expectHitRate: 1, outOfScopeRefusalRate: 0.5, inScopeFalseRefusalRate: 0.5 });
  });

  it('reports the line of a malformed file', () => {
    expect(() => parseEvalFile('{"id":"1","question":"a","gold":[]}\nnot json')).toThrow(/line 2/);
  });
});
