import type { StudyQuestion } from '../engine.js';
import { shortId } from '../section-lookup.js';

/** Study questions by a short, stable id (the engine's ids are too long for a custom id). */
export class StudyQuestionLookup {
  private readonly byShortId = new Map<string, StudyQuestion>();
  private readonly list: StudyQuestion[];
  private readonly lastAsked = new Map<string, string>();

  constructor(source: { studyQuestions(): StudyQuestion[] }) {
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
  pick(userId: string, random: () => number = Math.random): StudyQuestion | undefined {
    if (this.list.length === 0) return undefined;
    const last = this.lastAsked.get(userId);
    const choices = this.list.length > 1 ? this.list.filter((question) => question.id !== last) : this.list;
    const question = choices[Math.floor(random() * choices.length)] ?? choices[0]!;
    this.lastAsked.delete(userId);
    this.lastAsked.set(userId, question.id);
    if (this.lastAsked.size > 10_000) this.lastAsked.delete(this.lastAsked.keys().next().value as string);
    return question;
  }
}
