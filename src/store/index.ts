import { AsyncLocalStorage } from 'node:async_hooks';
import { openDatabase, type Database, type OpenOptions } from './db.js';
import * as changes from './changes.js';
import * as exporter from './export.js';
import * as feedback from './feedback.js';
import * as gaps from './gaps.js';
import * as notes from './notes.js';
import * as privacy from './privacy.js';
import * as log from './question-log.js';
import * as quiz from './quiz-memory.js';
import * as progress from './reading-progress.js';
import * as reviews from './reviews.js';
import * as settings from './settings.js';
import * as stats from './stats.js';

export * from './errors.js';
export { openDatabase, migrate, userVersion, DEFAULT_BUSY_TIMEOUT_MS, type Database, type OpenOptions } from './db.js';
export { migrations, SCHEMA_VERSION, type Migration } from './migrations.js';
export { normalizeQuestion, tokenSimilarity } from './normalize.js';
export { csvCell, toCsv, EXPORT_COLUMNS, type CsvValue } from './export.js';
export type { GuildSettings, SettingsPatch, SettingsDefaults, AnswerVisibility, ReviewMode, SpoilerMode } from './settings.js';
export { DEFAULT_RATE_LIMIT, isChannelAllowed } from './settings.js';
export { READING_PROGRESS, isReadingProgress, progressRank, type ReadingProgress, type ReadingProgressRow } from './reading-progress.js';
export type { LoggedQuestion, LogQuestionInput, PassageRef, ReviewOutcome } from './question-log.js';
export type { VoteCounts, VoteResult } from './feedback.js';
export type { Review, ReviewStatus, ReviewDecision, ReviewNotice, CreateReviewInput, DecideResult } from './reviews.js';
export type { GapSummary, GapDetail, GapAsk, GapStatus, SimilarityFn, RecordGapInput, RecordGapOptions, RecordGapResult } from './gaps.js';
export type { Note, CreateNoteInput } from './notes.js';
export type { GuildStats, StatsOptions } from './stats.js';
export type { ForgetResult, PurgeResult } from './privacy.js';
export { CHANGE_KINDS, type Change, type ChangeKind, type RecordChangeInput } from './changes.js';

/** Binds `db` as the first argument of each function; every bound function returns a Promise. */
type Bound<T> = { [K in keyof T]: T[K] extends (db: Database, ...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };

export interface StoreOptions {
  /** Rate limits used where a guild has not chosen its own (normally RATE_LIMIT_* from the config). */
  defaults?: settings.SettingsDefaults;
}

/** One object for the bot: every store module bound to one open database. */
export class Store {
  readonly settings;
  readonly progress;
  readonly log;
  readonly feedback;
  readonly reviews;
  readonly gaps;
  readonly notes;
  readonly stats;
  readonly export;
  readonly privacy;
  readonly quiz;
  readonly changes;

  constructor(
    readonly db: Database,
    options: StoreOptions = {},
  ) {
    const defaults = options.defaults ?? settings.DEFAULT_RATE_LIMIT;
    const withDefaults = { defaults };
    const call = <R>(work: () => R): Promise<R> => this.call(work);
    const bind = <T extends Record<string, (db: Database, ...args: never[]) => unknown>>(_db: Database, functions: T): Bound<T> => {
      const bound: Record<string, unknown> = {};
      for (const [name, fn] of Object.entries(functions)) bound[name] = (...args: never[]) => call(() => fn(db, ...args));
      return bound as Bound<T>;
    };
    this.settings = {
      get: (guildId: string) => call(() => settings.getSettings(db, guildId, defaults)),
      update: (guildId: string, patch: settings.SettingsPatch) => call(() => settings.updateSettings(db, guildId, patch, withDefaults)),
      setAllowedChannels: (guildId: string, channelIds: string[]) => call(() => settings.setAllowedChannels(db, guildId, channelIds, withDefaults)),
      allowChannel: (guildId: string, channelId: string) => call(() => settings.allowChannel(db, guildId, channelId, withDefaults)),
      disallowChannel: (guildId: string, channelId: string) => call(() => settings.disallowChannel(db, guildId, channelId, withDefaults)),
      setAnswerVisibility: (guildId: string, visibility: settings.AnswerVisibility) => call(() => settings.setAnswerVisibility(db, guildId, visibility, withDefaults)),
      setReviewMode: (guildId: string, mode: settings.ReviewMode, queueChannelId?: string | null) => call(() => settings.setReviewMode(db, guildId, mode, queueChannelId, withDefaults)),
      setSpoilerMode: (guildId: string, mode: settings.SpoilerMode) => call(() => settings.setSpoilerMode(db, guildId, mode, withDefaults)),
      setRateLimit: (guildId: string, perUser: number | null, windowSeconds: number | null) => call(() => settings.setRateLimit(db, guildId, perUser, windowSeconds, withDefaults)),
      setTeacherRole: (guildId: string, roleId: string | null) => call(() => settings.setTeacherRole(db, guildId, roleId, withDefaults)),
    };
    this.progress = bind(db, { get: progress.getProgress, set: progress.setProgress, clear: progress.clearProgress });
    this.log = bind(db, {
      logQuestion: log.logQuestion,
      get: log.getQuestion,
      findByAnswerId: log.findByAnswerId,
      list: log.listQuestions,
      setReviewOutcome: log.setReviewOutcome,
    });
    this.feedback = bind(db, { vote: feedback.vote, get: feedback.getVote, remove: feedback.removeVote, counts: feedback.voteCounts });
    this.reviews = bind(db, {
      create: reviews.createReview,
      setQueueMessage: reviews.setQueueMessage,
      get: reviews.getReview,
      findByMessage: reviews.findReviewByMessage,
      listPending: reviews.listPending,
      decide: reviews.decideReview,
      reopen: reviews.reopenReview,
      setNotified: reviews.setReviewNotified,
    });
    this.gaps = bind(db, {
      record: gaps.recordGap,
      list: gaps.listGaps,
      get: gaps.getGap,
      search: gaps.searchGaps,
      markAnswered: gaps.markGapAnswered,
    });
    this.notes = bind(db, {
      create: notes.createNote,
      get: notes.getNote,
      list: notes.listNotes,
      all: notes.listAllNotes,
      update: notes.updateNote,
      delete: notes.deleteNote,
    });
    this.stats = bind(db, { get: stats.getStats });
    this.export = bind(db, { logCsv: exporter.exportLogCsv });
    this.privacy = bind(db, { forgetUser: privacy.forgetUser, purgeOlderThan: privacy.purgeOlderThan });
    this.quiz = bind(db, { last: quiz.lastQuizQuestion, setLast: quiz.setLastQuizQuestion, purge: quiz.purgeQuizMemory });
    this.changes = bind(db, { record: changes.recordChange, after: changes.changesAfter, latestId: changes.latestChangeId, prune: changes.pruneChanges });
  }

  /** Opens (or creates) the database file and wraps it. Errors are StoreErrors naming the file and the fix. */
  static open(path: string, options: StoreOptions & OpenOptions = {}): Promise<Store> {
    return Promise.resolve().then(() => new Store(openDatabase(path, options), options));
  }

  /** Set while `work` of a transaction runs: store calls made inside it join the transaction. */
  private readonly inTransaction = new AsyncLocalStorage<true>();
  /** Resolves when the running transaction ends; null when none runs. */
  private busy: Promise<void> | null = null;
  private savepoints = 0;

  /** Runs one store function, after any transaction of another caller has ended. */
  private async call<R>(work: () => R): Promise<R> {
    if (this.inTransaction.getStore() === undefined) while (this.busy !== null) await this.busy;
    return work();
  }

  /**
   * Runs `work` in one IMMEDIATE transaction: every write it makes is stored, or none is. Store
   * calls made inside `work` (awaited, in the same async context) join it; store calls from other
   * callers wait until it ends. A transaction inside `work` nests as a savepoint.
   */
  async transaction<T>(work: () => Promise<T> | T): Promise<T> {
    if (this.inTransaction.getStore() !== undefined) return this.savepoint(work);
    while (this.busy !== null) await this.busy;
    let release!: () => void;
    this.busy = new Promise((resolve) => (release = resolve));
    try {
      this.db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await this.inTransaction.run(true, work);
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
      this.db.exec('COMMIT');
      return result;
    } finally {
      this.busy = null;
      release();
    }
  }

  private async savepoint<T>(work: () => Promise<T> | T): Promise<T> {
    const name = `store_${++this.savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw error;
    }
  }

  get open(): boolean {
    return this.db.open;
  }

  /** Closes the database (WAL is checkpointed) once any running transaction has ended. Safe to call twice. */
  async close(): Promise<void> {
    while (this.busy !== null) await this.busy;
    if (this.db.open) this.db.close();
  }
}
