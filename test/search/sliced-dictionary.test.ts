import hunspell from 'dictionary-en';
import nspell from 'nspell';
import { describe, expect, it } from 'vitest';
import { SlicedDictionary } from '../../src/search/sliced-dictionary.js';

type Internals = { data: Record<string, unknown>; compoundRules: RegExp[]; compoundRuleCodes: Record<string, string[]> };

describe('a Hunspell dictionary read in slices', () => {
  const whole = nspell(Buffer.from(hunspell.aff), Buffer.from(hunspell.dic));
  const lines = Buffer.from(hunspell.dic).toString('utf8').split('\n').slice(1);
  const listed = lines.map((line) => line.split('/')[0]!.trim()).filter((word) => word !== '');

  it('is, once every slice is read, the checker nspell makes of the whole word list', () => {
    for (const linesPerSlice of [1, 997, 100_000]) {
      const sliced = new SlicedDictionary(hunspell.aff, hunspell.dic, linesPerSlice);
      let steps = 0;
      while (!sliced.step()) steps++;
      expect(steps).toBe(Math.ceil(lines.length / linesPerSlice) - 1);
      const checker = sliced.complete();
      const [made, expected] = [checker, whole].map((instance) => instance as unknown as Internals);
      expect(Object.keys(made!.data)).toEqual(Object.keys(expected!.data));
      expect(made!.data).toEqual(expected!.data);
      expect(made!.compoundRuleCodes).toEqual(expected!.compoundRuleCodes);
      expect(made!.compoundRules.map(String)).toEqual(expected!.compoundRules.map(String));
      // Ordinals are the compound rules' words: "1th" only ever in a compound.
      for (const word of ['21st', '102nd', '13th', '1th', '3rd', 'colour', 'apologize', 'flurbogast', 'Paris', 'paris', 'tomy', ...listed.filter((_, i) => i % 50 === 0)])
        expect(checker.correct(word), word).toBe(whole.correct(word));
    }
  });

  it('reads whatever is left when the checker is asked for before the slices are done', () => {
    const sliced = new SlicedDictionary(hunspell.aff, hunspell.dic, 5000);
    sliced.step();
    expect(sliced.done).toBe(false);
    const checker = sliced.complete();
    expect(sliced.done).toBe(true);
    expect(Object.keys((checker as unknown as Internals).data)).toEqual(Object.keys((whole as unknown as Internals).data));
    expect(checker.correct('22nd')).toBe(true);
    expect(checker.correct('qwzxv')).toBe(false);
  });
});
