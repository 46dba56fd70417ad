import { once } from 'node:events';
import { Events, type Client, type ClientOptions, type Interaction } from 'discord.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { BotMetrics } from '../ops/metrics.js';
import { createClient } from './client.js';
import type { CommandModule } from './command.js';
import { COMMANDS } from './commands/index.js';
import { MESSAGES } from './errors.js';
import { SHUTDOWN_GRACE_MS } from './limits.js';
import { handleMention } from './mention.js';
import { send } from './respond.js';
import { Router } from './router.js';
import { createServices, type BotServices, type ServiceOptions } from './services.js';
import { GATEWAY_AUTHENTICATION_FAILED, isTokenRejection, TOKEN_REJECTED_MESSAGE, TokenRejectedError } from './token.js';

export interface BotOptions extends Omit<ServiceOptions, 'config'> {
  config: Pick<Config, 'DISCORD_TOKEN' | 'DISCORD_API_URL' | 'RATE_LIMIT_PER_USER' | 'RATE_LIMIT_WINDOW_SECONDS'> & Partial<Pick<Config, 'RETENTION_DAYS' | 'shards' | 'REST_PROXY_URL'>>;
  /** Defaults to every command in `commands/index.ts`. */
  commands?: readonly CommandModule[];
  clientOptions?: Partial<ClientOptions>;
  /** How long `stop()` waits for interactions in flight (default SHUTDOWN_GRACE_MS). */
  shutdownGraceMs?: number;
  /** After how long the router defers for a handler that has not acknowledged (default ACK_SAFETY_MS). */
  ackSafetyMs?: number;
  /** Counts interactions, latencies and Discord's 429s when given. */
  metrics?: BotMetrics;
  /** Called once when Discord closes the gateway because the token was revoked while running. */
  onTokenRevoked?: () => void;
}

/**
 * The Discord bot: a discord.js client, the router and the services, with a lifecycle. `stop()`
 * stops taking interactions (newcomers are told to try again shortly), lets the ones in flight
 * finish (up to a grace period), then closes the client and the store.
 */
export class Bot {
  readonly client: Client;
  readonly services: BotServices;
  readonly router: Router;
  private readonly logger: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  private accepting = true;
  private connected = false;
  private stopping: Promise<{ drained: boolean }> | undefined;

  constructor(private readonly options: BotOptions) {
    this.logger = options.logger;
    this.services = createServices({ ...options, config: options.config });
    const metrics = options.metrics;
    this.router = new Router(options.commands ?? COMMANDS, this.services, options.ackSafetyMs, metrics && ((report) => metrics.handled(report)));
    this.client = createClient(options.config, options.clientOptions);
    this.services.teacher?.attach(this.client);
    metrics?.attach(this.client);

    this.client.on(Events.InteractionCreate, (interaction) => this.onInteraction(interaction));
    this.client.on(Events.MessageCreate, (message) => {
      const botId = this.client.user?.id;
      if (!this.accepting || !botId) return;
      this.track(handleMention(message, botId, this.services.mentionLimiter, this.logger));
    });
    this.client.on(Events.Error, (error) => this.logger.error({ err: error }, 'discord client error'));
    this.client.on(Events.Warn, (message) => this.logger.warn({ message }, 'discord client warning'));
    this.client.on(Events.ShardReady, () => (this.connected = true));
    this.client.on(Events.ShardDisconnect, (event, shardId) => {
      this.connected = false;
      if (event.code === GATEWAY_AUTHENTICATION_FAILED && this.accepting) {
        this.logger.error({ code: event.code, shardId }, TOKEN_REJECTED_MESSAGE);
        options.onTokenRevoked?.();
        return;
      }
      this.logger.warn({ code: event.code, shardId }, 'gateway disconnected');
    });
    this.client.on(Events.ShardReconnecting, (shardId) => {
      this.connected = false;
      this.logger.info({ shardId }, 'gateway reconnecting');
    });
    this.client.on(Events.ShardResume, (shardId, replayed) => {
      this.connected = true;
      this.logger.info({ shardId, replayed }, 'gateway resumed');
    });
  }

  /** Whether the gateway session is up (ready or resumed, and not disconnected since). */
  get gatewayConnected(): boolean {
    return this.connected && this.client.isReady();
  }

  /** Whether new interactions are taken (false once stopping). */
  get acceptingInteractions(): boolean {
    return this.accepting;
  }

  /** Interactions being handled right now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get commandCount(): number {
    return this.router.modules.length;
  }

  /** Logs in and resolves once the gateway session is ready. */
  async start(token = this.options.config.DISCORD_TOKEN): Promise<void> {
    if (!token) throw new Error('DISCORD_TOKEN is not set');
    // Teacher notes into the search index and the first retention purge, before any question arrives.
    await this.services.teacher?.start();
    const ready = once(this.client, Events.ClientReady);
    try {
      await this.client.login(token);
    } catch (error) {
      throw isTokenRejection(error) ? new TokenRejectedError() : error;
    }
    if (!this.client.isReady()) await ready;
    this.connected = true;
  }

  private onInteraction(interaction: Interaction): void {
    if (!this.accepting) {
      if (interaction.isRepliable()) this.track(send(interaction, { content: MESSAGES.shuttingDown }, { ephemeral: true }));
      else if (interaction.isAutocomplete()) this.track(interaction.respond([]));
      return;
    }
    this.track(this.router.handle(interaction));
  }

  private track(work: Promise<unknown>): void {
    const tracked: Promise<void> = work
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error }, 'unhandled error in an event handler'))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Stops taking interactions, waits for those in flight (up to the grace period), closes everything. Safe to call twice. */
  stop(graceMs = this.options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS): Promise<{ drained: boolean }> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<{ drained: boolean }> {
    this.accepting = false;
    const pending = this.inFlight.size;
    this.logger.info({ inFlight: pending }, 'shutting down: finishing interactions in flight');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const drain = (async () => {
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      return true as const;
    })();
    const drained = await Promise.race([drain, deadline]);
    clearTimeout(timer);
    if (!drained) this.logger.warn({ inFlight: this.inFlight.size, graceMs }, 'shutdown grace period over; closing anyway');
    try {
      await this.client.destroy();
    } catch (error) {
      this.logger.warn({ err: error }, 'error while closing the discord client');
    }
    this.services.teacher?.stop();
    try {
      await this.services.store?.close();
    } catch (error) {
      this.logger.warn({ err: error }, 'error while closing the store');
    }
    this.logger.info({ drained }, 'stopped');
    return { drained };
  }
}

export function createBot(options: BotOptions): Bot {
  return new Bot(options);
}

/** Creates the bot, logs in and waits until it is ready. */
export async function startBot(options: BotOptions): Promise<Bot> {
  const bot = createBot(options);
  try {
    await bot.start();
  } catch (error) {
    bot.services.teacher?.stop();
    await bot.client.destroy().catch(() => undefined);
    throw error;
  }
  return bot;
}
