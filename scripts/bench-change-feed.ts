/**
 * `npm run --silent bench:change-feed [-- --changes N]`: how long a change recorded by one process
 * takes to reach another process's change feed, with the feed's default settings. Two store handles
 * (each with its own connections, as two shard processes have) on DATABASE_URL when it is set, else
 * on a temporary SQLite file; one records N changes, one at a time, each after the last was heard
 * and a pause that spreads them over the SQLite poll interval,
 * and the other's feed delivers them. Prints one JSON object: the backend, whether the feed was
 * woken by notifications, its poll interval and the delay percentiles (ms, from the call that records
 * a change, which the delivery may beat, to its delivery).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHANGE_FALLBACK_POLL_MS, CHANGE_POLL_MS, StoreChangeFeed } from '../src/sharding/events.js';
import { Store } from '../src/store/index.js';
import { exitWithError, OptionValueError, parseCommandLine, startCli } from './cli.js';
import { latencySummary } from './load/measure.js';

const DEFAULT_CHANGES = 50;
const GUILD = '100000000000000001';
/** Changes are recorded at times spread over the SQLite poll interval (i × this, modulo it), not in step with the poll. */
const PHASE_STEP_MS = 53;

const { values } = parseCommandLine(process.argv.slice(2), { usage: 'npm run --silent bench:change-feed [-- --changes N]', options: { changes: { type: 'string' } } });
const changes = Number(values.changes ?? DEFAULT_CHANGES);
if (!Number.isInteger(changes) || changes < 1) exitWithError(new OptionValueError('--changes must be a positive whole number.'));
const { config, logger } = startCli();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-bench-change-feed-'));
const file = path.join(dir, 'bench.db');
const options = config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {};
const writer = await Store.open(file, options);
const reader = await Store.open(file, options);
const feed = new StoreChangeFeed(reader, logger, { origin: 'reader' });
let heard: (() => void) | undefined;
feed.subscribe(() => heard?.());
// The feed's poll timer does not keep a process running (the bot's gateway connection does); this does, until the end.
const keepAlive = setInterval(() => undefined, 1000);
try {
  await feed.start();
  await feed.poll();
  const delays: number[] = [];
  for (let i = 1; i <= changes; i++) {
    await new Promise((resolve) => setTimeout(resolve, (i * PHASE_STEP_MS) % CHANGE_POLL_MS));
    const delivered = new Promise<void>((resolve) => (heard = resolve));
    const started = performance.now();
    await writer.changes.record({ kind: 'note', guildId: GUILD, subjectId: i, origin: 'writer' });
    await delivered;
    delays.push(performance.now() - started);
  }
  const notified = feed.notified;
  console.log(
    JSON.stringify({
      backend: config.DATABASE_URL ? 'postgres' : 'sqlite',
      changes,
      notified,
      pollMs: notified ? CHANGE_FALLBACK_POLL_MS : CHANGE_POLL_MS,
      deliveryMs: latencySummary(delays),
    }),
  );
} finally {
  clearInterval(keepAlive);
  await feed.close();
  await writer.close();
  await reader.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
