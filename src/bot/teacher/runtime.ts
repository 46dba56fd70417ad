import type { Client } from 'discord.js';
import type { Engine, PassageExclusion, TeacherNote } from '../../engine.js';
import type { BookPart } from '../../guide/spoilers.js';
import type { Logger } from '../../log.js';
import { dot } from '../../search/answer.js';
import { questionTokens, tokenSetSimilarity, type Note, type PurgeResult, type SimilarityFn, type Store } from '../../store/index.js';
import type { ClusterEvents } from '../../sharding/events.js';
import { readerPartOf } from './spoilers.js';

/** What of the engine the teacher features use; notes and embeddings are optional (a stub engine may lack them). */
export type TeacherEngine = Partial<Pick<Engine, 'ask' | 'addNote' | 'embed'>> & {
  /** A worker pool removes a note from every worker, so it answers later. */
  removeNote?: (id: string) => boolean | Promise<boolean>;
  embedder?: Pick<Engine['embedder'], 'profile'>;
};

/** What of the guide library the notes need: each server's own book engines, and word when one opens. */
export interface NoteLibrary {
  ownEngines(guildId: string): TeacherEngine[];
  onEngineOpened(listener: (guildId: string, engine: TeacherEngine) => Promise<void>): () => void;
}

export interface TeacherRuntimeOptions {
  store: Store;
  engine: TeacherEngine;
  logger: Logger;
  /** Logged questions older than this are deleted (RETENTION_DAYS). */
  retentionDays: number;
  /** How often the retention purge runs after the one at start-up (default hourly). */
  retentionIntervalMs?: number;
  /** Where note changes are told to the other processes (shards) and heard from them; unset: this process only. */
  events?: ClusterEvents;
  /** The servers' own books: a server's notes are indexed in its own book engines too (and only in its own). */
  library?: NoteLibrary;
}

/** The most notes of one server added to one of its book engines as it opens (the most `/notes` lists). */
export const MAX_NOTES_PER_ENGINE = 1000;

export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** A user's last quiz question is forgotten after this long without a /quiz. */
export const QUIZ_MEMORY_KEEP_MS = 30 * 24 * 60 * 60 * 1000;
/** Open gaps compared with a new unanswered question (the most recently asked). */
export const GAP_CANDIDATES = 500;
/**
 * Vectors of gap questions kept between unanswered questions, so that each one embeds only itself
 * rather than every open gap again (the open gaps change by one question at a time).
 */
const GAP_VECTORS_KEPT = 5000;
/** recordGap joins a question to an open gap at or above this similarity. */
export const GAP_SIMILARITY_THRESHOLD = 0.85;

const NOTE_ID_PREFIX = 'teacher-note-';
/** The engine's NOTE_SOURCE, the `source` of every teacher-note passage (not imported: engine.ts loads the model runtime). */
export const NOTE_PASSAGE_SOURCE = 'teacher-notes';

/** The engine id of a stored note: it names the server, so other servers' notes can be left out of answers. */
export function noteEngineId(note: Pick<Note, 'guildId' | 'id'>): string {
  return `${NOTE_ID_PREFIX}${note.guildId}-${note.id}`;
}

export function toTeacherNote(note: Note): TeacherNote {
  return {
    id: noteEngineId(note),
    authorName: note.authorName || 'a teacher',
    createdAt: new Date(note.createdAt),
    text: note.text,
    ...(note.question ? { question: note.question } : {}),
  };
}

/**
 * The state the teacher features share: the store, the engine's note index, the Discord client (to
 * post in the review queue and send direct messages), and the retention job.
 */
export class TeacherRuntime {
  readonly store: Store;
  readonly engine: TeacherEngine;
  readonly logger: Logger;
  readonly retentionDays: number;
  private readonly retentionIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private unsubscribe: (() => void) | undefined;
  readonly events: ClusterEvents | undefined;
  private readonly library: NoteLibrary | undefined;
  /** Gap questions' vectors by text, oldest first (the engine's model is fixed for the process, so a vector never goes stale). */
  private readonly gapVectors = new Map<string, Promise<Float32Array>>();
  private stopWatchingEngines: (() => void) | undefined;
  client: Client | undefined;

  constructor(options: TeacherRuntimeOptions) {
    this.store = options.store;
    this.engine = options.engine;
    this.logger = options.logger.child({ component: 'teacher' });
    this.retentionDays = options.retentionDays;
    this.retentionIntervalMs = options.retentionIntervalMs ?? RETENTION_INTERVAL_MS;
    this.events = options.events;
    this.library = options.library;
    // From construction on: an own book engine opened before start() gets its notes too.
    this.stopWatchingEngines = this.library?.onEngineOpened((guildId, engine) => this.indexGuildNotes(guildId, engine));
  }

  /** Adds a server's stored notes to one of its own book engines (opened, reopened after eviction, rebuilt after a change). */
  private async indexGuildNotes(guildId: string, engine: TeacherEngine): Promise<void> {
    if (!engine.addNote) return;
    const notes = await this.store.notes.list(guildId, { limit: MAX_NOTES_PER_ENGINE });
    for (const note of notes) await engine.addNote(toTeacherNote(note));
    // A note edited or deleted between the read and the adds was applied to this engine before it held
    // the note (the engine is reachable through ownEngines() from before the read): read again and catch up.
    const now = new Map((await this.store.notes.list(guildId, { limit: MAX_NOTES_PER_ENGINE })).map((note) => [note.id, note]));
    for (const note of notes) {
      const current = now.get(note.id);
      if (!current) await engine.removeNote?.(noteEngineId(note));
      else if (current.updatedAt !== note.updatedAt || current.text !== note.text || current.question !== note.question) await engine.addNote(toTeacherNote(current));
    }
    if (notes.length > 0) this.logger.debug({ guildId, notes: notes.length }, 'teacher notes indexed in a book of the server');
  }

  /** The engines a note of `guildId` belongs in: the shared one (other servers' answers leave it out) and the server's own books. */
  private enginesFor(guildId: string): TeacherEngine[] {
    return [this.engine, ...(this.library?.ownEngines(guildId) ?? [])];
  }

  attach(client: Client): void {
    this.client = client;
  }

  /** At start-up: every stored note into the engine, a first retention purge, then the hourly purge. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    // Listen first: a note another shard writes while this one indexes is not missed.
    this.unsubscribe = this.events?.subscribe((change) => (change.kind === 'note' && change.origin !== this.events?.origin ? this.applyNoteChange(change.guildId, change.subjectId) : undefined));
    await this.indexAllNotes();
    const housekeeping = async () => {
      await this.purge();
      await this.pruneSharedState();
    };
    await housekeeping();
    this.timer = setInterval(() => void housekeeping(), this.retentionIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.stopWatchingEngines?.();
    this.stopWatchingEngines = undefined;
  }

  /** Forgets old quiz memories. Never throws. */
  async pruneSharedState(now = Date.now()): Promise<void> {
    try {
      await this.store.quiz.purge(now - QUIZ_MEMORY_KEEP_MS);
    } catch (error) {
      this.logger.error({ err: error }, 'could not prune quiz memories');
    }
  }

  /** Another process changed note `noteId`: index it as it is stored now, or drop it if it was deleted. */
  private async applyNoteChange(guildId: string, noteId: number): Promise<void> {
    try {
      const note = await this.store.notes.get(noteId);
      for (const engine of this.enginesFor(guildId)) {
        if (note && note.guildId === guildId) await engine.addNote?.(toTeacherNote(note));
        else await engine.removeNote?.(noteEngineId({ guildId, id: noteId }));
      }
      this.logger.info({ noteId, guildId, indexed: note !== null }, 'teacher note changed on another shard');
    } catch (error) {
      this.logger.error({ err: error, noteId }, 'could not apply a teacher note changed on another shard');
    }
  }

  /** Tells the other processes a note changed. Never throws: they also index every note when they start. */
  private async announceNote(note: Pick<Note, 'guildId' | 'id'>): Promise<void> {
    try {
      await this.events?.publish({ kind: 'note', guildId: note.guildId, subjectId: note.id });
    } catch (error) {
      this.logger.error({ err: error, noteId: note.id }, 'could not tell the other shards about a changed note');
    }
  }

  /** Deletes logged questions (and their votes) older than RETENTION_DAYS. Never throws. */
  async purge(now = Date.now()): Promise<PurgeResult | undefined> {
    try {
      const result = await this.store.privacy.purgeOlderThan(this.retentionDays, now);
      if (result.total > 0) this.logger.info({ ...result, retentionDays: this.retentionDays }, 'retention: old log rows deleted');
      return result;
    } catch (error) {
      this.logger.error({ err: error }, 'retention purge failed');
      return undefined;
    }
  }

  async indexAllNotes(): Promise<number> {
    if (!this.engine.addNote) return 0;
    let count = 0;
    for (const note of await this.store.notes.all()) {
      try {
        await this.engine.addNote(toTeacherNote(note));
        count += 1;
      } catch (error) {
        this.logger.error({ err: error, noteId: note.id }, 'could not index a teacher note');
      }
    }
    if (count > 0) this.logger.info({ notes: count }, 'teacher notes indexed');
    return count;
  }

  /** Adds (or replaces) a note in the indexes of the shared engine and the server's loaded own books at once, then tells the other shards. */
  async indexNote(note: Note): Promise<void> {
    if (!this.engine.addNote) throw new Error('this engine cannot index teacher notes');
    for (const engine of this.enginesFor(note.guildId)) await engine.addNote?.(toTeacherNote(note));
    await this.announceNote(note);
  }

  /** Drops a note from every engine that holds it, then tells the other shards (without waiting for them). */
  async unindexNote(note: Pick<Note, 'guildId' | 'id'>): Promise<boolean> {
    let removed = false;
    for (const engine of this.enginesFor(note.guildId)) removed = ((await engine.removeNote?.(noteEngineId(note))) ?? false) || removed;
    void this.announceNote(note);
    return removed;
  }

  /** Leaves other servers' teacher notes out of this server's answers (plain data: it reaches the engine's worker threads). */
  exclusionsFor(guildId: string | null): PassageExclusion[] {
    return [{ source: NOTE_PASSAGE_SOURCE, ...(guildId ? { exceptIdPrefix: `${NOTE_ID_PREFIX}${guildId}-` } : {}) }];
  }

  /** How far a student has read, as a book part (`none` when they have not said). */
  async readerPart(guildId: string, userId: string): Promise<{ part: BookPart; set: boolean }> {
    const progress = await this.store.progress.get(guildId, userId);
    return { part: readerPartOf(progress?.progress), set: progress !== null };
  }

  /**
   * A similarity for grouping unanswered questions: word overlap, or the embedding cosine when it
   * is high for this model and the questions share a word. (Averaged word vectors rate any two
   * questions of the same shape as close, "What is the capital of France?" and "… of Germany?", so
   * cosine alone is not enough.)
   */
  async gapSimilarity(guildId: string, question: string): Promise<SimilarityFn> {
    const open = await this.store.gaps.openQuestions(guildId, GAP_CANDIDATES);
    const embed = this.engine.embed?.bind(this.engine);
    if (!embed || open.length === 0) return combinedSimilarity(new Map(), 1);
    const byText = await this.vectorsOf([question, ...open.map((gap) => gap.question)], embed);
    const high = this.engine.embedder?.profile.cosine.high ?? 0.75;
    return combinedSimilarity(byText, high + (1 - high) * 0.4);
  }

  /**
   * The engine's vectors of these texts, embedding only those not kept from an earlier call or being embedded
   * for a concurrent one (a burst of unanswered questions all see the same new gaps). A text whose embedding
   * failed is forgotten, so the next call tries again.
   */
  private async vectorsOf(texts: string[], embed: (texts: string[]) => Promise<Float32Array[]>): Promise<Map<string, Float32Array>> {
    const missing = [...new Set(texts.filter((text) => !this.gapVectors.has(text)))];
    if (missing.length > 0) {
      const batch = embed(missing);
      missing.forEach((text, i) => {
        const vector = batch.then((vectors) => vectors[i]!);
        vector.catch(() => this.gapVectors.get(text) === vector && this.gapVectors.delete(text));
        this.gapVectors.set(text, vector);
      });
      for (const oldest of this.gapVectors.keys()) {
        if (this.gapVectors.size <= GAP_VECTORS_KEPT) break;
        this.gapVectors.delete(oldest);
      }
    }
    const byText = new Map<string, Float32Array>();
    for (const text of texts) {
      const vector = this.gapVectors.get(text);
      if (vector) byText.set(text, await vector);
    }
    return byText;
  }
}

export function combinedSimilarity(vectors: ReadonlyMap<string, Float32Array>, cosineThreshold: number): SimilarityFn {
  // One question is compared with hundreds of gaps: tokenize each text once.
  const tokens = new Map<string, ReadonlySet<string>>();
  const tokensOf = (text: string) => {
    let set = tokens.get(text);
    if (!set) tokens.set(text, (set = questionTokens(text)));
    return set;
  };
  return (a, b) => {
    const words = tokenSetSimilarity(tokensOf(a), tokensOf(b));
    if (words >= 0.5) return 0.9 + 0.1 * words;
    const va = vectors.get(a);
    const vb = vectors.get(b);
    if (words === 0 || !va || !vb) return words;
    const cosine = dot(va, vb);
    // Rescale so that the model's "clearly the same question" cosine lands on the threshold.
    return cosine >= cosineThreshold ? GAP_SIMILARITY_THRESHOLD + (1 - GAP_SIMILARITY_THRESHOLD) * ((cosine - cosineThreshold) / (1 - cosineThreshold || 1)) : words;
  };
}
