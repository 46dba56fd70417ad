import type { BaseInteraction } from 'discord.js';

/**
 * Acknowledgements before answers. Under a burst, the interactions arrive faster than the event loop
 * can both acknowledge them and send the answers that come back from the engine; in arrival order,
 * the later acknowledgements would wait behind earlier answers and miss Discord's 3 seconds. So the
 * work that follows an answer (rendering, storing, sending) first waits until no interaction of this
 * process is waiting for its acknowledgement — or at most ANSWER_HOLD_MAX_MS, so answers never starve.
 *
 * One queue per process (per thread): the event loop it protects is the process's, whichever bot
 * client in it received the interaction.
 */

/** The longest an answer is held back for acknowledgements still being sent. */
export const ANSWER_HOLD_MAX_MS = 1000;

const waiting = new WeakSet<BaseInteraction>();
let count = 0;
let clear: Array<() => void> = [];

/** Counts an interaction as waiting for its acknowledgement (the router calls it on arrival). */
export function awaitingAcknowledgement(interaction: BaseInteraction): void {
  if (waiting.has(interaction)) return;
  waiting.add(interaction);
  count += 1;
}

/** The interaction's acknowledgement was sent and answered, or its handler ended without one. Idempotent. */
export function acknowledgementSettled(interaction: BaseInteraction): void {
  if (!waiting.delete(interaction)) return;
  count -= 1;
  if (count > 0) return;
  const resolvers = clear;
  clear = [];
  for (const resolve of resolvers) resolve();
}

/** How many interactions of this process wait for their acknowledgement. */
export function acknowledgementsPending(): number {
  return count;
}

/** Resolves once no interaction waits for its acknowledgement, or after `maxMs`. */
export function acknowledgementsFirst(maxMs = ANSWER_HOLD_MAX_MS): Promise<void> {
  if (count === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      clear = clear.filter((entry) => entry !== done);
      resolve();
    }, maxMs);
    clear.push(done);
  });
}
