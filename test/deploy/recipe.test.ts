/**
 * The Dockerfile's recipe, carried out without Docker: every stage in its own clean folder (standing
 * for /app), its COPY steps from the repository or an earlier stage, its RUN steps with sh and the
 * stage's ENV, then the runtime stage's CMD against the fake Discord, probed with the HEALTHCHECK
 * command and stopped with SIGTERM. apt-get and chown are stubbed (system packages and file owners
 * are the image's business); everything else runs as written.
 *
 * It installs the dependencies from the registry and compiles the native modules, a few minutes, so
 * it runs only with DEPLOY_RECIPE_TEST=1 (CI sets it).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type LooseJson } from '../e2e/fake-discord.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WORKDIR = '/app';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** The Dockerfile's instructions: comments dropped, continuation lines joined. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (pending !== '' && line.trimStart().startsWith('#')) return;
    if (pending === '') startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const [keyword = ''] = full.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: full.slice(keyword.length).trim(), line: startLine });
  });
  return instructions;
}

/** `KEY=value KEY2="value 2"` */
function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/(\w+)=("([^"]*)"|\S+)/g)) env[match[1]!] = match[3] ?? match[2]!;
  return env;
}

interface Stage {
  name: string;
  dir: string;
  env: Record<string, string>;
  cmd?: string[];
  healthcheck?: string[];
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-recipe-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** apt-get and chown do nothing but say so. */
function stubs(): string {
  const dir = path.join(scratch, 'stubs');
  fs.mkdirSync(dir, { recursive: true });
  for (const name of ['apt-get', 'chown']) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\necho "(recipe test: ${name} $* skipped)"\n`, { mode: 0o755 });
  }
  return dir;
}

/** Runs a shell command without blocking the event loop (the test runner talks to its workers meanwhile). */
function sh(command: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.on('exit', (status) => resolve({ status, output }));
  });
}

async function carryOut(instructions: Instruction[]): Promise<Stage[]> {
  const stages: Stage[] = [];
  const args: Record<string, string> = {};
  const stubDir = stubs();
  const expand = (value: string) => value.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
  for (const { keyword, args: text, line } of instructions) {
    const stage = stages.at(-1);
    const where = `Dockerfile line ${line}`;
    if (keyword === 'ARG') {
      const [name, value = ''] = text.split('=');
      args[name!] = value;
    } else if (keyword === 'FROM') {
      const name = /\bAS\s+(\S+)/i.exec(text)?.[1] ?? `stage${stages.length}`;
      const dir = path.join(scratch, name);
      fs.mkdirSync(dir, { recursive: true });
      expect(expand(text), where).toMatch(/^node:\d+-bookworm-slim AS /);
      stages.push({ name, dir, env: {} });
    } else if (!stage) {
      throw new Error(`${where}: ${keyword} before FROM`);
    } else if (keyword === 'WORKDIR') {
      expect(text, `${where}: the recipe test maps ${WORKDIR} to a folder`).toBe(WORKDIR);
    } else if (keyword === 'ENV') {
      Object.assign(stage.env, parseEnv(text));
    } else if (keyword === 'COPY') {
      const parts = text.split(/\s+/);
      const from = parts.find((part) => part.startsWith('--from='))?.slice('--from='.length);
      const paths = parts.filter((part) => !part.startsWith('--'));
      const dest = paths.pop()!;
      const source = from ? stages.find((s) => s.name === from)!.dir : ROOT;
      for (const item of paths) {
        const src = from ? path.join(source, path.relative(WORKDIR, item)) : path.join(source, item);
        const into = dest.endsWith('/') || paths.length > 1 ? path.join(stage.dir, dest, path.basename(item)) : path.join(stage.dir, dest);
        expect(fs.existsSync(src), `${where}: ${item} exists`).toBe(true);
        fs.mkdirSync(path.dirname(into), { recursive: true });
        fs.cpSync(src, into, { recursive: true });
      }
    } else if (keyword === 'RUN') {
      const run = await sh(text, { cwd: stage.dir, env: { PATH: `${stubDir}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', ...stage.env } });
      expect(run.status, `${where}: RUN ${text}\n${run.output}`).toBe(0);
      expect(run.output, `${where}: RUN ${text} warned`).not.toMatch(/npm warn Unknown (project|user) config/);
    } else if (keyword === 'CMD') {
      stage.cmd = JSON.parse(text) as string[];
    } else if (keyword === 'HEALTHCHECK') {
      stage.healthcheck = JSON.parse(text.slice(text.indexOf('CMD') + 3).trim()) as string[];
    } else if (!['USER', 'VOLUME', 'EXPOSE', 'LABEL'].includes(keyword)) {
      throw new Error(`${where}: the recipe test does not know ${keyword}`);
    }
  }
  return stages;
}

describe.runIf(process.env.DEPLOY_RECIPE_TEST === '1')('the Dockerfile recipe, in a clean folder', () => {
  it('builds, holds production dependencies only, starts, answers the health check and stops on SIGTERM with 0', { timeout: 900_000 }, async () => {
    const stages = await carryOut(parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')));
    const runtime = stages.at(-1)!;
    expect(runtime.cmd?.[0]).toBe('node');
    for (const file of ['dist/main.js', 'corpus', 'node_modules/better-sqlite3', 'node_modules/onnxruntime-node']) expect(fs.existsSync(path.join(runtime.dir, file)), file).toBe(true);
    for (const file of ['src', 'node_modules/typescript', 'node_modules/vitest', 'node_modules/tsx']) expect(fs.existsSync(path.join(runtime.dir, file)), file).toBe(false);

    const fake = await startFakeDiscord({ heartbeatIntervalMs: 1000 });
    const child = spawn(runtime.cmd![0]!, runtime.cmd!.slice(1), {
      cwd: runtime.dir,
      env: {
        PATH: process.env.PATH ?? '',
        ...runtime.env,
        MODEL_ID: 'offline',
        HEALTH_PORT: '0',
        HEALTH_HOST: '127.0.0.1',
        LOG_FORMAT: 'json',
        ...fake.botEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const lines = () =>
        stderr
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as LooseJson);
      await fake.waitFor(() => lines().some((line) => line.msg === 'ready'), { description: 'the ready log', timeoutMs: 180_000 });
      const port = lines().find((line) => line.msg === 'health and metrics listening')!.port as number;
      const probe = runtime.healthcheck!.map((part) => part.replace('127.0.0.1:8080', `127.0.0.1:${port}`));
      expect(spawnSync(probe[0]!, probe.slice(1), { cwd: runtime.dir }).status, 'the HEALTHCHECK command').toBe(0);
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await fake.close();
    }
  });
});

describe('parseDockerfile', () => {
  it('joins continuation lines and drops comments', () => {
    expect(parseDockerfile('# c\nFROM a AS b\nRUN one \\\n    # inner\n    && two\nCMD ["x"]\n')).toEqual([
      { keyword: 'FROM', args: 'a AS b', line: 2 },
      { keyword: 'RUN', args: 'one      && two', line: 3 },
      { keyword: 'CMD', args: '["x"]', line: 6 },
    ]);
  });
});
