/**
 * `npm start` as a real child process (`node --import tsx src/main.ts`): graceful SIGTERM with an
 * answer in flight against the fake Discord, a clear message for invalid configuration, and the
 * console mode with piped input.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botProcessEnv, mentionsAreSafe, openTestEngine, outgoingMessages } from './bot-harness.js';
import { startFakeDiscord, type FakeDiscord, type LooseJson } from './fake-discord.js';
import { REGISTERED_COMMANDS } from '../helpers/commands.js';

/** Start-up opens an engine in every worker thread: on a machine busy with other work that can take a while. */
const READY_TIMEOUT_MS = 90_000;

const ROOT = path.resolve(import.meta.dirname, '../..');
let indexDir = '';

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(env: Record<string, string>, input?: string): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...botProcessEnv(indexDir), DB_PATH: path.join(indexDir, 'guidebot.db'), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  if (input !== undefined) child.stdin.end(input);
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  // Build the index once so each child process only loads it.
  ({ indexDir } = await openTestEngine());
});

afterAll(() => {
  if (indexDir) fs.rmSync(indexDir, { recursive: true, force: true });
});

describe('npm start with DISCORD_TOKEN (against the fake Discord)', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 1000 });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('on SIGTERM finishes the answer in flight, closes and exits 0; the token is never logged', async () => {
    const bot = run({ ...fake.botEnv, LOG_LEVEL: 'debug' });
    try {
      await until(() => bot.stderr().includes('"msg":"ready"'), 'the ready log', READY_TIMEOUT_MS);
      const ready = bot
        .stderr()
        .split('\n')
        .filter((line) => line.includes('"msg":"ready"'))
        .map((line) => JSON.parse(line) as LooseJson)[0]!;
      expect(ready).toMatchObject({ guides: 2, commands: 17 });
      expect(ready.sections).toBeGreaterThan(0);
      expect(ready.chunks).toBeGreaterThan(0);

      // Slow down the final edit so the answer is still in flight when SIGTERM arrives.
      fake.setLatency((request) => (request.method === 'PATCH' ? 800 : 0));
      const id = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'Who is Miss Lucy?' } }));
      await fake.waitForResponse(id, { timeoutMs: 3000 });
      await fake.waitFor(() => fake.requests.some((request) => request.interactionId === id && request.method === 'PATCH'), { description: 'the edit to start' });
      bot.child.kill('SIGTERM');

      const { code } = await bot.exit;
      expect(code).toBe(0);
      const edit = fake.interactionResponses(id).find((response) => response.kind === 'editOriginal');
      expect(edit?.status).toBe(200);
      expect((edit?.body.embeds as LooseJson[])[0]!.title).toBe('From the study guides');
      for (const message of outgoingMessages(fake)) expect(mentionsAreSafe(message.body)).toBe(true);
      expect(bot.stderr()).toContain('"msg":"shutting down"');
      expect(bot.stderr()).toContain('"drained":true');
      expect(bot.stderr()).not.toContain(fake.token);
      expect(fake.openSockets).toBe(0);
    } finally {
      bot.child.kill('SIGKILL');
      fake.setLatency(0);
    }
  }, 150_000);
});

describe('npm run register', () => {
  function register(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/register.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  }

  it('registers globally without DISCORD_GUILD_ID, for one server with it; a missing token is a clear error', async () => {
    const fake = await startFakeDiscord();
    try {
      const env = { ...fake.botEnv, LOG_LEVEL: 'silent' };
      expect((await register(env)).code).toBe(0);
      expect(fake.globalCommands?.map((command) => command.name)).toEqual(REGISTERED_COMMANDS);
      expect(fake.guildCommands()).toBeNull();
      const guild = await register({ ...env, DISCORD_GUILD_ID: fake.guild.id });
      expect(guild.code).toBe(0);
      expect(guild.stderr).toContain(`Registered 17 commands for server ${fake.guild.id}`);
      expect(fake.guildCommands()?.length).toBe(17);
      expect(guild.stderr).not.toContain(fake.token);
      const missing = await register({ DISCORD_API_URL: fake.apiUrl });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/DISCORD_TOKEN and DISCORD_APPLICATION_ID are not set/);
    } finally {
      await fake.close();
    }
  });
});

describe('npm start configuration', () => {
  it('an invalid variable gets a clear message naming it, and exit code 1', async () => {
    const bad = run({ RATE_LIMIT_PER_USER: 'lots', DISCORD_API_URL: 'not a url', DISCORD_APPLICATION_ID: '42' });
    const { code } = await bad.exit;
    expect(code).toBe(1);
    expect(bad.stderr()).toMatch(/Invalid configuration/);
    expect(bad.stderr()).toMatch(/RATE_LIMIT_PER_USER/);
    expect(bad.stderr()).toMatch(/DISCORD_API_URL: must be a URL/);
    expect(bad.stderr()).toMatch(/DISCORD_APPLICATION_ID: must be a Discord id/);
    expect(bad.stderr()).toMatch(/\.env\.example/);
  });
});

describe('console mode (no DISCORD_TOKEN)', () => {
  it('answers piped questions and commands with the same rendering, then exits 0 at the end of input', async () => {
    const console = run({ LOG_LEVEL: 'silent' }, 'Who is Miss Lucy?\n/sections\n/section Miss Lucy and the Authority Figures\n/quote souls\n/help\n\n   \nasdf\u0007\n/nope\n');
    const { code } = await console.exit;
    expect(code).toBe(0);
    const out = console.stdout();
    expect(out).toMatch(/^Q: Who is Miss Lucy\?/);
    expect(out).toMatch(/— Never Let Me Go — Study Guide › Character Analysis › Miss Lucy and the Authority\s+Figures ¶\d/);
    expect(out).toMatch(/From the guides, word for word · (strong|partial) match/);
    expect(out).toContain('Never Let Me Go — Book Analysis\n  • Introduction');
    expect(out).toContain('/quote [topic]');
    expect(out).toMatch(/souls/);
    expect(out).toContain('Unknown command /nope');
    expect(console.stderr()).not.toMatch(/Error/);
  });

  it('/quit ends the session early', async () => {
    const console = run({ LOG_LEVEL: 'silent' }, '/quit\nWho is Miss Lucy?\n');
    expect((await console.exit).code).toBe(0);
    expect(console.stdout()).not.toContain('Q: Who is Miss Lucy?');
  });
});
