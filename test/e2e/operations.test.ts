/**
 * The compiled bot (`npm run build`, then `node dist/main.js` or `npm start`) as real processes
 * against one fake Discord: a graceful stop however operators send it (to node, to npm, to the whole
 * process group, twice, three times) with 20 answers in flight; /healthz and /metrics over real HTTP;
 * and a wrong or revoked token told in one sentence.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as WorkerParserModule from '../../src/library/worker-parser.js';
import { makePdf, STUDY_NOTES } from '../guide/ingest/make-pdf.js';
import { botProcessEnv, openTestEngine } from './bot-harness.js';
import { startFakeDiscord, type FakeDiscord, type LooseJson } from './fake-discord.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const IN_FLIGHT = 20;
let indexDir = '';
let fake: FakeDiscord;
let runs = 0;

interface BotProcess {
  child: ChildProcess;
  logs: () => LooseJson[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** The node process's pid (under npm, npm's child). */
  nodePid: () => number;
}

function start(how: 'node' | 'npm', env: Record<string, string> = {}): BotProcess {
  runs += 1;
  const [command, args] = how === 'node' ? [process.execPath, ['--enable-source-maps', 'dist/main.js']] : ['npm', ['start']];
  const child = spawn(command, args, {
    cwd: ROOT,
    // Its own process group, so a test can signal the group as a terminal or systemd does.
    detached: true,
    env: {
      ...botProcessEnv(indexDir),
      DB_PATH: path.join(indexDir, `guidebot-${runs}.db`),
      ...fake.botEnv,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      RATE_LIMIT_PER_USER: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const lines: LooseJson[] = [];
  let partial = '';
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
    partial += String(chunk);
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) if (line.startsWith('{')) lines.push(JSON.parse(line) as LooseJson);
  });
  child.stdout.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  return {
    child,
    logs: () => lines,
    stderr: () => stderr,
    exit,
    nodePid: () => (how === 'node' ? child.pid! : childOf(child.pid!)),
  };
}

/** The one child process of `pid` (npm's script runs with `exec`, so it is node itself). */
function childOf(pid: number): number {
  const children = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter((line) => line.trim() !== '');
  expect(children, `the children of npm (${pid})`).toHaveLength(1);
  expect(children[0]).toMatch(/^\s*\d+ node --enable-source-maps dist\/main\.js$/);
  return Number(children[0]!.trim().split(/\s+/)[0]);
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ready = (bot: BotProcess) => until(() => bot.logs().some((line) => line.msg === 'ready'), 'the ready log');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends IN_FLIGHT questions and resolves once every answer's edit has reached the (slowed) fake. */
async function answersInFlight(latencyMs: number): Promise<string[]> {
  fake.setLatency((request) => (request.method === 'PATCH' ? latencyMs : 0));
  const payloads = Array.from({ length: IN_FLIGHT }, (_, i) => fake.chatInputInteraction({ name: 'ask', options: { question: `Who is Miss Lucy? (${i})` } }));
  const ids = payloads.map((payload) => fake.sendInteraction(payload));
  // A request is recorded on arrival (before the latency), by the interaction token in its path.
  const started = (token: string) => fake.requests.some((request) => request.method === 'PATCH' && request.path.includes(token));
  await fake.waitFor(() => payloads.every((payload) => started(payload.token)), { description: 'every edit to start', timeoutMs: 20_000 });
  return ids;
}

/** Every answer was delivered and the bot logged it as answered before it exited. */
function expectAllAnswered(bot: BotProcess, ids: string[]): void {
  for (const id of ids) {
    const edit = fake.interactionResponses(id).find((response) => response.kind === 'editOriginal');
    expect(edit?.status, `the answer to ${id}`).toBe(200);
    expect((edit?.body.embeds as LooseJson[])[0]!.title).toBe('From the study guides');
  }
  const answered = new Set(
    bot
      .logs()
      .filter((line) => line.msg === 'answered')
      .map((line) => line.interactionId as string),
  );
  expect(ids.filter((id) => !answered.has(id))).toEqual([]);
  expect(bot.logs().find((line) => line.msg === 'stopped')).toMatchObject({ drained: true });
}

const timings: Record<string, number> = {};

beforeAll(async () => {
  // Asynchronously: a full build takes a while, and a blocked worker misses the test runner's calls.
  const build = spawn(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let buildErrors = '';
  build.stderr.on('data', (chunk) => (buildErrors += String(chunk)));
  const [status] = (await once(build, 'exit')) as [number | null];
  if (status !== 0) throw new Error(`the build failed:\n${buildErrors}`);
  ({ indexDir } = await openTestEngine());
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1000 });
}, 180_000);

afterAll(async () => {
  fake?.setLatency(0);
  await fake?.close();
  if (indexDir) fs.rmSync(indexDir, { recursive: true, force: true });
  if (Object.keys(timings).length > 0) process.stdout.write(`stop timings (ms from the first signal to exit): ${JSON.stringify(timings)}\n`);
});

describe('the compiled build', () => {
  it('resolves the project root from dist/ as from src/', async () => {
    const compiled = (await import(path.join(ROOT, 'dist/config.js'))) as { PROJECT_ROOT: string };
    expect(compiled.PROJECT_ROOT).toBe(ROOT);
  });

  it('starts the parser thread from dist/ and reads a PDF there', async () => {
    const compiled = (await import(path.join(ROOT, 'dist/library/worker-parser.js'))) as typeof WorkerParserModule;
    const parser = new compiled.WorkerGuideParser();
    try {
      const result = await parser.ingest({ fileName: 'study-notes.pdf', bytes: await makePdf(STUDY_NOTES, { header: 'Never Let Me Go — Study Notes' }) });
      expect(result).toMatchObject({ format: 'pdf', pageCount: 4, guide: { title: 'Never Let Me Go: A Study Guide' } });
      expect(parser.workers()[0]!.lastThreadId).not.toBe(threadId);
    } finally {
      await parser.close();
    }
  });

  it('npm start does not rebuild an up-to-date dist/', () => {
    const check = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
    expect(check.status).toBe(0);
    expect(check.stderr).toBe('');
  });
});

describe('a graceful stop with 20 answers in flight', () => {
  it('SIGTERM to node: every answer completes, exit 0; meanwhile /healthz says 503 and /metrics counts', async () => {
    const bot = start('node', { HEALTH_PORT: '0' });
    try {
      await ready(bot);
      const listening = bot.logs().find((line) => line.msg === 'health and metrics listening')!;
      expect(listening.host).toBe('127.0.0.1');
      const url = String(listening.url);

      const healthy = await fetch(`${url}/healthz`);
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toEqual({ ok: true, checks: { gateway: { ok: true }, index: { ok: true }, database: { ok: true } } });

      // One answer whose edit meets a 429 first (the bot waits it out and retries).
      fake.failNext({ method: 'PATCH', pathPattern: '/webhooks/:app/:token/messages/@original', status: 429, retryAfter: 0.1 });
      const first = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'Who is Ruth?' } }));
      await fake.waitForEdit(first, { timeoutMs: 10_000 });
      await until(() => bot.logs().some((line) => line.msg === 'answered' && line.interactionId === first), 'the first answer');
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await metrics.text();
      expect(text).toMatch(/^guidebot_interactions_total\{command="\/ask",outcome="ok"\} 1$/m);
      expect(text).toMatch(/^guidebot_ack_seconds_count\{command="\/ask"\} 1$/m);
      expect(text).toMatch(/^guidebot_answer_seconds_bucket\{le="3",command="\/ask",outcome="ok"\} 1$/m);
      expect(text).toMatch(/^guidebot_discord_rate_limited_total\{scope="user"\} 1$/m);
      expect(text).toMatch(/^guidebot_index_chunks [1-9]\d*$/m);
      expect(text).toMatch(/^guidebot_index_guides 2$/m);
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
      expect(text).toContain('# TYPE guidebot_engine_errors_total counter');
      expect((await fetch(`${url}/nope`)).status).toBe(404);

      const ids = await answersInFlight(1500);
      const signalled = performance.now();
      process.kill(bot.nodePid(), 'SIGTERM');
      await until(() => bot.logs().some((line) => line.msg === 'shutting down'), 'the shutdown to start');
      const draining = await fetch(`${url}/healthz`);
      expect(draining.status).toBe(503);
      expect(((await draining.json()) as { checks: Record<string, unknown> }).checks.gateway).toEqual({ ok: false, error: 'shutting down' });

      const { code, at } = await bot.exit;
      timings.node = Math.round(at - signalled);
      expect(code).toBe(0);
      expectAllAnswered(bot, ids);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      fake.setLatency(0);
      bot.child.kill('SIGKILL');
    }
  });

  it('SIGTERM to npm (as docker stop sends it to PID 1): npm forwards it, node drains and exits first, npm exits 0', async () => {
    const bot = start('npm');
    try {
      await ready(bot);
      const nodePid = bot.nodePid();
      expect(nodePid).not.toBe(bot.child.pid);
      const ids = await answersInFlight(1500);
      const signalled = performance.now();
      process.kill(bot.child.pid!, 'SIGTERM');
      const { code, at } = await bot.exit;
      timings.npm = Math.round(at - signalled);
      expect(code).toBe(0);
      expect(alive(nodePid), 'the bot outlived npm (an orphan)').toBe(false);
      expectAllAnswered(bot, ids);
      expect(bot.logs().filter((line) => line.msg === 'shutting down')).toHaveLength(1);
    } finally {
      fake.setLatency(0);
      bot.child.kill('SIGKILL');
    }
  });

  it('SIGINT to the process group (Ctrl-C; npm forwards it as well): one stop, every answer completes, exit 0', async () => {
    const bot = start('npm');
    try {
      await ready(bot);
      const ids = await answersInFlight(1500);
      const signalled = performance.now();
      process.kill(-bot.child.pid!, 'SIGINT');
      const { code, at } = await bot.exit;
      timings.group = Math.round(at - signalled);
      expect(code).toBe(0);
      expectAllAnswered(bot, ids);
      expect(bot.logs().filter((line) => line.msg === 'shutting down')).toHaveLength(1);
    } finally {
      fake.setLatency(0);
      bot.child.kill('SIGKILL');
    }
  });

  it('SIGTERM twice in a row, and once more a second later: the drain is not cut short, exit 0', async () => {
    const bot = start('node');
    try {
      await ready(bot);
      const ids = await answersInFlight(2500);
      const signalled = performance.now();
      process.kill(bot.nodePid(), 'SIGTERM');
      process.kill(bot.nodePid(), 'SIGTERM');
      await sleep(1200);
      process.kill(bot.nodePid(), 'SIGTERM');
      const { code, at } = await bot.exit;
      timings.repeated = Math.round(at - signalled);
      expect(code).toBe(0);
      expectAllAnswered(bot, ids);
      expect(bot.logs().filter((line) => String(line.msg).startsWith('already shutting down'))).toHaveLength(1);
    } finally {
      fake.setLatency(0);
      bot.child.kill('SIGKILL');
    }
  });

  it('a third deliberate signal exits at once with code 1', async () => {
    const bot = start('node');
    try {
      await ready(bot);
      await answersInFlight(8000);
      process.kill(bot.nodePid(), 'SIGTERM');
      await sleep(1100);
      process.kill(bot.nodePid(), 'SIGTERM');
      await sleep(1100);
      const third = performance.now();
      process.kill(bot.nodePid(), 'SIGTERM');
      const { code, at } = await bot.exit;
      timings.third = Math.round(at - third);
      expect(code).toBe(1);
      expect(at - third).toBeLessThan(1000);
      expect(bot.logs().some((line) => line.msg === 'exiting now, without finishing the answers in flight')).toBe(true);
    } finally {
      fake.setLatency(0);
      bot.child.kill('SIGKILL');
    }
  });
});

describe('the bot token', () => {
  it('a wrong token: one sentence saying how to fix it, no stack trace, exit 78 (a configuration error: not worth restarting)', async () => {
    const bot = start('node', { DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.wrong.token' });
    const { code } = await bot.exit;
    expect(code).toBe(78);
    const plain = bot
      .stderr()
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('{'));
    expect(plain).toEqual([expect.stringMatching(/^Discord did not accept the bot token in DISCORD_TOKEN .*Developer Portal .*Reset Token.*\.env/)]);
    expect(bot.stderr()).not.toMatch(/\n\s+at /);
    expect(bot.stderr()).not.toContain('wrong.token');
  });

  it('a token revoked while running (gateway close 4004): the same sentence, a graceful stop, exit 78', async () => {
    const bot = start('node');
    try {
      await ready(bot);
      fake.disconnect(4004, 'Authentication failed.');
      const { code } = await bot.exit;
      expect(code).toBe(78);
      expect(bot.stderr()).toMatch(/^Discord did not accept the bot token/m);
      expect(bot.logs().find((line) => line.msg === 'stopped')).toMatchObject({ drained: true });
    } finally {
      bot.child.kill('SIGKILL');
    }
  });
});
