/**
 * The change feed on a real PostgreSQL server: changes are announced by NOTIFY and read at once by
 * the other processes' feeds (here: other database handles in this process, each with its own pool
 * and its own listening connection). The feeds' poll interval is set to an hour, so whatever arrives
 * within the test arrived through a notification or a reconnection's catch-up read.
 * Skipped without TEST_DATABASE_URL unless REQUIRE_POSTGRES=1.
 */
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/log.js';
import { StoreChangeFeed, type ClusterChange } from '../../src/sharding/events.js';
import { CHANGES_CHANNEL, LISTENER_APPLICATION_NAME, Store } from '../../src/store/index.js';
import { runProcess } from '../helpers/run-process.js';
import { createPostgresDatabase, GUILD, PROJECT_ROOT, REQUIRE_POSTGRES, TEST_DATABASE_URL } from '../store/helpers.js';

/** Far longer than any test runs: only a notification (or a reconnection) can deliver a change. */
const NO_POLL_MS = 60 * 60 * 1000;
/** Long enough for the test to record a change while the listening connection is down. */
const RECONNECT_AFTER_MS = 1500;
const WAIT = { timeout: 10_000, interval: 20 };
const logger = createLogger('silent');

const skip = TEST_DATABASE_URL === undefined && !REQUIRE_POSTGRES;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh database and `count` store handles on it (as separate processes would have). */
async function handles(count: number): Promise<{ url: string; stores: Store[] }> {
  const database = await createPostgresDatabase(TEST_DATABASE_URL!);
  cleanups.push(() => database.drop());
  const stores: Store[] = [];
  for (let i = 0; i < count; i++) {
    const store = await Store.open('', { databaseUrl: database.url, poolSize: 2 });
    cleanups.push(() => store.close());
    stores.push(store);
  }
  return { url: database.url, stores };
}

async function feedOn(store: Store, origin: string, heard: ClusterChange[], options: { reconnect?: { retryFirstMs: number } } = {}): Promise<StoreChangeFeed> {
  const feed = new StoreChangeFeed(store, logger, { origin, pollMs: NO_POLL_MS, ...options });
  feed.subscribe((change) => void heard.push(change));
  await feed.start();
  cleanups.push(() => feed.close());
  // The read made when the connection starts listening is over: what comes next is announced.
  await feed.poll();
  return feed;
}

/** A plain client of the database at `url`, ended after the test. */
async function connectRaw(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  cleanups.push(() => client.end());
  return client;
}

/** The payloads of the change notifications on the database at `url`, as a plain client hears them. */
async function changeNotifications(url: string): Promise<string[]> {
  const raw = await connectRaw(url);
  const payloads: string[] = [];
  raw.on('notification', (message) => void payloads.push(message.payload ?? ''));
  await raw.query(`LISTEN ${CHANGES_CHANNEL}`);
  return payloads;
}

/** The pids of the listening connections to the database at `url`. */
async function listenerPids(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 ORDER BY pid', [LISTENER_APPLICATION_NAME]);
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

const note = (subjectId: number) => ({ kind: 'note' as const, guildId: GUILD, subjectId });

(skip ? describe.skip : describe)('the change feed on PostgreSQL (LISTEN/NOTIFY)', () => {
  beforeAll(() => {
    if (TEST_DATABASE_URL === undefined) throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: start a server with scripts/postgres-for-tests.sh start.');
  });

  it('delivers a change recorded through one handle to a feed on another without waiting for a poll', async () => {
    const { stores } = await handles(2);
    const heard: ClusterChange[] = [];
    const feed = await feedOn(stores[1]!, 'two', heard);
    expect(feed.notified).toBe(true);
    await stores[0]!.changes.record({ ...note(7), origin: 'one' });
    await vi.waitFor(() => expect(heard).toEqual([{ ...note(7), origin: 'one' }]), WAIT);
  });

  it('announces a change only when it is committed, with its id as the payload', async () => {
    const { url, stores } = await handles(2);
    const payloads = await changeNotifications(url);

    const [writer, reader] = [stores[0]!, stores[1]!];
    await expect(
      writer.transaction(async () => {
        await writer.changes.record({ ...note(1), origin: 'one' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const kept = await writer.changes.record({ ...note(2), origin: 'one' });
    // Notifications arrive in commit order: had the rolled-back change been announced, it would be first.
    await vi.waitFor(() => expect(payloads).toEqual([String(kept.id)]), WAIT);
    expect(await reader.changes.after(kept.id - 1, 10)).toEqual([kept]);
  });

  it('delivers changes from writers on two handles to every feed in the order of the feed, each once', async () => {
    const { stores } = await handles(3);
    const PER_WRITER = 30;
    const start = await stores[0]!.changes.latestId();
    const heard: ClusterChange[][] = [[], []];
    const feeds = [await feedOn(stores[1]!, 'reader-1', heard[0]!), await feedOn(stores[2]!, 'reader-2', heard[1]!)];
    const write = async (store: Store, origin: string, first: number) => {
      for (let i = 0; i < PER_WRITER; i++) await store.changes.record({ ...note(first + i), origin });
    };
    await Promise.all([write(stores[0]!, 'one', 1), write(stores[2]!, 'three', 1001)]);

    const recorded = (await stores[0]!.changes.after(start, 10 * PER_WRITER)).map(({ kind, guildId, subjectId, origin }) => ({ kind, guildId, subjectId, origin }));
    expect(recorded).toHaveLength(2 * PER_WRITER);
    for (const list of heard) await vi.waitFor(() => expect(list).toHaveLength(2 * PER_WRITER), WAIT);
    await Promise.all(feeds.map((feed) => feed.poll()));
    expect(heard).toEqual([recorded, recorded]);
    // Each writer's changes in the order it made them.
    for (const origin of ['one', 'three']) {
      const subjects = heard[0]!.filter((change) => change.origin === origin).map((change) => change.subjectId);
      expect(subjects).toEqual([...subjects].sort((a, b) => a - b));
    }
  });

  it('reads again after a read during which a change was announced', async () => {
    const { url, stores } = await handles(2);
    const payloads = await changeNotifications(url);

    const heard: ClusterChange[] = [];
    const feed = await feedOn(stores[1]!, 'two', heard);
    // While the feed delivers change 1, change 2 is recorded and announced (the read has already fetched its rows).
    feed.subscribe(async (change) => {
      if (change.subjectId !== 1) return;
      const second = await stores[0]!.changes.record({ ...note(2), origin: 'one' });
      await vi.waitFor(() => expect(payloads).toContain(String(second.id)), WAIT);
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    await stores[0]!.changes.record({ ...note(1), origin: 'one' });
    await vi.waitFor(() => expect(heard.map((change) => change.subjectId)).toEqual([1, 2]), WAIT);
  });

  it('reconnects a dropped listening connection and delivers what was recorded while it was down', async () => {
    const { url, stores } = await handles(2);
    const heard: ClusterChange[] = [];
    const feed = await feedOn(stores[1]!, 'two', heard, { reconnect: { retryFirstMs: RECONNECT_AFTER_MS } });
    const [before] = await listenerPids(url);
    expect(before).toBeDefined();

    const admin = await connectRaw(url);
    await admin.query('SELECT pg_terminate_backend($1)', [before]);
    await vi.waitFor(async () => {
      expect(feed.notified).toBe(false);
      expect(await listenerPids(url)).toEqual([]);
    }, WAIT);
    await stores[0]!.changes.record({ ...note(1), origin: 'one' });
    // Recorded while nothing listened: no notification of it was sent to this feed.
    expect(await listenerPids(url)).toEqual([]);

    await vi.waitFor(() => expect(heard).toEqual([{ ...note(1), origin: 'one' }]), WAIT);
    const after = await listenerPids(url);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
    expect(feed.notified).toBe(true);

    await stores[0]!.changes.record({ ...note(2), origin: 'one' });
    await vi.waitFor(() => expect(heard.map((change) => change.subjectId)).toEqual([1, 2]), WAIT);
  });

  it('still reads, by its poll, a change whose notification never came', async () => {
    const { url, stores } = await handles(1);
    const heard: ClusterChange[] = [];
    const feed = new StoreChangeFeed(stores[0]!, logger, { origin: 'one', pollMs: 200 });
    feed.subscribe((change) => void heard.push(change));
    await feed.start();
    cleanups.push(() => feed.close());
    expect(feed.notified).toBe(true);
    const raw = await connectRaw(url);
    await raw.query("INSERT INTO changes (kind, guild_id, subject_id, origin, created_at) VALUES ('note', $1, 5, 'silent', 0)", [GUILD]);
    await vi.waitFor(() => expect(heard).toEqual([{ ...note(5), origin: 'silent' }]), WAIT);
  });

  it('closes its listening connection when it is closed', async () => {
    const { url, stores } = await handles(1);
    const feed = new StoreChangeFeed(stores[0]!, logger, { pollMs: NO_POLL_MS });
    await feed.start();
    expect(await listenerPids(url)).toHaveLength(1);
    await feed.close();
    await feed.close();
    expect(feed.notified).toBe(false);
    await vi.waitFor(async () => expect(await listenerPids(url)).toEqual([]), WAIT);
  });

  it('leaves nothing that keeps a process running once it and the store are closed', async () => {
    const { url } = await handles(0);
    const result = await runProcess(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures', 'change-feed-process.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: url },
      timeoutMs: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ notified: true, heard: 1 });
    expect(result.code).toBe(0);
  });
});
