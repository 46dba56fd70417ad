import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/search/bm25.js';
import { stem } from '../../src/search/stem.js';
import { terms } from '../../src/search/tokenize.js';

describe('stem (Porter)', () => {
  it('conflates inflections', () => {
    expect(['deferral', 'deferrals'].map(stem)).toEqual(['deferr', 'deferr']);
    expect(new Set(['donate', 'donation', 'donations', 'donating'].map(stem)).size).toBe(1);
    expect(stem('caresses')).toBe('caress');
    expect(stem('ponies')).toBe('poni');
    expect(stem('relational')).toBe('relat');
    expect(stem('hopping')).toBe('hop');
  });
});

describe('terms', () => {
  it('drops stopwords and possessives, normalises quotes', () => {
    expect(terms("What is Tommy’s role? Why doesn't anyone escape?")).toEqual(['tommi', 'role', 'anyon', 'escap']);
  });
});

describe('Bm25Index', () => {
  const index = new Bm25Index([
    { id: 'a', text: 'Tommy draws animals in his notebook.', heading: ['Tommy'] },
    { id: 'b', text: 'Ruth lies about her possible.', heading: ['Ruth'] },
    { id: 'c', text: 'The students discuss art and animals.', heading: ['Art'] },
  ]);

  it('ranks by term match, with headings weighted', () => {
    expect(index.search('animal drawings', 3).map((hit) => hit.id)).toEqual(['a', 'c']);
    expect(index.search('Ruth', 3)[0]!.id).toBe('b');
    expect(index.search('pizza', 3)).toEqual([]);
  });

  it('adds and removes documents', () => {
    const copy = new Bm25Index([{ id: 'x', text: 'Norfolk is a lost corner.', heading: [] }]);
    copy.add({ id: 'y', text: 'Norfolk again and Norfolk.', heading: ['Norfolk'] });
    expect(copy.search('Norfolk', 5).map((hit) => hit.id)).toEqual(['y', 'x']);
    expect(copy.remove('y')).toBe(true);
    expect(copy.search('Norfolk', 5).map((hit) => hit.id)).toEqual(['x']);
    expect(copy.idf('pizza')).toBe(0);
  });
});
