import type { Answer } from '../../src/search/answer.js';

/** Passage `i` of "A Guide", in its own section of "Part", for tests that render answers. */
export function guidePassage(i: number, text = `Passage ${i} text *with* markdown.`): Answer['passages'][number] {
  return {
    id: `p${i}`,
    source: 'guide.md',
    guide: 'A Guide',
    section: ['Part', `Section ${i}`],
    paragraph: 1,
    part: 'part-one',
    citation: `A Guide › Part › Section ${i} ¶1`,
    text,
    score: 1 / (i + 1),
  };
}
