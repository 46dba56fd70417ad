import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';

/** Every TypeScript file under the given folders of the repository. */
function sourceFiles(...folders: string[]): string[] {
  return folders.flatMap((folder) =>
    fs
      .readdirSync(path.join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => path.join(folder, file)),
  );
}

describe('the repository is self-contained', () => {
  it('no source, script or test reads a folder beside the repository', () => {
    // A path that climbs out of the project root into a sibling folder (such as a shared one), or to the root's parent.
    const outside = [/['"]\.\.['"],\s*['"]shared['"]/, /['"`](\.\.\/)+shared\//, /PROJECT_ROOT,\s*['"]\.\.['"]/, /(['"]\.\.['"],\s*){3}/];
    const offenders = sourceFiles('src', 'scripts', 'test').filter((file) => {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
      return outside.some((pattern) => pattern.test(text));
    });
    expect(offenders).toEqual([]);
  });

  it('the default evaluation files and the test fixtures are in the repository', () => {
    for (const file of ['eval/public-questions.jsonl', 'eval/extra-questions.jsonl', 'test/fixtures/seeds/000_f7bd186e586e31dd.txt', 'test/fixtures/seeds/001_c79fbddeb1231adc.txt']) {
      expect(fs.existsSync(path.join(PROJECT_ROOT, file)), file).toBe(true);
    }
  });
});
