import type { StudyQuestion } from '../engine.js';
import { shortId } from '../section-lookup.js';

/** Where each user's last quiz question is kept across restarts and shards (the store). */
export interface QuizMemory {
  last(userId: string): string | null | Promise<string | null>;
  setLast(userId: string, questionId: string): void | Promise<void>;
}

/** Users whose last question is remembered in memory, when there is no store. */
export const QUIZ_MEMORY_MAX = 10_000;

/** Study questions by a short, stable id (the engine's ids are too long for a custom id). */
export class StudyQuestionLookup {
  private readonly byShortId = new Map<string, StudyQuestion>();
  private readonly list: StudyQuestion[];
  private readonly lastAsked = new Map<string, string>();

  constructor(
    source: { studyQuestions(): StudyQuestion[] },
    private readonly memory?: QuizMemory,
  ) {
    this.list = source.studyQuestions();
    for (const question of this.list) this.byShortId.set(shortId(question.id), question);
  }

  get size(): number {
    return this.list.length;
  }

  idOf(question: StudyQuestion): string {
    return shortId(question.id);
  }

  get(id: string): StudyQuestion | undefined {
    return this.byShortId.get(id);
  }

  /** A random question, not the one this user was given last time (when there is a choice). */
  async pick(userId: string, random: () => number = Math.random): Promise<StudyQuestion | undefined> {
    if (this.list.length === 0) return undefined;
    const last = this.memory ? await this.memory.last(userId) : this.lastAsked.get(userId);
    const choices = this.list.length > 1 ? this.list.filter((question) => question.id !== last) : this.list;
    const question = choices[Math.floor(random() * choices.length)] ?? choices[0]!;
    if (this.memory) {
      await this.memory.setLast(userId, question.id);
      return question;
    }
    this.lastAsked.delete(userId);
    this.lastAsked.set(userId, question.id);
    if (this.lastAsked.size > QUIZ_MEMORY_MAX) this.lastAsked.delete(this.lastAsked.keys().next().value as string);
    return question;
  }
}
