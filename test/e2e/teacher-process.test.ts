/**
 * `npm start` as a real child process with its SQLite database: a logged question and a confirmed
 * vote survive `kill -9`; teacher notes stored earlier are indexed at start-up; a database file that
 * is read-only, damaged or in an impossible folder stops start-up with a message naming the file
 * and the fix (and the file is left untouched).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { registerCommands } from '../../scripts/register.js';
import { botProcessEnv, openTestEngine, tempDir } from './bot-harness.js';
import { startFakeDiscord, type FakeDiscord, type LooseJson } from './fake-discord.js';

/** Start-up opens an engine in every worker thread: on a machine busy with other work that can take a while. */
const READY_TIMEOUT_MS = 90_000;

const ROOT = path.resolve(import.meta.dirname, '../..');
let indexDir = '';
let work = '';

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(env: Record<string, string>, user: { uid?: number; gid?: number } = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    ...user,
    cwd: ROOT,
    env: { ...botProcessEnv(indexDir), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  child.stdout.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.stdin.end();
  return { child, stderr: () => stderr, exit };
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const logLines = (run: Run) =>
  run
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LooseJson);

beforeAll(async () => {
  ({ indexDir } = await openTestEngine());
  work = tempDir('guidebot-process-db-');
});

afterAll(() => {
  for (const dir of [indexDir, work]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fake Discord with the commands registered, for the tests of one describe block. */
function useFakeDiscord(): () => FakeDiscord {
  let fake: FakeDiscord | undefined;
  beforeAll(async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 1000 });
    await registerCommands({ token: fake.token, applicationId: fake.applicationId, guildId: fake.guild.id, apiUrl: fake.apiUrl });
  });
  afterAll(async () => {
    await fake?.close();
  });
  return () => fake!;
}

describe('npm start with a database, against the fake Discord', () => {
  let fake: FakeDiscord;
  const current = useFakeDiscord();
  beforeAll(() => {
    fake = current();
  });

  it('a logged question and a confirmed vote survive kill -9; stored teacher notes are indexed at start-up', async () => {
    const dbFile = path.join(work, 'sub', 'guidebot.db');
    // A note a teacher wrote before this start.
    const before = await Store.open(dbFile);
    await before.notes.create({
      guildId: fake.guild.id,
      authorId: fake.members.teacher.id,
      authorName: 'Ms Emily',
      text: 'The novel never says what colour Kathy’s car is.',
      question: "What colour is Kathy's car?",
    });
    await before.close();

    let id = '';
    const bot = start({ ...fake.botEnv, DB_PATH: dbFile, LOG_LEVEL: 'info' });
    try {
      await until(() => bot.stderr().includes('"msg":"ready"'), 'the ready log', READY_TIMEOUT_MS);
      expect(logLines(bot).find((line) => line.msg === 'teacher notes indexed')).toMatchObject({ notes: 1 });

      const noteAsk = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: "What colour is Kathy's car?" } }));
      const noteAnswer = await fake.waitForEdit(noteAsk, { timeoutMs: 10_000 });
      expect(String((noteAnswer.body.embeds as LooseJson[])[0]!.description)).toContain('— *Teacher note by Ms Emily, ');

      id = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'Who is Miss Lucy?' } }));
      const answer = await fake.waitForEdit(id, { timeoutMs: 10_000 });
      await until(() => logLines(bot).some((line) => line.msg === 'question logged' && line.answerId === id), 'the question log line');
      const helpful = (answer.body.components as LooseJson[]).flatMap((row) => row.components as LooseJson[]).find((button) => button.label === 'Helpful')!.custom_id as string;
      const vote = fake.sendInteraction(fake.buttonInteraction({ customId: helpful, message: fake.originalResponse(id)!.id }));
      expect((await fake.waitForResponse(vote)).body.content).toMatch(/^Thanks!/);

      bot.child.kill('SIGKILL');
      expect((await bot.exit).signal).toBe('SIGKILL');
    } finally {
      if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
    }

    const after = await Store.open(dbFile); // also runs the integrity check
    const row = await after.log.findByAnswerId(id);
    expect(row).toMatchObject({ question: 'Who is Miss Lucy?', answered: true, guildId: fake.guild.id });
    expect(await after.feedback.counts(row!.id)).toEqual({ helpful: 1, notHelpful: 0, total: 1 });
    await after.close();
  }, 150_000);
});

describe('write first, then tell: nothing confirmed is lost to kill -9, even while Discord is slow to answer', () => {
  let fake: FakeDiscord;
  const current = useFakeDiscord();
  beforeAll(() => {
    fake = current();
  });

  it('review items, the question log, a vote, reading progress and a teacher note exist once the user has been told', async () => {
    const dbFile = path.join(work, 'told', 'guidebot.db');
    const guild = fake.guild.id;
    const setup = await Store.open(dbFile);
    await setup.settings.setReviewMode(guild, 'on', fake.guild.channels.reviewQueue.id);
    await setup.close();
    const teacher = fake.members.teacher;
    const students = Array.from({ length: 5 }, (_, i) => fake.addMember({ username: `told${i}` }));
    const bot = start({ ...fake.botEnv, DB_PATH: dbFile, LOG_LEVEL: 'info' });
    const asks: string[] = [];
    let voteId = '';
    let progressId = '';
    let noteSubmitId = '';
    let votedOn = '';
    let gapId = 0;
    try {
      await until(() => bot.stderr().includes('"msg":"ready"'), 'the ready log', READY_TIMEOUT_MS);
      // Before the slow part: an answer to vote on (a teacher's, so it is not queued) and an unanswered question to answer.
      votedOn = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', member: teacher, options: { question: 'Who is Miss Lucy?' } }));
      const answer = await fake.waitForEdit(votedOn, { timeoutMs: 10_000 });
      const helpful = (answer.body.components as LooseJson[]).flatMap((row) => row.components as LooseJson[]).find((button) => button.label === 'Helpful')!.custom_id as string;
      fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', member: students[0], options: { question: 'What is the capital of France?' } }));
      await until(() => logLines(bot).some((line) => line.msg === 'unanswered question recorded'), 'the unanswered question');
      gapId = Number(logLines(bot).find((line) => line.msg === 'unanswered question recorded')!.gapId);
      const opened = fake.sendInteraction(fake.chatInputInteraction({ name: 'answer', member: teacher, options: { gap: String(gapId) } }));
      const modal = await fake.waitForResponse(opened, { timeoutMs: 10_000 });
      expect(modal.callbackType).toBe(9);

      // Discord now carries out every interaction response at once but answers the bot 400 ms later.
      fake.setResponseDelay((request) => (request.interactionId ? 400 : 0));
      for (const [i, student] of students.entries()) {
        asks.push(fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', member: student, options: { question: `Who is Tommy? (${i})` } })));
      }
      voteId = fake.sendInteraction(fake.buttonInteraction({ customId: helpful, message: fake.originalResponse(votedOn)!.id, member: students[1] }));
      progressId = fake.sendInteraction(fake.chatInputInteraction({ name: 'progress', member: students[2], options: { part: 'part-two' } }));
      noteSubmitId = fake.sendInteraction(
        fake.modalSubmitInteraction({ customId: String(modal.body.custom_id), member: teacher, fields: { question: '', text: 'The sky is not described; the guides say nothing of it.' } }),
      );

      const description = (id: string) => String((fake.originalResponse(id)?.message.embeds?.[0] as LooseJson | undefined)?.description ?? '');
      const content = (id: string) => String(fake.originalResponse(id)?.message.content ?? '');
      await fake.waitFor(() => asks.every((id) => description(id).includes('sent to your teacher for review')), { description: 'every student told', timeoutMs: 15_000 });
      await fake.waitFor(() => content(voteId).startsWith('Thanks') && content(progressId).startsWith('Got it') && content(noteSubmitId).startsWith('Saved as note'), {
        description: 'the vote, the progress and the note confirmed',
        timeoutMs: 15_000,
      });
      bot.child.kill('SIGKILL');
      expect((await bot.exit).signal).toBe('SIGKILL');
    } finally {
      fake.setResponseDelay(0);
      if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
    }

    const after = await Store.open(dbFile);
    try {
      const pending = await after.reviews.listPending(guild);
      for (const [i, id] of asks.entries()) {
        const row = await after.log.findByAnswerId(id);
        expect(row, `the log row of student ${i}`).toMatchObject({ question: `Who is Tommy? (${i})`, reviewOutcome: 'pending' });
        expect(
          pending.find((review) => review.logId === row!.id),
          `the review item of student ${i}`,
        ).toMatchObject({ askerId: students[i]!.id, status: 'pending' });
      }
      expect(await after.feedback.get((await after.log.findByAnswerId(votedOn))!.id, students[1]!.id)).toBe(true);
      expect((await after.progress.get(guild, students[2]!.id))?.progress).toBe('part-two');
      const gap = await after.gaps.get(gapId);
      expect(gap?.status).toBe('answered');
      expect((await after.notes.get(gap!.noteId!))?.text).toBe('The sky is not described; the guides say nothing of it.');
    } finally {
      await after.close();
    }
  }, 180_000);
});

describe('a database Guidebot cannot use stops start-up with a clear message', () => {
  const failStart = async (dbFile: string, user: { uid?: number; gid?: number } = {}) => {
    const run = start({ DB_PATH: dbFile, LOG_LEVEL: 'silent' }, user);
    const { code } = await run.exit;
    return { code, stderr: run.stderr() };
  };

  it('a damaged file: names the file and the fix, leaves it untouched', async () => {
    const file = path.join(work, 'damaged.db');
    const garbage = Buffer.from('this is not a database, it is a shopping list\n'.repeat(10));
    fs.writeFileSync(file, garbage);
    const { code, stderr } = await failStart(file);
    expect(code).toBe(1);
    expect(stderr).toContain(`"${file}" is not a SQLite database`);
    expect(stderr).toMatch(/Restore it from a backup, or move it aside/);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });

  // Root can write to any file, so as root Guidebot runs as the unprivileged user "nobody" here.
  it('a read-only file', async () => {
    const dir = tempDir('guidebot-readonly-');
    fs.chmodSync(dir, 0o777);
    const file = path.join(dir, 'readonly.db');
    await (await Store.open(file)).close();
    fs.chmodSync(file, 0o444);
    const before = fs.readFileSync(file);
    const { code, stderr } = await failStart(file, process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {});
    expect(code).toBe(1);
    expect(stderr).toContain(`The database file "${file}" is read-only. Fix its permissions`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('a folder that cannot exist (part of the path is a file)', async () => {
    const blocker = path.join(work, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    const file = path.join(blocker, 'guidebot.db');
    const { code, stderr } = await failStart(file);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`Cannot create the folder "${blocker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" for the database file`));
  });
});
