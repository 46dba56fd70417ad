import { ANSWER_CACHE_MAX } from './limits.js';

/** What "More passages" needs to continue an answer. */
export interface CachedAnswer {
  question: string;
  userId: string;
  guildId: string | null;
  createdAt: number;
  /** The book it was answered from, when the server has several. */
  book?: string;
}

/** A small LRU of recent answers, keyed by answer id. Lost on restart: buttons then say the answer expired. */
export class AnswerCache {
  private readonly entries = new Map<string, CachedAnswer>();

  constructor(private readonly max = ANSWER_CACHE_MAX) {}

  set(id: string, answer: CachedAnswer): void {
    this.entries.delete(id);
    this.entries.set(id, answer);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }

  get(id: string): CachedAnswer | undefined {
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}
