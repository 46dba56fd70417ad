/**
 * `npm run --silent load:sharded -- --n 1000 --shards 2`: starts S bot processes (the compiled
 * `node dist/main.js`, SHARD_IDS=i of SHARD_COUNT=S, one SQLite file; fewer with --processes), each against the fake Discord
 * in this process, with one server per shard; fires N concurrent `/ask` (real questions, one user
 * each) spread over the servers, and prints one JSON object:
 * `{"shards","processes","n","ack_ms":{"p50","p95","p99"},"answer_ms":{…},"errors","per_process":[{"shards","answered","rss_mb_idle","rss_mb_peak"}],"rest_per_second_peak"}`.
 * ack = dispatch → the defer callback arriving at the fake; answer = dispatch → the final edit.
 * Memory is each process's resident set, read from /proc (not from its /metrics, whose collection would cost the bot CPU while it is measured),
 * idle after start-up and the highest seen while the load runs.
 * Options: --n N (default 1000), --shards S (default 2), --processes P (default S: one shard per process; with
 * fewer, process p runs the shards whose id modulo P is p, e.g. `--processes 1` runs them all in one), --workers N (ENGINE_WORKERS of each shard process; default: the bot's default), --rest-proxy (send REST through the shared
 * proxy, `dist/rest-proxy-main.js` started as a process of its own), --questions FILE (JSON lines with a "question" field; default: the evaluation files),
 * --bursts K (default 1: K bursts of N, each from N new users, one after the other in the same processes; the later ones are printed as `later_bursts`).
 * With DATABASE_URL set in the environment, the shards share that PostgreSQL database instead of the SQLite file
 * (its tables are the bot's own: use a database made for the run), with DATABASE_POOL_SIZE connections each if set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT } from '../src/config.js';
import { startFakeDiscord, type FakeMember } from '../test/e2e/fake-discord.js';
import { EVAL_QUESTION_FILES, exitWithError, OptionValueError, parseCommandLine } from './cli.js';
import { completionCounter, interactionOutcomes, latencySummary, readQuestions } from './load/measure.js';
import { residentMb } from './load/proc-stats.js';
import { registerCommands } from './register.js';

const MAX_SHARDS = 8;
const MAX_BURSTS = 10;
const START_TIMEOUT_MS = 180_000;
const LOAD_TIMEOUT_MS = 120_000;
const RSS_SAMPLE_MS = 100;
/** How long the processes' last log lines may take to arrive after the last answer. */
const LOG_LINES_WAIT_MS = 10_000;
/** pino's level number for `error`. */
const LOG_ERROR_LEVEL = 50;

interface ShardProcess {
  /** Its shards, as SHARD_IDS gives them (the REST proxy: none). */
  shards: string;
  child: ChildProcess;
  stderr: () => string;
  /** Its complete JSON log lines so far, each parsed once, when first asked for (so a burst's logging costs this process nothing until it is counted). */
  logLines: () => Array<Record<string, unknown>>;
}

/** A guild id the shard owns: `(id >> 22) % shards === shard`. */
const guildOnShard = (shard: number, shards: number) => String((300_000_000_000n * BigInt(shards) + BigInt(shard)) << 22n);

function startProcess(shards: string, entry: string, env: Record<string, string>): ShardProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(PROJECT_ROOT, 'dist', entry)], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines: Array<Record<string, unknown>> = [];
  let parsedUpTo = 0;
  const logLines = () => {
    const complete = stderr.lastIndexOf('\n') + 1;
    for (const line of stderr.slice(parsedUpTo, complete).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    parsedUpTo = Math.max(parsedUpTo, complete);
    return lines;
  };
  return { shards, child, stderr: () => stderr, logLines };
}

async function startProxyProcess(apiUrl: string): Promise<ShardProcess & { url: string }> {
  const run = startProcess('', 'rest-proxy-main.js', { DISCORD_API_URL: apiUrl, REST_PROXY_PORT: '0', LOG_FORMAT: 'json' });
  await waitFor(() => run.logLines().some((line) => line.msg === 'REST proxy listening') || run.child.exitCode !== null, 'the REST proxy', START_TIMEOUT_MS);
  if (run.child.exitCode !== null) throw new Error(`the REST proxy exited:\n${run.stderr()}`);
  return { ...run, url: String(run.logLines().find((line) => line.msg === 'REST proxy listening')!.url) };
}

/** A process's log lines at error level or above. */
function loggedErrors(run: ShardProcess): Array<Record<string, unknown>> {
  return run.logLines().filter((line) => Number(line.level) >= LOG_ERROR_LEVEL);
}

async function waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function main() {
  const { values: options } = parseCommandLine(process.argv.slice(2), {
    usage: 'npm run --silent load:sharded [-- --n N] [--shards S] [--processes P] [--bursts K] [--workers N] [--rest-proxy] [--questions FILE]',
    options: {
      n: { type: 'string' },
      shards: { type: 'string' },
      processes: { type: 'string' },
      bursts: { type: 'string' },
      workers: { type: 'string' },
      'rest-proxy': { type: 'boolean' },
      questions: { type: 'string' },
    },
  });
  const n = Number(options.n ?? 1000);
  const shards = Number(options.shards ?? 2);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new OptionValueError('--n must be a whole number from 1 to 10000');
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) throw new OptionValueError(`--shards must be a whole number from 1 to ${MAX_SHARDS}`);
  const processes = Number(options.processes ?? shards);
  if (!Number.isInteger(processes) || processes < 1 || processes > shards) throw new OptionValueError(`--processes must be a whole number from 1 to ${shards} (the shards)`);
  const bursts = Number(options.bursts ?? 1);
  if (!Number.isInteger(bursts) || bursts < 1 || bursts > MAX_BURSTS) throw new OptionValueError(`--bursts must be a whole number from 1 to ${MAX_BURSTS}`);
  if (!fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  const questions = readQuestions(options.questions !== undefined ? [options.questions] : EVAL_QUESTION_FILES);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-load-sharded-'));

  const guilds = Array.from({ length: shards }, (_, shard) => guildOnShard(shard, shards));
  const fake = await startFakeDiscord({ heartbeatIntervalMs: 5000, guildId: guilds[0]!, extraGuildIds: guilds.slice(1), recommendedShards: shards });
  for (const guildId of guilds) await registerCommands({ token: fake.token, applicationId: fake.applicationId, guildId, apiUrl: fake.apiUrl });
  // The proxy in a process of its own, as in production (not in this busy one).
  const proxy = options['rest-proxy'] ? await startProxyProcess(fake.apiUrl) : undefined;

  const env = {
    MODEL_ID: 'offline',
    INDEX_DIR: path.join(work, 'index'),
    DB_PATH: path.join(work, 'guidebot.db'),
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    ...(process.env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE } : {}),
    ...fake.botEnv,
    RATE_LIMIT_PER_USER: '1000',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    HEALTH_PORT: '0',
    SHARD_COUNT: String(shards),
    ...(proxy ? { REST_PROXY_URL: proxy.url } : {}),
    ...(options.workers !== undefined ? { ENGINE_WORKERS: options.workers } : {}),
  };
  const runs: ShardProcess[] = [];
  try {
    // One after another: the first builds the search index, the others load it.
    for (let index = 0; index < processes; index++) {
      const ids = Array.from({ length: shards }, (_, shard) => shard).filter((shard) => shard % processes === index);
      const run = startProcess(ids.join(','), 'main.js', { ...env, SHARD_IDS: ids.join(',') });
      runs.push(run);
      await waitFor(() => run.logLines().some((line) => line.msg === 'ready') || run.child.exitCode !== null, `shards ${run.shards} to be ready`, START_TIMEOUT_MS);
      if (run.child.exitCode !== null) throw new Error(`shards ${run.shards} exited:\n${run.stderr()}`);
    }
    // Every burst from n new users; each starts where the last stopped in the question list.
    const payload = (burst: number, i: number, member: FakeMember) =>
      fake.chatInputInteraction({ name: 'ask', guildId: guilds[i % shards]!, options: { question: questions[(burst * n + i) % questions.length]! }, member });

    // Warm up every shard (first-call compilation), not measured.
    const warmUp = Array.from({ length: 3 * shards }, (_, i) => fake.sendInteraction(payload(0, i, fake.addMember({ username: `warmup${i}` }))));
    const warmedUp = completionCounter(fake, warmUp);
    await waitFor(() => warmedUp() === warmUp.length, 'the warm-up answers', LOAD_TIMEOUT_MS);
    const rss = (run: ShardProcess) => (run.child.pid !== undefined && run.child.exitCode === null ? residentMb(run.child.pid) : 0);

    const runBurst = async (burst: number) => {
      const members = Array.from({ length: n }, (_, i) => fake.addMember({ username: `loadtester${burst}x${i}` }));
      await sleep(500); // the member additions reach the shards before the burst
      const errorsBefore = runs.map((run) => loggedErrors(run).length);
      const idle = runs.map(rss);
      const peak = [...idle];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const now = runs.map(rss);
          now.forEach((mb, i) => (peak[i] = Math.max(peak[i]!, mb)));
          await sleep(RSS_SAMPLE_MS);
        }
      })();

      const since = performance.now();
      const ids = members.map((member, i) => fake.sendInteraction(payload(burst, i, member)));
      const deadline = Date.now() + LOAD_TIMEOUT_MS;
      const finished = completionCounter(fake, ids);
      while (finished() < ids.length && Date.now() < deadline) await sleep(50);
      sampling = false;
      await sampler;

      const list = [...interactionOutcomes(fake, ids).values()];
      const handledBy = (run: ShardProcess) => {
        const answered = new Set(run.logLines().flatMap((line) => (line.msg === 'answered' ? [line.interactionId] : [])));
        return ids.filter((id) => answered.has(id)).length;
      };
      // A process logs "answered" just after its edit leaves, and the line reaches this busy process later still.
      const answers = list.filter((result) => result.answerMs !== undefined).length;
      const logsDue = Date.now() + LOG_LINES_WAIT_MS;
      while (runs.reduce((sum, run) => sum + handledBy(run), 0) < answers && Date.now() < logsDue) await sleep(50);
      const botRequests = fake.requestsPerSecond((request) => request.at >= since && request.headers.authorization !== undefined);
      return {
        ack_ms: latencySummary(list.flatMap((result) => (result.ackMs === undefined ? [] : [result.ackMs]))),
        answer_ms: latencySummary(list.flatMap((result) => (result.answerMs === undefined ? [] : [result.answerMs]))),
        errors: list.filter((result) => !result.ok || result.ackMs === undefined || result.answerMs === undefined).length,
        per_process: runs.map((run, i) => ({
          shards: run.shards,
          answered: handledBy(run),
          logged_errors: loggedErrors(run).length - errorsBefore[i]!,
          rss_mb_idle: idle[i]!,
          rss_mb_peak: peak[i]!,
        })),
        rest_per_second_peak: Math.max(0, ...fake.requestsPerSecond((request) => request.at >= since)),
        bot_token_requests_per_second_peak: Math.max(0, ...botRequests),
      };
    };

    const measured = [];
    for (let burst = 0; burst < bursts; burst++) measured.push(await runBurst(burst));
    const [first, ...later] = measured;
    const report = {
      shards,
      processes,
      n,
      rest_proxy: proxy !== undefined,
      database: process.env.DATABASE_URL ? 'postgresql' : 'sqlite',
      ...first!,
      ...(later.length > 0 ? { later_bursts: later } : {}),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
    const firstError = runs.flatMap(loggedErrors)[0];
    if (firstError) process.stderr.write(`first error logged by a shard: ${JSON.stringify(firstError)}\n`);
  } finally {
    await Promise.all(
      runs.map(async (run) => {
        if (run.child.exitCode !== null) return;
        const exited = new Promise((resolve) => run.child.once('exit', resolve));
        run.child.kill('SIGTERM');
        await exited;
      }),
    );
    proxy?.child.kill('SIGTERM');
    await fake.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch(exitWithError);
