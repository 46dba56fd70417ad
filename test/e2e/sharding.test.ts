/**
 * Two shard processes (`npm start` with SHARD_IDS=0 and SHARD_IDS=1 of SHARD_COUNT=2) against the
 * fake Discord, on one database (PostgreSQL when TEST_DATABASE_URL is set, else one SQLite file), with the guilds spread across the shards: each guild's
 * interactions reach the process that owns its shard; a teacher note written through shard 0 is
 * quoted by shard 1; a review item queued on shard 0 is approved after that process restarts; the
 * "More passages" button of an answer from a process that has restarted since still works. Then
 * the sharding launcher (`npm run start:sharded`) runs both shards itself and `/stats` counts the
 * servers of both through the sharding API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../scripts/register.js';
import { Store } from '../../src/store/index.js';
import { createPostgresDatabase, REQUIRE_POSTGRES, TEST_DATABASE_URL } from '../store/helpers.js';
import { buttonsOf, botProcessEnv, embedText, openTestEngine, tempDir } from './bot-harness.js';
import { FakeDiscord, startFakeDiscord, type LooseJson } from './fake-discord.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHARDS = 2;
/** Guild ids whose shard is known: `(id >> 22) % 2` is 0 for the first and 1 for the second. */
const GUILD_ON_SHARD_0 = String(300_000_000_000n << 22n);
const GUILD_ON_SHARD_1 = String(300_000_000_001n << 22n);

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let indexDir = '';
let work = '';
let fake: FakeDiscord;
const runs: Run[] = [];
/** The shared PostgreSQL database, when the tests have a server. */
let postgres: { url: string; drop(): Promise<void> } | undefined;

function start(entry: 'src/main.ts' | 'src/shards.ts', env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: {
      ...botProcessEnv(indexDir),
      ...fake.botEnv,
      // Debug: every handled interaction is logged with its id, which tells which process handled it.
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  child.stdout.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const run = { child, stderr: () => stderr, exit };
  runs.push(run);
  return run;
}

const logLines = (run: Run): LooseJson[] =>
  run
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LooseJson);

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const ready = (run: Run) => until(() => logLines(run).some((line) => line.msg === 'ready'), 'the ready log', 60_000);

async function stop(run: Run): Promise<void> {
  run.child.kill('SIGTERM');
  expect((await run.exit).code).toBe(0);
}

const liveShards = () =>
  fake.shardSessions
    .filter((session) => session.live)
    .map((session) => session.shard.join('/'))
    .sort();

const logged = (run: Run, interactionId: string) => logLines(run).some((line) => line.interactionId === interactionId && line.msg === 'interaction handled');

/** Which of the processes handled an interaction (each logs every interaction it handled, with its id). */
async function handledBy(interactionId: string, candidates: Record<string, Run>): Promise<string[]> {
  await until(() => Object.values(candidates).some((run) => logged(run, interactionId)), `a process to handle ${interactionId}`);
  return Object.entries(candidates)
    .filter(([, run]) => logged(run, interactionId))
    .map(([name]) => name);
}

beforeAll(async () => {
  if (REQUIRE_POSTGRES && TEST_DATABASE_URL === undefined) throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: start a server with scripts/postgres-for-tests.sh start.');
  if (TEST_DATABASE_URL !== undefined) postgres = await createPostgresDatabase(TEST_DATABASE_URL);
  ({ indexDir } = await openTestEngine());
  work = tempDir('guidebot-shards-');
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1000, guildId: GUILD_ON_SHARD_0, extraGuildIds: [GUILD_ON_SHARD_1], recommendedShards: SHARDS });
  for (const guildId of [GUILD_ON_SHARD_0, GUILD_ON_SHARD_1]) await registerCommands({ token: fake.token, applicationId: fake.applicationId, guildId, apiUrl: fake.apiUrl });
}, 120_000);

afterAll(async () => {
  for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await Promise.all(runs.map((run) => run.exit));
  await fake?.close();
  await postgres?.drop();
  for (const dir of [indexDir, work]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('two shard processes, one database', () => {
  const dbFile = () => path.join(work, 'guidebot.db');
  const shardEnv = (id: number) => ({ SHARD_IDS: String(id), SHARD_COUNT: String(SHARDS), DB_PATH: dbFile(), ...(postgres ? { DATABASE_URL: postgres.url } : {}) });
  const openStore = () => Store.open(dbFile(), postgres ? { databaseUrl: postgres.url } : {});
  let shard0: Run;
  let shard1: Run;

  beforeAll(async () => {
    shard0 = start('src/main.ts', shardEnv(0));
    await ready(shard0);
    shard1 = start('src/main.ts', shardEnv(1));
    await ready(shard1);
  }, 120_000);

  it('each process identifies as its shard, and each guild is served by the process that owns its shard', async () => {
    expect(liveShards()).toEqual(['0/2', '1/2']);
    expect(FakeDiscord.shardOf(GUILD_ON_SHARD_0, SHARDS)).toBe(0);
    expect(FakeDiscord.shardOf(GUILD_ON_SHARD_1, SHARDS)).toBe(1);
    const onShard0 = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', guildId: GUILD_ON_SHARD_0, options: { question: 'Who is Miss Lucy?' } }));
    const onShard1 = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', guildId: GUILD_ON_SHARD_1, options: { question: 'Who is Miss Lucy?' } }));
    for (const id of [onShard0, onShard1]) expect(embedText((await fake.waitForEdit(id, { timeoutMs: 15_000 })).body)).toContain('Miss Lucy');
    expect(await handledBy(onShard0, { shard0, shard1 })).toEqual(['shard0']);
    expect(await handledBy(onShard1, { shard0, shard1 })).toEqual(['shard1']);

    const stats = fake.sendInteraction(fake.chatInputInteraction({ name: 'stats', guildId: GUILD_ON_SHARD_0, member: fake.members.teacher }));
    const embed = (await fake.waitForResponse(stats, { timeoutMs: 15_000 })).body.embeds as LooseJson[];
    const field = (embed[0]!.fields as LooseJson[]).find((entry) => entry.name === 'Guidebot');
    // A process that runs its own shard ids (one machine of several) counts its own shards.
    expect(field?.value).toMatch(/^1 server on 1 of 2 shards \(this machine's\) · \d+ MB in 1 process$/);
  }, 60_000);

  it('a teacher note written through shard 0 is quoted by shard 1', async () => {
    const question = "What colour is Kathy's saxophone?";
    const unanswered = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', guildId: GUILD_ON_SHARD_0, options: { question } }));
    await fake.waitForEdit(unanswered, { timeoutMs: 15_000 });
    await until(() => logLines(shard0).some((line) => line.msg === 'unanswered question recorded'), 'the unanswered question');
    const gapId = Number(logLines(shard0).find((line) => line.msg === 'unanswered question recorded')!.gapId);
    const opened = fake.sendInteraction(fake.chatInputInteraction({ name: 'answer', guildId: GUILD_ON_SHARD_0, member: fake.members.teacher, options: { gap: String(gapId) } }));
    const modal = await fake.waitForResponse(opened, { timeoutMs: 15_000 });
    const submit = fake.sendInteraction(
      fake.modalSubmitInteraction({
        customId: String(modal.body.custom_id),
        guildId: GUILD_ON_SHARD_0,
        member: fake.members.teacher,
        fields: { question: '', text: 'The novel never says that Kathy plays the saxophone; she listens to a tape.' },
      }),
    );
    await fake.waitFor(() => String(fake.originalResponse(submit)?.message.content ?? '').startsWith('Saved as note'), { description: 'the note saved', timeoutMs: 15_000 });
    expect(await handledBy(submit, { shard0, shard1 })).toEqual(['shard0']);

    await until(() => logLines(shard1).some((line) => line.msg === 'teacher note changed on another shard' && line.indexed === true), 'shard 1 indexing the note');
    // The guild's next question reaches shard 1 (as after a reshard), which started before the note was written.
    const asked = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', guildId: GUILD_ON_SHARD_0, options: { question } }), 1);
    const answer = await fake.waitForEdit(asked, { timeoutMs: 15_000 });
    expect(await handledBy(asked, { shard0, shard1 })).toEqual(['shard1']);
    expect(embedText(answer.body)).toContain('Teacher note by');
    expect(embedText(answer.body)).toContain('she listens to a tape');
  }, 60_000);

  it('"More passages" on an answer given before its process restarted still works', async () => {
    const asked = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', guildId: GUILD_ON_SHARD_1, options: { question: 'What happens at Hailsham?' } }));
    const answer = await fake.waitForEdit(asked, { timeoutMs: 15_000 });
    const more = buttonsOf(answer.body).find((button) => button.label === 'More passages');
    expect(more, 'the answer has a More passages button').toBeDefined();
    await stop(shard1);
    shard1 = start('src/main.ts', shardEnv(1));
    await ready(shard1);

    const pressed = fake.sendInteraction(fake.buttonInteraction({ customId: more!.custom_id!, message: fake.originalResponse(asked)!.id, guildId: GUILD_ON_SHARD_1 }));
    const reply = await fake.waitForEdit(pressed, { timeoutMs: 15_000 });
    expect(await handledBy(pressed, { shard0, shard1 })).toEqual(['shard1']);
    expect(String(reply.body.content ?? '')).not.toMatch(/expired/i);
    expect(embedText(reply.body)).toMatch(/›/);
  }, 90_000);

  it('a review item queued on shard 0 is approved after shard 0 restarts', async () => {
    const setup = await openStore();
    await setup.settings.setReviewMode(GUILD_ON_SHARD_0, 'on', fake.guild.channels.reviewQueue.id);
    await setup.close();
    const queue = fake.guild.channels.reviewQueue.id;
    const before = fake.channelMessages(queue).length;
    const student = fake.addMember({ username: 'reviewed' });
    const asked = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', guildId: GUILD_ON_SHARD_0, member: student, options: { question: 'Who is Tommy?' } }));
    const item = await fake.waitForChannelMessage(queue, { nth: before + 1, timeoutMs: 15_000 });
    expect(await handledBy(asked, { shard0, shard1 })).toEqual(['shard0']);

    await stop(shard0);
    shard0 = start('src/main.ts', shardEnv(0));
    await ready(shard0);

    const approve = buttonsOf(item.message as unknown as LooseJson).find((button) => button.label === 'Approve')!;
    const pressed = fake.sendInteraction(fake.buttonInteraction({ customId: approve.custom_id!, message: item.id, member: fake.members.teacher, channelId: queue, guildId: GUILD_ON_SHARD_0 }));
    await fake.waitForResponse(pressed, { timeoutMs: 15_000 });
    expect(await handledBy(pressed, { shard0, shard1 })).toEqual(['shard0']);
    await fake.waitFor(() => /Approved/.test(String(fake.message(item.id)?.message.content ?? '')), { description: 'the queue message marked approved', timeoutMs: 15_000 });
    const reviews = await openStore();
    try {
      expect(await reviews.reviews.listPending(GUILD_ON_SHARD_0)).toEqual([]);
    } finally {
      await reviews.close();
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all([shard0, shard1].filter((run) => run && run.child.exitCode === null).map((run) => stop(run)));
  });
});

describe('npm run start:sharded: the ShardingManager launcher', () => {
  it('runs one process per shard, and /stats counts the servers of every shard through the sharding API', async () => {
    const launcher = start('src/shards.ts', { SHARD_COUNT: String(SHARDS), DB_PATH: path.join(work, 'launcher.db') });
    try {
      await until(() => logLines(launcher).some((line) => line.msg === 'every shard ready'), 'every shard ready', 120_000);
      expect(liveShards()).toEqual(['0/2', '1/2']);
      const stats = fake.sendInteraction(fake.chatInputInteraction({ name: 'stats', guildId: GUILD_ON_SHARD_1, member: fake.members.teacher }));
      const embed = (await fake.waitForResponse(stats, { timeoutMs: 15_000 })).body.embeds as LooseJson[];
      const field = (embed[0]!.fields as LooseJson[]).find((entry) => entry.name === 'Guidebot');
      expect(field?.value).toMatch(/^2 servers on all 2 shards · \d+ MB in 2 processes$/);
      launcher.child.kill('SIGTERM');
      expect((await launcher.exit).code).toBe(0);
      expect(logLines(launcher).some((line) => line.msg === 'every shard stopped')).toBe(true);
    } finally {
      if (launcher.child.exitCode === null) launcher.child.kill('SIGKILL');
    }
  }, 180_000);
});
