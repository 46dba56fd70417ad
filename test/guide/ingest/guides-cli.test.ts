import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src/config.js';
import { ingestGuide, previewOf } from '../../../src/guide/ingest/index.js';
import { loadCorpus } from '../../../src/guide/load.js';
import { tempDir } from '../../helpers/engine.js';
import { runProcess } from '../../helpers/run-process.js';
import { makePdf, STUDY_NOTES } from './make-pdf.js';

/** These tests start the command three times each; on a busy 2-core machine one start took about 16 s. */
const PROCESSES_TIMEOUT_MS = 180_000;

function guides(args: string[], env: Record<string, string> = {}) {
  return runProcess(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'guides.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', LOG_FORMAT: '', ...env },
    timeoutMs: 60_000,
  });
}

describe('npm run guides', async () => {
  const folder = tempDir('guidebot-guides-cli-');
  const pdf = path.join(folder, 'Study Notes.pdf');
  const pdfBytes = await makePdf(STUDY_NOTES, { header: 'Never Let Me Go — Study Notes' });
  fs.writeFileSync(pdf, pdfBytes);

  it('preview prints the parse as one JSON object', async () => {
    const result = await guides(['preview', pdf]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const expected = previewOf(await ingestGuide({ fileName: 'Study Notes.pdf', bytes: pdfBytes }));
    expect(JSON.parse(result.stdout)).toEqual(expected);
    expect(expected).toMatchObject({ title: 'Never Let Me Go: A Study Guide', pageCount: 4, warnings: ['1 page looks like a table of contents and was left out'] });
    expect(expected.sections[1]).toEqual({ path: ['Part One: Hailsham'], paragraphs: 1, words: 22, pages: [3, 3] });
  });

  it(
    'preview refuses a bad file with one sentence and a non-zero exit',
    async () => {
      const corrupt = path.join(folder, 'broken.pdf');
      fs.writeFileSync(corrupt, pdfBytes.slice(0, 300));
      for (const [file, message] of [
        [corrupt, /^broken\.pdf is not a readable PDF/],
        [path.join(folder, 'missing.md'), /missing\.md does not exist or cannot be read\.$/],
      ] as const) {
        const result = await guides(['preview', file]);
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr.trim()).toMatch(message);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      }
      const usage = await guides(['publish', pdf]);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/^Unknown command "publish"\. Usage: npm run guides/);
    },
    PROCESSES_TIMEOUT_MS,
  );

  it(
    'add writes the canonical Markdown into the guide folder, refusing a clash unless --replace',
    async () => {
      const corpus = tempDir('guidebot-guides-corpus-');
      const first = await guides(['add', pdf, '--book', 'Never Let Me Go'], { CORPUS_DIR: corpus });
      expect(first.code, first.stderr).toBe(0);
      const target = path.join(corpus, 'study-notes.md');
      expect(first.stdout).toContain(`Added "Never Let Me Go: A Study Guide" (book: Never Let Me Go) as ${target}: 4 sections, 6 paragraphs`);
      expect(first.stdout).toContain('Warning: 1 page looks like a table of contents and was left out.');
      expect(first.stdout).toMatch(/A running Guidebot picks the change up on its own/);
      expect(fs.readdirSync(corpus)).toEqual(['study-notes.md']);
      const written = fs.readFileSync(target, 'utf8');
      expect(written).toMatch(/^---\ntitle: "Never Let Me Go: A Study Guide"\nbook: Never Let Me Go\nsource_format: pdf\nsource_file: Study Notes.pdf\n---\n/);

      const [loaded] = await loadCorpus(corpus);
      const original = await ingestGuide({ fileName: 'Study Notes.pdf', bytes: pdfBytes });
      expect(loaded!.sections).toEqual(original.guide.sections);
      expect(loaded!.meta.book).toBe('Never Let Me Go');

      const clash = await guides(['add', pdf, '--title', 'Other'], { CORPUS_DIR: corpus });
      expect(clash.code).toBe(1);
      expect(clash.stderr.trim()).toBe(`${target} already exists: add --replace to replace it, or rename the file first.`);
      expect(fs.readFileSync(target, 'utf8')).toBe(written);

      const replaced = await guides(['add', pdf, '--title', 'Other', '--replace'], { CORPUS_DIR: corpus });
      expect(replaced.code, replaced.stderr).toBe(0);
      expect(replaced.stdout).toMatch(/^Replaced "Other" as /);
      expect(fs.readFileSync(target, 'utf8')).toMatch(/^---\ntitle: Other\n/);
      expect(fs.readdirSync(corpus)).toEqual(['study-notes.md']);
    },
    PROCESSES_TIMEOUT_MS,
  );
});
