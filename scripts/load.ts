/**
 * `npm run --silent load -- --n 200`: fires N concurrent `/ask` interactions (real questions, one
 * user each) through the fake Discord at the real bot in this process, and prints one JSON object:
 * `{"n","ack_ms":{"p50","p95","p99"},"answer_ms":{…},"errors","rss_mb"}`.
 * ack = dispatch → the defer callback arriving at the fake; answer = dispatch → the final edit.
 * Options: --n N (default 200), --model ID (default offline), --index-dir DIR (default: a temporary
 * folder), --questions FILE (JSON lines with a "question" field; default: both evaluation files in eval/),
 * --verbose (info logs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InteractionResponseType } from 'discord.js';
import { createBot } from '../src/bot/bot.js';
import { Store } from '../src/store/index.js';
import { Engine } from '../src/engine.js';
import { startFakeDiscord, type FakeDiscord } from '../test/e2e/fake-discord.js';
import { EVAL_QUESTION_FILES, exitWithError, parseCommandLine, startCli } from './cli.js';
import { registerCommands } from './register.js';

function readQuestions(files: string[]): string[] {
  const questions = files
    .flatMap((file) => fs.readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { question: string }).question);
  if (questions.length === 0) throw new Error(`no questions found in ${files.join(' or ')}`);
  return questions;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index]! * 10) / 10;
}

const summary = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) });

interface Outcome {
  ackMs?: number;
  answerMs?: number;
  ok: boolean;
}

/** Reads what happened to each interaction from the fake's request log (one pass). */
function outcomes(fake: FakeDiscord, ids: string[]): Map<string, Outcome> {
  const wanted = new Set(ids);
  const result = new Map<string, Outcome>(ids.map((id) => [id, { ok: true }]));
  for (const request of fake.requests) {
    if (!request.interactionId || !wanted.has(request.interactionId) || request.status === 0) continue;
    const outcome = result.get(request.interactionId)!;
    const dispatchedAt = fake.interaction(request.interactionId)!.dispatchedAt;
    if (request.status >= 400) outcome.ok = false;
    else if (request.responseKind === 'callback') {
      outcome.ackMs = request.at - dispatchedAt;
      if (request.callbackType !== InteractionResponseType.DeferredChannelMessageWithSource) outcome.ok = false;
    } else if (request.responseKind === 'editOriginal') {
      outcome.answerMs = request.at - dispatchedAt;
      if (!Array.isArray(request.body?.embeds) || request.body.embeds.length === 0) outcome.ok = false;
    }
  }
  return result;
}

async function main() {
  const { values: options } = parseCommandLine(process.argv.slice(2), {
    usage: 'npm run --silent load [-- --n N] [--model ID] [--index-dir DIR] [--questions FILE] [--verbose]',
    options: { n: { type: 'string' }, model: { type: 'string' }, 'index-dir': { type: 'string' }, questions: { type: 'string' }, verbose: { type: 'boolean' } },
  });
  const n = Number(options.n ?? 200);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new Error('--n must be a whole number from 1 to 10000');
  const indexDir = options['index-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-load-'));
  const questionFiles = options.questions !== undefined ? [options.questions] : EVAL_QUESTION_FILES;
  const questions = readQuestions(questionFiles);

  const fake = await startFakeDiscord({ heartbeatIntervalMs: 5000 });
  const { config, logger } = startCli({
    MODEL_ID: options.model ?? 'offline',
    INDEX_DIR: indexDir,
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    RATE_LIMIT_PER_USER: '1000',
    LOG_LEVEL: options.verbose ? 'info' : 'warn',
  });
  const engine = await Engine.open({ config, logger });
  await registerCommands({ token: fake.token, applicationId: fake.applicationId, guildId: fake.guild.id, apiUrl: fake.apiUrl });
  // The real bot keeps a question log, votes and settings in SQLite: the load includes those writes.
  const store = await Store.open(path.join(indexDir, 'load.db'), { defaults: { rateLimitPerUser: config.RATE_LIMIT_PER_USER, rateLimitWindowSeconds: config.RATE_LIMIT_WINDOW_SECONDS } });
  const bot = createBot({ config, engine, logger, store });
  await bot.start();

  const members = Array.from({ length: n }, (_, i) => fake.addMember({ username: `loadtester${i}` }));
  const ask = (i: number) => fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: questions[i % questions.length]! }, member: members[i % members.length]! }));

  // Warm up (first-call compilation), not measured.
  const warmUp = [0, 1, 2].map(ask);
  while (outcomesDone(fake, warmUp) < warmUp.length) await sleep(10);

  let peakRss = process.memoryUsage().rss;
  logger.info({ rssMb: Math.round(peakRss / 1024 / 1024) }, 'memory before the load (engine, model, client and fake Discord loaded)');
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const payloads = Array.from({ length: n }, (_, i) => fake.chatInputInteraction({ name: 'ask', options: { question: questions[i % questions.length]! }, member: members[i]! }));
  const ids = payloads.map((payload) => fake.sendInteraction(payload));
  const deadline = Date.now() + 60_000;
  while (outcomesDone(fake, ids) < ids.length && Date.now() < deadline) await sleep(20);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const results = [...outcomes(fake, ids).values()];
  const errors = results.filter((result) => !result.ok || result.ackMs === undefined || result.answerMs === undefined).length;
  const report = {
    n,
    ack_ms: summary(results.flatMap((result) => (result.ackMs === undefined ? [] : [result.ackMs]))),
    answer_ms: summary(results.flatMap((result) => (result.answerMs === undefined ? [] : [result.answerMs]))),
    errors,
    rss_mb: Math.round(peakRss / 1024 / 1024),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await bot.stop(5000);
  await fake.close();
  process.exit(0);
}

/** How many of the interactions have their final edit (or a failure). */
function outcomesDone(fake: FakeDiscord, ids: string[]): number {
  const wanted = new Set(ids);
  const done = new Set<string>();
  for (const request of fake.requests) {
    if (request.interactionId && wanted.has(request.interactionId) && request.status !== 0 && (request.responseKind === 'editOriginal' || request.status >= 400)) {
      done.add(request.interactionId);
    }
  }
  return done.size;
}

main().catch(exitWithError);
