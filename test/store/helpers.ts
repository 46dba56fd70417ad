import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptionsWithoutStdio } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/store/db.js';

export const GUILD = '100000000000000001';
export const OTHER_GUILD = '100000000000000002';
export const CHANNEL = '200000000000000001';
export const CHANNEL_2 = '200000000000000002';
export const CHANNEL_3 = '200000000000000003';
export const USER = '300000000000000001';
export const USER_2 = '300000000000000002';
export const USER_3 = '300000000000000003';
export const TEACHER = '400000000000000001';
export const TEACHER_2 = '400000000000000002';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(import.meta.dirname, 'fixtures');
export const DAY = 86_400_000;
export const NOW = Date.UTC(2025, 2, 1, 12, 0, 0);

export function memoryDb(): Database {
  return openDatabase(':memory:');
}

const made: string[] = [];

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-store-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a TypeScript fixture in a fresh Node process (tsx loader). */
export function spawnFixture(name: string, args: string[], options: SpawnOptionsWithoutStdio = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', path.join(FIXTURES, name), ...args], {
    cwd: PROJECT_ROOT,
    stdio: 'pipe',
    ...options,
  });
}

/** Resolves with everything the process printed once it exits. */
export function collect(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
