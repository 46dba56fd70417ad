import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { getQuestion } from '../../src/store/question-log.js';
import { removeTempDirs, spawnFixture, tempDir } from './helpers.js';

afterEach(removeTempDirs);

describe('durability', () => {
  it('every id a process confirmed is in the file after it is killed with SIGKILL', async () => {
    const file = path.join(tempDir(), 'sub', 'guidebot.db');
    const child = spawnFixture('log-forever.ts', [file]);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const confirmed = new Map<number, number>();
    let buffer = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.on('close', () => reject(new Error(`writer exited early: ${stderr}`)));
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const [id, n] = line.split(' ').map(Number);
          confirmed.set(id!, n!);
        }
        // Kill it mid-run, while it is still writing as fast as it can.
        if (confirmed.size >= 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    expect(await exited).toBe('SIGKILL');
    expect(confirmed.size).toBeGreaterThanOrEqual(300);
    expect(fs.existsSync(`${file}-wal`)).toBe(true); // killed without a clean close: the WAL is still there

    const db = await openDatabase(file); // also runs quick_check
    for (const [id, n] of confirmed) {
      expect((await getQuestion(db, id))?.question, `confirmed id ${id}`).toBe(`question number ${n}`);
    }
    const { max } = (await db.get<{ max: number }>('SELECT max(id) AS max FROM question_log'))!;
    expect(max).toBeGreaterThanOrEqual(Math.max(...confirmed.keys()));
    await db.close();
  }, 60_000);
});
