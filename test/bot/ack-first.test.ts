import type { BaseInteraction } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { acknowledgementSettled, acknowledgementsFirst, acknowledgementsPending, awaitingAcknowledgement } from '../../src/bot/ack-first.js';

const interaction = () => ({}) as BaseInteraction;

describe('acknowledgements before answers', () => {
  afterEach(() => vi.useRealTimers());

  it('lets an answer through at once when nothing waits for an acknowledgement', async () => {
    expect(acknowledgementsPending()).toBe(0);
    let through = false;
    void acknowledgementsFirst().then(() => (through = true));
    await Promise.resolve();
    expect(through).toBe(true);
  });

  it('holds answers until every waiting interaction is acknowledged, counting each interaction once', async () => {
    const [a, b] = [interaction(), interaction()];
    awaitingAcknowledgement(a);
    awaitingAcknowledgement(a);
    awaitingAcknowledgement(b);
    expect(acknowledgementsPending()).toBe(2);
    let through = false;
    void acknowledgementsFirst(60_000).then(() => (through = true));
    acknowledgementSettled(a);
    acknowledgementSettled(a);
    await new Promise((resolve) => setImmediate(resolve));
    expect(through).toBe(false);
    expect(acknowledgementsPending()).toBe(1);
    acknowledgementSettled(b);
    await new Promise((resolve) => setImmediate(resolve));
    expect(through).toBe(true);
    expect(acknowledgementsPending()).toBe(0);
  });

  it('never holds an answer longer than its limit, even if an acknowledgement never settles', async () => {
    vi.useFakeTimers();
    const stuck = interaction();
    awaitingAcknowledgement(stuck);
    let through = false;
    void acknowledgementsFirst(500).then(() => (through = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(through).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(through).toBe(true);
    acknowledgementSettled(stuck);
    expect(acknowledgementsPending()).toBe(0);
  });
});
