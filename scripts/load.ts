/**
 * `npm run --silent load -- --n 1000`: starts the real bot as its own process (`node dist/main.js`,
 * built first if stale) against a fake Discord in this process, fires N concurrent `/ask` from N
 * different users with different questions (from the evaluation files), and prints one JSON object:
 * per interaction the acknowledgement latency (dispatch → the defer callback arriving at the fake) and
 * the answer latency (dispatch → the final edit), how many acknowledgements missed Discord's 3 s, the
 * errors, the bot process's own CPU time and memory (from /proc, every thread included), and this process's own
 * CPU time and event-loop delay (it shares the cores with the bot).
 * The bot runs with its configured rate limits; every user asks once.
 * Options: --n N (default 200), --workers N (ENGINE_WORKERS; default: the bot's default, one per core but one),
 * --model ID (default offline), --runner dist|tsx (default dist), --index-dir DIR (default: a
 * temporary folder), --questions FILE (JSON lines with a "question" field), --timeout-s S (default 120),
 * --cpu-prof DIR (the bot writes a V8 CPU profile of each of its threads there when it stops),
 * --node-arg ARG (repeatable: a flag for the bot's node, e.g. --node-arg=--single-threaded),
 * --bursts K (default 1: K bursts of N, each from N new users, one after the other in the same bot process;
 * the first is a bot that just started, the later ones a bot that has run a while; printed as `later_bursts`).
 * With DATABASE_URL set in the environment, the bot's store is that PostgreSQL database instead of a new SQLite
 * file (its tables are the bot's own: use a database made for the run).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT } from '../src/config.js';
import { startFakeDiscord, type FakeDiscord } from '../test/e2e/fake-discord.js';
import { EVAL_QUESTION_FILES, exitWithError, OptionValueError, parseCommandLine } from './cli.js';
import { startBotProcess, type BotRunner } from './load/bot-process.js';
import { completionCounter, interactionOutcomes, latencySummary, readQuestions } from './load/measure.js';
import { residentMb, threadCpuBetween, sampleProcess, type ProcSample } from './load/proc-stats.js';
import { registerCommands } from './register.js';

/** Discord's deadline for the first response to an interaction. */
const ACK_DEADLINE_MS = 3000;
/** Interactions before the measured burst (first-call compilation, caches), from their own users. */
const WARM_UP_ASKS = 5;
/** How often the bot's memory is sampled during the burst. */
const SAMPLE_INTERVAL_MS = 50;
const MAX_N = 10_000;
const MAX_BURSTS = 10;
/** Idle HTTP connections to the fake stay open this long (Node's 5 s default closes them under the bot's feet when this process lags). */
const KEEP_ALIVE_MS = 120_000;

const nanosToMs = (ns: number) => Math.round(ns / 1e5) / 10;

/** The bot's error log lines by message (and error message), most frequent first. */
function errorSummary(lines: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    const key = [entry.msg, entry.err?.message].filter(Boolean).join(': ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

function buildIfStale(): Promise<void> {
  return new Promise((resolve, reject) => {
    const build = spawn(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    build.on('error', reject);
    build.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (exit code ${code})`))));
  });
}

/** One burst of `n` concurrent /ask from `n` new users, measured from the fake's records and the bot's /proc. */
async function runBurst(fake: FakeDiscord, botPid: number, burst: number, n: number, questions: string[], timeoutMs: number, errorLogCount: () => number) {
  const members = Array.from({ length: n }, (_, i) => fake.addMember({ username: `loadtester${burst}x${i}` }));
  // Each burst starts where the last one stopped in the question list, so a later burst does not repeat the same questions in the same order.
  const question = (i: number) => questions[(burst * n + i) % questions.length]!;
  const payloads = Array.from({ length: n }, (_, i) => fake.chatInputInteraction({ name: 'ask', options: { question: question(i) }, member: members[i]! }));
  await sleep(500); // the member additions reach the bot before the burst
  const errorLogsBefore = errorLogCount();

  const before: ProcSample = sampleProcess(botPid);
  const generatorCpu = process.cpuUsage();
  let peakRss = before.rssMb;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, residentMb(botPid))), SAMPLE_INTERVAL_MS);
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const burstStarted = performance.now();
  const ids = payloads.map((payload) => fake.sendInteraction(payload));
  const finished = completionCounter(fake, ids);
  const deadline = Date.now() + timeoutMs;
  while (finished() < ids.length && Date.now() < deadline) await sleep(20);
  const burstMs = Math.round(performance.now() - burstStarted);
  lag.disable();
  clearInterval(sampler);
  const after = sampleProcess(botPid);
  const generatorUsage = process.cpuUsage(generatorCpu);
  peakRss = Math.max(peakRss, after.rssMb);

  const results = [...interactionOutcomes(fake, ids).values()];
  const acks = results.flatMap((result) => (result.ackMs === undefined ? [] : [result.ackMs]));
  return {
    burst_ms: burstMs,
    ack_ms: latencySummary(acks),
    ack_missed_3s: results.filter((result) => result.ackMs === undefined || result.ackMs > ACK_DEADLINE_MS).length,
    answer_ms: latencySummary(results.flatMap((result) => (result.answerMs === undefined ? [] : [result.answerMs]))),
    errors: results.filter((result) => !result.ok || result.ackMs === undefined || result.answerMs === undefined).length,
    // This process (the fake Discord and the generator) shares the cores with the bot.
    // How late this process's event loop ran: the fake notices (and timestamps) a request that much late at worst.
    generator_lag_ms: { p50: nanosToMs(lag.percentile(50)), p99: nanosToMs(lag.percentile(99)), max: nanosToMs(lag.max) },
    generator_cpu_ms: Math.round((generatorUsage.user + generatorUsage.system) / 1000),
    burst_error_logs: errorLogCount() - errorLogsBefore,
    bot: {
      cpu_ms: after.cpuMs - before.cpuMs,
      cpu_ms_per_ask: Math.round(((after.cpuMs - before.cpuMs) / n) * 100) / 100,
      main_thread_cpu_ms: after.mainThreadCpuMs - before.mainThreadCpuMs,
      // The main thread's is one of these; the engine worker is normally the next.
      cpu_ms_per_thread: threadCpuBetween(before, after),
      rss_mb_warm: before.rssMb,
      rss_mb_peak_during_load: peakRss,
      rss_mb_peak_since_start: after.peakRssMb,
      threads: after.threads,
    },
  };
}

async function main() {
  const { values: options } = parseCommandLine(process.argv.slice(2), {
    usage: 'npm run --silent load [-- --n N] [--bursts K] [--workers N] [--model ID] [--runner dist|tsx] [--index-dir DIR] [--questions FILE] [--timeout-s S] [--cpu-prof DIR] [--node-arg ARG]…',
    options: {
      n: { type: 'string' },
      bursts: { type: 'string' },
      workers: { type: 'string' },
      model: { type: 'string' },
      runner: { type: 'string' },
      'index-dir': { type: 'string' },
      questions: { type: 'string' },
      'timeout-s': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'node-arg': { type: 'string', multiple: true },
    },
  });
  const n = Number(options.n ?? 200);
  if (!Number.isInteger(n) || n < 1 || n > MAX_N) throw new OptionValueError(`--n must be a whole number from 1 to ${MAX_N}`);
  const bursts = Number(options.bursts ?? 1);
  if (!Number.isInteger(bursts) || bursts < 1 || bursts > MAX_BURSTS) throw new OptionValueError(`--bursts must be a whole number from 1 to ${MAX_BURSTS}`);
  const runner = (options.runner ?? 'dist') as BotRunner;
  if (runner !== 'dist' && runner !== 'tsx') throw new OptionValueError('--runner must be dist or tsx');
  const timeoutS = Number(options['timeout-s'] ?? 120);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new OptionValueError('--timeout-s must be a number of seconds above 0');
  const timeoutMs = timeoutS * 1000;
  const model = options.model ?? 'offline';
  const indexDir = options['index-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-load-'));
  const questions = readQuestions(options.questions !== undefined ? [options.questions] : EVAL_QUESTION_FILES);
  if (runner === 'dist') await buildIfStale();

  const fake = await startFakeDiscord({ heartbeatIntervalMs: 5000, keepAliveTimeoutMs: KEEP_ALIVE_MS });
  await registerCommands({ token: fake.token, applicationId: fake.applicationId, guildId: fake.guild.id, apiUrl: fake.apiUrl });
  const startedAt = performance.now();
  const bot = startBotProcess(
    runner,
    {
      MODEL_ID: model,
      INDEX_DIR: indexDir,
      DB_PATH: path.join(indexDir, `load-${Date.now()}.db`),
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
      ...fake.botEnv,
      LOG_LEVEL: 'info',
      ...(options.workers !== undefined ? { ENGINE_WORKERS: options.workers } : {}),
    },
    [...(options['node-arg'] ?? []), ...(options['cpu-prof'] !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options['cpu-prof'])}`] : [])],
  );
  try {
    await bot.ready;
    const readyMs = Math.round(performance.now() - startedAt);

    // Every interaction from its own user: the bot's per-user limits stay as configured and never refuse one.
    const ask = (i: number, name: string) =>
      fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: questions[i % questions.length]! }, member: fake.addMember({ username: name }) }));
    const warmUp = Array.from({ length: WARM_UP_ASKS }, (_, i) => ask(i, `warmup${i}`));
    const warmedUp = completionCounter(fake, warmUp);
    while (warmedUp() < warmUp.length) await sleep(10);
    const measured = [];
    for (let burst = 0; burst < bursts; burst++) measured.push(await runBurst(fake, bot.pid, burst, n, questions, timeoutMs, () => bot.errorLines().length));
    const [first, ...later] = measured;
    const report = {
      n,
      model,
      runner,
      database: process.env.DATABASE_URL ? 'postgresql' : 'sqlite',
      workers: options.workers === undefined ? 'default' : Number(options.workers),
      node_args: options['node-arg'] ?? [],
      cores: os.availableParallelism(),
      bot_ready_ms: readyMs,
      ...first!,
      bot_error_logs: bot.errorLines().length,
      bot_errors: errorSummary(bot.errorLines()),
      ...(later.length > 0 ? { later_bursts: later } : {}),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await bot.stop();
    await fake.close();
  }
  process.exit(0);
}

main().catch(exitWithError);
