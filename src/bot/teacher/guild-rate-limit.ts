import type { Logger } from '../../log.js';
import type { Store } from '../../store/index.js';
import { SlidingWindowRateLimiter, type RateLimiter } from '../rate-limit.js';
import { interactionSettings } from './interaction-settings.js';

/**
 * One sliding-window limiter per server, with that server's limit (`/config limits`, falling back to
 * RATE_LIMIT_PER_USER / RATE_LIMIT_WINDOW_SECONDS). The setting is read on every question (one
 * indexed SQLite read), so a change applies at once; a server's history restarts when its limit changes.
 */
export class GuildRateLimiters {
  private readonly limiters = new Map<string, { limit: number; windowMs: number; limiter: SlidingWindowRateLimiter }>();

  constructor(
    private readonly store: Store,
    private readonly fallback: RateLimiter,
    private readonly logger?: Logger,
  ) {}

  /** The limiter for questions asked in this server (the default one outside servers); with the interaction, the settings its other checks read. */
  async for(guildId: string | null, interaction?: object): Promise<RateLimiter> {
    if (!guildId) return this.fallback;
    let limit: number;
    let windowMs: number;
    try {
      const settings = await interactionSettings(this.store, interaction, guildId);
      limit = settings.rateLimitPerUser;
      windowMs = settings.rateLimitWindowSeconds * 1000;
    } catch (error) {
      this.logger?.warn({ err: error, guildId }, 'could not read the server rate limit; using the default');
      return this.fallback;
    }
    const current = this.limiters.get(guildId);
    if (current && current.limit === limit && current.windowMs === windowMs) return current.limiter;
    const limiter = new SlidingWindowRateLimiter({ limit, windowMs });
    this.limiters.set(guildId, { limit, windowMs, limiter });
    return limiter;
  }
}
