import type { GuideEngine } from '../bot/services.js';
import type { Answer, AskOptions, Quotation, QuizGrade, StudyQuestion, TeacherNote } from '../engine.js';
import { findSections, type SectionEntry } from '../section-catalogue.js';
import { QuotationFinder, type QuotationSource } from '../tutor/quotations.js';
import type { EnginePool } from './pool.js';
import type { Catalogue } from './protocol.js';

/** A call on an engine the library let go of (a reloaded or unloaded book) after its calls in flight were answered. */
export class EngineReleasedError extends Error {
  constructor() {
    super('This book was just reloaded or unloaded. Please ask again.');
    this.name = 'EngineReleasedError';
  }
}

/**
 * One engine of a pool, behind the API the bot uses. Questions, grading, embeddings and notes go to
 * the workers; the table of contents, section lookups (autocomplete), quotations and study questions
 * are answered here at once, from plain data the first worker sent when the engine opened.
 */
export class PooledEngine implements GuideEngine {
  readonly embedder: Catalogue['embedder'];
  readonly bookTitle: string | undefined;
  private readonly catalogue: Catalogue;
  private readonly quotationFinder: QuotationFinder;
  private readonly sectionByKey: Map<string, SectionEntry>;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private released = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly pool: EnginePool,
    private readonly key: string,
    catalogue: Catalogue,
  ) {
    this.catalogue = catalogue;
    this.embedder = catalogue.embedder;
    this.bookTitle = catalogue.bookTitle;
    this.sectionByKey = new Map();
    for (const entry of catalogue.sections) if (!this.sectionByKey.has(entry.key)) this.sectionByKey.set(entry.key, entry);
    // The guides, as their sections in reading order, give the same quotations as the engine's own finder.
    const guides = new Map<string, QuotationSource>();
    for (const entry of catalogue.sections) {
      let guide = guides.get(entry.source);
      if (!guide) guides.set(entry.source, (guide = { title: entry.guide, sections: [] }));
      guide.sections.push(entry);
    }
    this.quotationFinder = new QuotationFinder([...guides.values()]);
  }

  async ask(question: unknown, options: AskOptions = {}): Promise<Answer> {
    // A function cannot be sent to a worker thread; `exclude` says the same as data.
    if (options.skip) throw new TypeError('AskOptions.skip (a function) cannot reach an engine worker: use `exclude`');
    return (await this.run(() => this.pool.call(this.key, 'ask', [question, options]))) as Answer;
  }

  async gradeAnswer(questionId: string, studentAnswer: unknown): Promise<QuizGrade> {
    return (await this.run(() => this.pool.call(this.key, 'gradeAnswer', [questionId, studentAnswer]))) as QuizGrade;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return (await this.run(() => this.pool.call(this.key, 'embed', [texts]))) as Float32Array[];
  }

  addNote(note: TeacherNote): Promise<void> {
    return this.run(() => this.pool.addNote(this.key, note));
  }

  removeNote(id: string): Promise<boolean> {
    return this.run(() => this.pool.removeNote(this.key, id));
  }

  /**
   * Lets the workers drop this engine, once the calls in flight are answered. A call made in the same
   * turn of the event loop as close() (the bot had just been handed this engine) still runs; later
   * calls fail with EngineReleasedError.
   */
  close(): Promise<void> {
    this.pool.retire(this.key);
    this.closing ??= (async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.released = true;
      await this.pool.release(this.key);
    })();
    return this.closing;
  }

  private async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.released) throw new EngineReleasedError();
    this.inFlight += 1;
    try {
      return await call();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  stats(): Catalogue['stats'] {
    return { ...this.catalogue.stats, notes: this.pool.noteCount(this.key) };
  }

  sections(): SectionEntry[] {
    return this.catalogue.sections;
  }

  section(key: string): SectionEntry | undefined {
    return this.sectionByKey.get(key);
  }

  findSections(typed: string, limit = 25): SectionEntry[] {
    return findSections(this.catalogue.sections, typed, limit);
  }

  quotations(): Quotation[] {
    return this.catalogue.quotations;
  }

  findQuote(topic?: string): Quotation | undefined {
    return this.quotationFinder.find(topic);
  }

  studyQuestions(): StudyQuestion[] {
    return this.catalogue.studyQuestions;
  }
}
