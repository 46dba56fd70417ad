import pg from 'pg';
import type { ListenHandlers, ListenOptions, Listener } from './sql.js';

/** How the listening connection names itself to the server (its row in pg_stat_activity). */
export const LISTENER_APPLICATION_NAME = 'guidebot-listener';
/** The wait before the first reconnection attempt after the listening connection was lost; it doubles after each failed attempt. */
export const LISTEN_RETRY_FIRST_MS = 250;
/** The longest wait between reconnection attempts. */
export const LISTEN_RETRY_MAX_MS = 10_000;

/**
 * One dedicated connection (not from the pool: a pooled connection is handed to other work, and a
 * LISTEN lasts only as long as its session) that LISTENs on a channel. When the connection fails or
 * is dropped it connects again after a wait that doubles up to LISTEN_RETRY_MAX_MS, and says so
 * through `ready(true)`, so the caller can read what was announced in between.
 */
export class PostgresListener implements Listener {
  private client: pg.Client | undefined;
  private connected = false;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly retryFirstMs: number;
  private readonly retryMaxMs: number;
  private retryMs: number;
  private everListened = false;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly handlers: ListenHandlers,
    options: ListenOptions = {},
  ) {
    this.retryFirstMs = options.retryFirstMs ?? LISTEN_RETRY_FIRST_MS;
    this.retryMaxMs = Math.max(this.retryFirstMs, options.retryMaxMs ?? LISTEN_RETRY_MAX_MS);
    this.retryMs = this.retryFirstMs;
  }

  get listening(): boolean {
    return this.connected;
  }

  /** Connects and listens. A failure is reported through `lost` and retried, never thrown. */
  start(): Promise<void> {
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    await client?.end().catch(() => undefined);
    await this.connecting;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ ...this.config, application_name: LISTENER_APPLICATION_NAME, keepAlive: true });
    this.client = client;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed || this.closed) return;
      failed = true;
      this.connected = false;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      this.retry(error);
    };
    client.on('error', fail);
    client.on('end', () => fail(new Error('the listening connection was closed')));
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.handlers.notify(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      fail(error);
      return;
    }
    if (failed || this.closed) return;
    this.connected = true;
    this.retryMs = this.retryFirstMs;
    const again = this.everListened;
    this.everListened = true;
    this.handlers.ready(again);
  }

  private retry(error: unknown): void {
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.retryMaxMs);
    this.handlers.lost(error, wait);
    this.retryTimer = setTimeout(() => void this.start(), wait);
    this.retryTimer.unref();
  }
}
