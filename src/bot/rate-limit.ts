import { RATE_LIMIT_TRACKED_USERS_MAX } from './limits.js';

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAt: number; retryAfterMs: number; limit: number; windowMs: number };

export interface RateLimiter {
  /** Counts one action for `key` if allowed. */
  take(key: string, now?: number): RateDecision;
}

export interface SlidingWindowOptions {
  limit: number;
  windowMs: number;
  /** Most keys tracked at once; the least recently active are forgotten first. */
  maxKeys?: number;
}

/**
 * A sliding-window limiter: at most `limit` actions in any `windowMs`. Memory is bounded: each key
 * keeps at most `limit` timestamps and at most `maxKeys` keys are tracked (oldest activity evicted).
 */
export class SlidingWindowRateLimiter implements RateLimiter {
  private readonly hits = new Map<string, number[]>();
  readonly limit: number;
  readonly windowMs: number;
  private readonly maxKeys: number;

  constructor(options: SlidingWindowOptions) {
    if (!(options.limit >= 1) || !(options.windowMs > 0)) throw new Error('rate limit needs limit >= 1 and windowMs > 0');
    this.limit = Math.floor(options.limit);
    this.windowMs = options.windowMs;
    this.maxKeys = options.maxKeys ?? RATE_LIMIT_TRACKED_USERS_MAX;
  }

  take(key: string, now = Date.now()): RateDecision {
    const recent = (this.hits.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (recent.length >= this.limit) {
      const retryAt = recent[0]! + this.windowMs;
      this.touch(key, recent);
      return { allowed: false, retryAt, retryAfterMs: Math.max(0, retryAt - now), limit: this.limit, windowMs: this.windowMs };
    }
    recent.push(now);
    this.touch(key, recent);
    return { allowed: true, remaining: this.limit - recent.length };
  }

  /** Number of keys currently tracked (for tests and stats). */
  get size(): number {
    return this.hits.size;
  }

  private touch(key: string, recent: number[]): void {
    // Re-inserting moves the key to the end, so the Map's order is least recently active first.
    this.hits.delete(key);
    this.hits.set(key, recent);
    while (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value as string;
      this.hits.delete(oldest);
    }
  }
}

/** A polite notice for someone who is over the limit; `<t:…:R>` renders as "in 12 seconds" in their own time zone. */
export function rateLimitNotice(decision: Extract<RateDecision, { allowed: false }>, what = 'questions'): string {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  const windowSeconds = Math.round(decision.windowMs / 1000);
  return `You've asked ${decision.limit} ${what} in the last ${windowSeconds} seconds, which is as many as I can take at once. You can ask again <t:${Math.ceil(decision.retryAt / 1000)}:R> (in about ${seconds} second${seconds === 1 ? '' : 's'}).`;
}
