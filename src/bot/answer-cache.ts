import type { LoggedQuestion } from '../store/index.js';
import { ANSWER_CACHE_MAX } from './limits.js';

/** Where answers given in a server are stored: the question log, by answer id. */
export interface AnswerLog {
  findByAnswerId(answerId: string): LoggedQuestion | null | Promise<LoggedQuestion | null>;
}

const ANSWER_ID = /^\d{17,20}$/;

/** What "More passages" needs to continue an answer. */
export interface CachedAnswer {
  question: string;
  userId: string;
  guildId: string | null;
  createdAt: number;
  /** The book it was answered from, when the server has several. */
  book?: string;
}

/**
 * Recent answers by answer id, for "More passages": a small LRU in front of the question log. Every
 * answer given in a server is logged with its answer id, so its buttons work after a restart and
 * on any shard (`find` reads the log when the LRU has no entry). Answers in direct messages are not
 * logged: theirs live in this process's LRU only (direct messages always reach shard 0).
 */
export class AnswerCache {
  private readonly entries = new Map<string, CachedAnswer>();

  constructor(
    private readonly max = ANSWER_CACHE_MAX,
    private readonly log?: AnswerLog,
  ) {}

  /** The answer from the LRU, else from the question log. */
  async find(id: string): Promise<CachedAnswer | undefined> {
    const cached = this.get(id);
    if (cached || !this.log || !ANSWER_ID.test(id)) return cached;
    const row = await this.log.findByAnswerId(id);
    if (!row) return undefined;
    const answer = { question: row.question, userId: row.userId, guildId: row.guildId, createdAt: row.createdAt };
    this.set(id, answer);
    return answer;
  }

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
