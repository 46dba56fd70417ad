import { FEEDBACK_MEMORY_MAX } from './limits.js';

/** One Helpful / Not helpful vote on an answer. */
export interface FeedbackEntry {
  /** The id of the answer (the interaction id of the `/ask` that produced it). */
  answerId: string;
  userId: string;
  helpful: boolean;
  guildId: string | null;
  /** The question, when the answer is still remembered. */
  question?: string;
  at: number;
}

/** `not-kept`: the vote could not be stored (the answer is not in the question log), and the voter must be told. */
export type FeedbackResult = 'recorded' | 'changed' | 'unchanged' | 'not-kept';

/** Where votes go. The in-memory sink below is the default; a SQLite sink can replace it. */
export interface FeedbackSink {
  record(entry: FeedbackEntry): FeedbackResult | Promise<FeedbackResult>;
}

/** Keeps the latest vote per (answer, user), at most `max` of them (oldest forgotten first). */
export class MemoryFeedbackSink implements FeedbackSink {
  private readonly votes = new Map<string, FeedbackEntry>();

  constructor(private readonly max = FEEDBACK_MEMORY_MAX) {}

  record(entry: FeedbackEntry): FeedbackResult {
    const key = `${entry.answerId}:${entry.userId}`;
    const previous = this.votes.get(key);
    this.votes.delete(key);
    this.votes.set(key, entry);
    while (this.votes.size > this.max) this.votes.delete(this.votes.keys().next().value as string);
    if (!previous) return 'recorded';
    return previous.helpful === entry.helpful ? 'unchanged' : 'changed';
  }

  /** Every remembered vote, oldest first. */
  entries(): FeedbackEntry[] {
    return [...this.votes.values()];
  }
}
