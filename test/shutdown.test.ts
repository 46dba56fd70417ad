import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { DUPLICATE_SIGNAL_MS, installShutdown } from '../src/shutdown.js';

function setup(drain: () => Promise<void> = () => new Promise(() => undefined)) {
  const target = new EventEmitter();
  const exits: number[] = [];
  let clock = 0;
  const shutdown = installShutdown({ logger: createLogger('silent'), drain, exit: (code) => exits.push(code), target, now: () => clock });
  return { target, exits, shutdown, advance: (ms: number) => (clock += ms) };
}

describe('installShutdown', () => {
  it('drains once for a signal delivered several times at once (npm forwarding, a process group)', async () => {
    let drains = 0;
    let finish!: () => void;
    const { target, exits, advance } = setup(() => {
      drains += 1;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    target.emit('SIGINT');
    target.emit('SIGINT');
    advance(10);
    target.emit('SIGTERM');
    expect(drains).toBe(1);
    expect(exits).toEqual([]);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([0]);
  });

  it('a second deliberate signal does not cut the drain short; the third exits at once with 1', () => {
    const { target, exits, advance } = setup();
    target.emit('SIGTERM');
    advance(DUPLICATE_SIGNAL_MS + 1);
    target.emit('SIGTERM');
    expect(exits).toEqual([]);
    advance(DUPLICATE_SIGNAL_MS - 1);
    target.emit('SIGTERM');
    expect(exits).toEqual([]);
    advance(2);
    target.emit('SIGINT');
    expect(exits).toEqual([1]);
  });

  it('exits with 1 when the drain fails, and stop() runs the drain only once', async () => {
    const { shutdown, exits } = setup(() => Promise.reject(new Error('close failed')));
    const first = shutdown.stop(0, 'test');
    expect(shutdown.stop(0, 'again')).toBe(first);
    await first;
    expect(exits).toEqual([1]);
  });
});
