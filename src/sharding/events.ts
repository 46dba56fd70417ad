import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Change, Listener, ListenOptions, RecordChangeInput, Store } from '../store/index.js';

/**
 * How processes (shards) tell each other that state they hold in memory changed: a teacher note
 * was written, edited or deleted (each process keeps the notes in its search index). Every
 * subscriber hears every change, its own process's too; `origin` says which process made it.
 */
export type ClusterChange = Omit<Change, 'id' | 'createdAt'>;
export type ChangeListener = (change: ClusterChange) => void | Promise<void>;

export interface ClusterEvents {
  /** This process's id, the `origin` of what it publishes. */
  readonly origin: string;
  publish(change: Omit<RecordChangeInput, 'origin'>): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/** A fresh id for this process: its pid and random bytes (pids repeat across machines and restarts). */
export function processOrigin(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** One process: changes go straight to the subscribers. Several bots in one process (tests) may share one. */
export class InProcessEvents implements ClusterEvents {
  private readonly listeners = new Set<ChangeListener>();

  constructor(readonly origin = processOrigin()) {}

  /** The same feed under another origin (a second bot in this process). */
  as(origin: string): ClusterEvents {
    return { origin, publish: (change) => this.deliver({ ...change, origin }), subscribe: (listener) => this.subscribe(listener), close: () => Promise.resolve() };
  }

  publish(change: Omit<RecordChangeInput, 'origin'>): Promise<void> {
    return this.deliver({ ...change, origin: this.origin });
  }

  private async deliver(change: ClusterChange): Promise<void> {
    for (const listener of [...this.listeners]) await listener(change);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}

/** How often a process reads the change feed on SQLite, which cannot announce new rows (processes on one machine). */
export const CHANGE_POLL_MS = 500;
/**
 * How often a process reads the change feed on PostgreSQL, where each new row is announced by
 * NOTIFY and read at once: only a safety net for an announcement lost with its connection.
 */
export const CHANGE_FALLBACK_POLL_MS = 5000;
/** Changes read per poll, at most. */
export const CHANGE_BATCH = 100;
/** Changes older than this are deleted (every running process has read them long before). */
export const CHANGE_KEEP_MS = 60 * 60 * 1000;
/** How often old changes are deleted. */
export const CHANGE_PRUNE_INTERVAL_MS = 10 * 60 * 1000;

export interface ChangeFeedOptions {
  /** This process's id (default: processOrigin()). */
  origin?: string;
  /** How often the feed is read whatever was announced (default: CHANGE_POLL_MS on SQLite, CHANGE_FALLBACK_POLL_MS on PostgreSQL). */
  pollMs?: number;
  /** The reconnection waits of the PostgreSQL listening connection. */
  reconnect?: ListenOptions;
}

/**
 * Processes sharing one database: a change is a row of the store's change feed, and each process
 * reads the rows after the last one it delivered. On PostgreSQL a notification of each new row
 * makes it read at once (and a reconnection of the listening connection makes it read what was
 * recorded meanwhile); on SQLite, and as a safety net on PostgreSQL, it reads every `pollMs`.
 * Changes are delivered in the order of their ids, each once.
 */
export class StoreChangeFeed implements ClusterEvents {
  readonly origin: string;
  private readonly listeners = new Set<ChangeListener>();
  private lastId: number | undefined;
  private watch: Listener | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readAgain = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly options: ChangeFeedOptions = {},
  ) {
    this.origin = options.origin ?? processOrigin();
  }

  /** Whether new rows are announced to this process now (PostgreSQL, while its listening connection is up). */
  get notified(): boolean {
    return this.watch?.listening ?? false;
  }

  /** Starts reading after the newest change there is now. */
  async start(): Promise<void> {
    this.lastId = await this.store.changes.latestId();
    this.watch = await this.store.changes.watch(
      {
        recorded: (id) => {
          if (Number.isNaN(id) || id > (this.lastId ?? 0)) void this.poll();
        },
        ready: (again) => {
          if (again) this.logger.info('listening for changes from other processes again');
          // Also the first time: a change recorded between reading the newest id and LISTEN was not announced.
          void this.poll();
        },
        lost: (error, retryInMs) => this.logger.warn({ err: error, retryInMs }, 'lost the connection that hears changes from other processes; reconnecting'),
      },
      this.options.reconnect,
    );
    const pollMs = this.options.pollMs ?? (this.watch ? CHANGE_FALLBACK_POLL_MS : CHANGE_POLL_MS);
    this.timer = setInterval(() => void this.poll(), pollMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), CHANGE_PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  async publish(change: Omit<RecordChangeInput, 'origin'>): Promise<void> {
    await this.store.changes.record({ ...change, origin: this.origin });
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads and delivers the changes after the last one delivered. One read runs at a time; asked
   * during a read, it reads once more after it (the running read may have missed the new row).
   */
  poll(): Promise<void> {
    if (this.polling) {
      this.readAgain = true;
      return this.polling;
    }
    this.polling = this.readUntilCurrent().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async readUntilCurrent(): Promise<void> {
    do {
      this.readAgain = false;
      await this.readNew();
    } while (this.readAgain && !this.closed);
  }

  private async readNew(): Promise<void> {
    if (this.closed || this.lastId === undefined || !this.store.open) return;
    try {
      for (;;) {
        const batch = await this.store.changes.after(this.lastId, CHANGE_BATCH);
        for (const change of batch) {
          this.lastId = change.id;
          for (const listener of this.listeners) await listener({ kind: change.kind, guildId: change.guildId, subjectId: change.subjectId, origin: change.origin });
        }
        if (batch.length < CHANGE_BATCH) break;
      }
    } catch (error) {
      this.logger.error({ err: error }, 'could not read the change feed');
    }
  }

  /** Deletes old changes. Never throws. */
  async prune(now = Date.now()): Promise<void> {
    try {
      await this.store.changes.prune(now - CHANGE_KEEP_MS);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not prune the change feed');
    }
  }

  /** Stops reading and closes the listening connection. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.watch?.close();
    await this.polling;
    this.listeners.clear();
  }
}
