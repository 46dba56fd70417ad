import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { createProgressReporter, progressBar } from '../src/progress.js';
import { tempDir } from './helpers/engine.js';
import { runProcess } from './helpers/run-process.js';

function capture(interactive: boolean) {
  let text = '';
  const reporter = createProgressReporter({ write: (chunk: string) => (text += chunk) }, { interactive });
  reporter.step('Loading the embedding model (offline)');
  reporter.onBuild({ stage: 'load', guides: 2, sections: 46, chunks: 133, sentences: 445 });
  for (const done of [0, 300, 578]) reporter.onBuild({ stage: 'embed', done, total: 578 });
  reporter.onBuild({ stage: 'write' });
  reporter.onBuild({ stage: 'ready', rebuilt: true, computed: 578, ms: 10 });
  return text;
}

describe('start-up progress', () => {
  it('draws a bar', () => {
    expect(progressBar(0, 4, 4)).toBe('[░░░░]   0% 0/4');
    expect(progressBar(2, 4, 4)).toBe('[██░░]  50% 2/4');
    expect(progressBar(0, 0, 4)).toBe('[████] 100% 0/0');
  });

  it('on a terminal: one line per step and a bar redrawn in place', () => {
    expect(capture(true)).toBe(
      [
        'Loading the embedding model (offline)…\n',
        'Building the search index (2 guides, 133 passages, 445 sentences)…\n',
        `\rEmbedding ${progressBar(0, 578)}`,
        `\rEmbedding ${progressBar(300, 578)}`,
        `\rEmbedding ${progressBar(578, 578)}`,
        '\n',
      ].join(''),
    );
  });

  it('in a pipe or a log: one line per step and only the finished bar', () => {
    expect(capture(false)).toBe(['Loading the embedding model (offline)…', 'Building the search index (2 guides, 133 passages, 445 sentences)…', `Embedding ${progressBar(578, 578)}`, ''].join('\n'));
  });

  it('the first `npm start` (console mode) says what it is doing while it builds the index', async () => {
    const result = await runProcess(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'main.ts')], {
      cwd: PROJECT_ROOT,
      input: 'Who is Miss Lucy?\n',
      env: { ...process.env, DISCORD_TOKEN: '', MODEL_ID: 'offline', INDEX_DIR: tempDir('guidebot-start-index-'), DB_PATH: ':memory:', LOG_LEVEL: 'warn', LOG_FORMAT: '' },
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^Loading the embedding model \(offline\)…$/m);
    expect(result.stderr).toMatch(/^Building the search index \(2 guides, \d+ passages, \d+ sentences\)…$/m);
    expect(result.stderr).toMatch(/^Embedding \[█+\] 100% (\d+)\/\1$/m);
    expect(result.stdout).toMatch(/Q: Who is Miss Lucy\?/);
  });
});
