import type { Logger } from '../../log.js';
import type { Store } from '../../store/index.js';
import { MemoryFeedbackSink, type FeedbackEntry, type FeedbackResult, type FeedbackSink } from '../feedback.js';

/** How long a vote waits for its question to be logged (the log is written just after the answer is shown). */
export const VOTE_WAIT_MS = 2000;
const POLL_MS = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When a Discord id (here: the /ask interaction id) was created, in ms since 1970. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + 1_420_070_400_000n);
}

/**
 * Helpful / Not helpful votes in SQLite, keyed by the logged question (found by the answer id the
 * buttons carry, so votes work after a restart). One vote per user per answer; voting again
 * changes it. Answers that were never logged (asked in direct messages) fall back to memory.
 */
export class SqliteFeedbackSink implements FeedbackSink {
  private readonly fallback = new MemoryFeedbackSink();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly waitMs = VOTE_WAIT_MS,
  ) {}

  async record(entry: FeedbackEntry): Promise<FeedbackResult> {
    const logId = entry.guildId ? await this.logIdOf(entry.answerId) : undefined;
    if (logId === undefined) {
      this.logger.debug({ answerId: entry.answerId }, 'vote on an answer that is not logged; kept in memory');
      return this.fallback.record(entry);
    }
    const result = this.store.feedback.vote(logId, entry.userId, entry.helpful, entry.at);
    return result === 'created' ? 'recorded' : result === 'updated' ? 'changed' : 'unchanged';
  }

  private async logIdOf(answerId: string): Promise<number | undefined> {
    // Only a fresh answer may still be on its way into the log; an old one was deleted (or never logged).
    const fresh = Date.now() - snowflakeTime(answerId) < 60_000;
    const deadline = Date.now() + (fresh ? this.waitMs : 0);
    for (;;) {
      const row = this.store.log.findByAnswerId(answerId);
      if (row) return row.id;
      if (Date.now() >= deadline) return undefined;
      await sleep(POLL_MS);
    }
  }
}
