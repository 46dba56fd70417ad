import { describe, expect, it } from 'vitest';
import { rateLimitNotice, SlidingWindowRateLimiter } from '../../src/bot/rate-limit.js';

describe('SlidingWindowRateLimiter', () => {
  it('allows `limit` actions in any window and says when the next one is allowed', () => {
    const limiter = new SlidingWindowRateLimiter({ limit: 3, windowMs: 30_000 });
    expect(limiter.take('u', 0)).toEqual({ allowed: true, remaining: 2 });
    expect(limiter.take('u', 10_000).allowed).toBe(true);
    expect(limiter.take('u', 20_000).allowed).toBe(true);
    const refused = limiter.take('u', 25_000);
    expect(refused).toEqual({ allowed: false, retryAt: 30_000, retryAfterMs: 5_000, limit: 3, windowMs: 30_000 });
    // Sliding, not fixed: at 30 s the first action leaves the window, the others still count.
    expect(limiter.take('u', 30_000).allowed).toBe(true);
    expect(limiter.take('u', 30_001).allowed).toBe(false);
    expect(limiter.take('u', 40_000).allowed).toBe(true);
  });

  it('refused attempts do not count', () => {
    const limiter = new SlidingWindowRateLimiter({ limit: 1, windowMs: 1000 });
    expect(limiter.take('u', 0).allowed).toBe(true);
    for (let t = 1; t < 1000; t += 100) expect(limiter.take('u', t).allowed).toBe(false);
    expect(limiter.take('u', 1000).allowed).toBe(true);
  });

  it('keeps users apart', () => {
    const limiter = new SlidingWindowRateLimiter({ limit: 1, windowMs: 1000 });
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('b', 0).allowed).toBe(true);
    expect(limiter.take('a', 1).allowed).toBe(false);
  });

  it('is memory-bounded: at most maxKeys users, the least recently active forgotten first', () => {
    const limiter = new SlidingWindowRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) limiter.take(`user${i}`, i);
    expect(limiter.size).toBe(100);
    expect(limiter.take('user9999', 10_001).allowed).toBe(false);
    expect(limiter.take('user0', 10_001).allowed).toBe(true);
  });

  it('the notice says how many, over what window, and when (as a Discord relative timestamp)', () => {
    const limiter = new SlidingWindowRateLimiter({ limit: 5, windowMs: 30_000 });
    for (let i = 0; i < 5; i++) limiter.take('u', 1_700_000_000_000 + i);
    const refused = limiter.take('u', 1_700_000_012_000);
    if (refused.allowed) throw new Error('expected a refusal');
    expect(rateLimitNotice(refused)).toBe("You've asked 5 questions in the last 30 seconds, which is as many as I can take at once. You can ask again <t:1700000030:R> (in about 18 seconds).");
  });
});
