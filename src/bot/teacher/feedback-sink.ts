import type { Logger } from '../../log.js';
import type { Store } from '../../store/index.js';
import type { FeedbackEntry, FeedbackResult, FeedbackSink } from '../feedback.js';

/**
 * Helpful / Not helpful votes in SQLite, keyed by the logged question (found by the answer id the
 * buttons carry, so votes work after a restart). One vote per user per answer; voting again
 * changes it. Every answer given in a server is logged before it is shown, so its buttons always
 * find their row. Answers that are not in the log (given in direct messages, or whose question was
 * deleted since) cannot hold a vote: it is not kept, and the voter is told so.
 */
export class SqliteFeedbackSink implements FeedbackSink {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  async record(entry: FeedbackEntry): Promise<FeedbackResult> {
    const row = entry.guildId ? await this.store.log.findByAnswerId(entry.answerId) : null;
    if (!row || row.guildId !== entry.guildId) {
      this.logger.debug({ answerId: entry.answerId, guildId: entry.guildId }, 'vote on an answer that is not logged; not kept');
      return 'not-kept';
    }
    const result = await this.store.feedback.vote(row.id, entry.userId, entry.helpful, entry.at);
    return result === 'created' ? 'recorded' : result === 'updated' ? 'changed' : 'unchanged';
  }
}
