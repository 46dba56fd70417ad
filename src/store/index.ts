import { openDatabase, type OpenOptions } from './db.js';
import * as exporter from './export.js';
import * as feedback from './feedback.js';
import * as gaps from './gaps.js';
import * as notes from './notes.js';
import * as privacy from './privacy.js';
import * as log from './question-log.js';
import * as progress from './reading-progress.js';
import * as quiz from './quiz-memory.js';
import * as changes from './changes.js';
import * as reviews from './reviews.js';
import * as settings from './settings.js';
import * as stats from './stats.js';
import { PostgresDatabase, type PostgresOptions } from './postgres-database.js';
import type { SqlDatabase, TransactionOptions } from './sql.js';

import { StoreError } from './errors.js';
import { migrate } from './migrate.js';

export * from './errors.js';
export { openDatabase, userVersion, DEFAULT_BUSY_TIMEOUT_MS, type Database, type OpenOptions } from './db.js';
export { migrate, schemaVersion, SCHEMA_TABLE, MIGRATION_LOCK_KEY } from './migrate.js';
export { PostgresDatabase, DEFAULT_POOL_SIZE, WRITE_LOCK_KEY, redactUrl, type PostgresOptions } from './postgres-database.js';
export { SqliteDatabase } from './sqlite-database.js';
export type { Dialect, SqlDatabase, SqlParams, SqlValue, RunResult, TransactionOptions, Listener, ListenHandlers, ListenOptions } from './sql.js';
export { migrations, SCHEMA_VERSION, type Migration } from './migrations.js';
export { normalizeQuestion, questionTokens, tokenSetSimilarity, tokenSimilarity } from './normalize.js';
export { csvCell, toCsv, EXPORT_COLUMNS, type CsvValue } from './export.js';
export type { GuildSettings, SettingsPatch, SettingsDefaults, AnswerVisibility, ReviewMode, SpoilerMode } from './settings.js';
export { DEFAULT_RATE_LIMIT, isChannelAllowed } from './settings.js';
export { CHANGE_KINDS, CHANGES_CHANNEL, type Change, type ChangeKind, type ChangeWatchHandlers, type RecordChangeInput } from './changes.js';
export { LISTENER_APPLICATION_NAME, LISTEN_RETRY_FIRST_MS, LISTEN_RETRY_MAX_MS } from './postgres-listener.js';
export { READING_PROGRESS, isReadingProgress, progressRank, type ReadingProgress, type ReadingProgressRow } from './reading-progress.js';
export type { LoggedQuestion, LogQuestionInput, PassageRef, ReviewOutcome } from './question-log.js';
export type { VoteCounts, VoteResult } from './feedback.js';
export type { Review, ReviewStatus, ReviewDecision, ReviewNotice, CreateReviewInput, DecideResult } from './reviews.js';
export type { GapSummary, GapDetail, GapAsk, GapStatus, SimilarityFn, RecordGapInput, RecordGapOptions, RecordGapResult } from './gaps.js';
export type { Note, CreateNoteInput } from './notes.js';
export type { GuildStats, StatsOptions } from './stats.js';
export type { ForgetResult, PurgeResult } from './privacy.js';

/** Binds `db` as the first argument of each function. */
type Bound<T> = { [K in keyof T]: T[K] extends (db: SqlDatabase, ...args: infer A) => infer R ? (...args: A) => R : never };

function bind<T extends Record<string, (db: SqlDatabase, ...args: never[]) => Promise<unknown>>>(db: SqlDatabase, functions: T): Bound<T> {
  const bound: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(functions)) bound[name] = (...args: never[]) => fn(db, ...args);
  return bound as Bound<T>;
}

export interface StoreOptions {
  /** A PostgreSQL URL (DATABASE_URL): the store then runs on that server instead of the SQLite file. */
  databaseUrl?: string;
  /** Rate limits used where a guild has not chosen its own (normally RATE_LIMIT_* from the config). */
  defaults?: settings.SettingsDefaults;
}

/**
 * One object for the bot: every store module bound to one open database (SQLite or PostgreSQL).
 * Every method returns a Promise; await it (inside `transaction`, awaiting is what makes a call
 * part of the transaction).
 */
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
    readonly db: SqlDatabase,
    options: StoreOptions = {},
  ) {
    const defaults = options.defaults ?? settings.DEFAULT_RATE_LIMIT;
    const withDefaults = { defaults };
    this.settings = {
      get: (guildId: string) => settings.getSettings(db, guildId, defaults),
      update: (guildId: string, patch: settings.SettingsPatch) => settings.updateSettings(db, guildId, patch, withDefaults),
      setAllowedChannels: (guildId: string, channelIds: string[]) => settings.setAllowedChannels(db, guildId, channelIds, withDefaults),
      allowChannel: (guildId: string, channelId: string) => settings.allowChannel(db, guildId, channelId, withDefaults),
      disallowChannel: (guildId: string, channelId: string) => settings.disallowChannel(db, guildId, channelId, withDefaults),
      setAnswerVisibility: (guildId: string, visibility: settings.AnswerVisibility) => settings.setAnswerVisibility(db, guildId, visibility, withDefaults),
      setReviewMode: (guildId: string, mode: settings.ReviewMode, queueChannelId?: string | null) => settings.setReviewMode(db, guildId, mode, queueChannelId, withDefaults),
      setSpoilerMode: (guildId: string, mode: settings.SpoilerMode) => settings.setSpoilerMode(db, guildId, mode, withDefaults),
      setRateLimit: (guildId: string, perUser: number | null, windowSeconds: number | null) => settings.setRateLimit(db, guildId, perUser, windowSeconds, withDefaults),
      setTeacherRole: (guildId: string, roleId: string | null) => settings.setTeacherRole(db, guildId, roleId, withDefaults),
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
      openQuestions: gaps.openGapQuestions,
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
    this.changes = bind(db, { record: changes.recordChange, after: changes.changesAfter, latestId: changes.latestChangeId, prune: changes.pruneChanges, watch: changes.watchChanges });
  }

  /**
   * Opens the store: on PostgreSQL when `databaseUrl` is given (pooled connections), else on the
   * SQLite file at `path` (created if needed). Either way the schema is brought up to date. Errors
   * are StoreErrors that name the file or server and the fix.
   */
  static async open(path: string, options: StoreOptions & OpenOptions & PostgresOptions = {}): Promise<Store> {
    if (options.databaseUrl !== undefined) {
      const db = await PostgresDatabase.connect(options.databaseUrl, options);
      try {
        await migrate(db, options.migrations);
      } catch (error) {
        await db.close();
        throw error instanceof StoreError
          ? error
          : new StoreError('unknown', db.location, `Could not bring the PostgreSQL database at ${db.location} up to date: ${(error as Error).message}`, { cause: error });
      }
      return new Store(db, options);
    }
    return new Store(await openDatabase(path, options), options);
  }

  /**
   * Runs `work` in one transaction: every write it makes is stored, or none is. Store calls awaited
   * inside `work` join it; calls from other callers do not see it until it commits. A transaction
   * inside `work` (also those store functions open themselves) nests as a savepoint.
   */
  transaction<T>(work: () => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.db.transaction(work, options);
  }

  /** Whether the database takes writes now (for /healthz): true, or a sentence saying why not. */
  writable(): Promise<true | string> {
    return this.db.writable();
  }

  get open(): boolean {
    return this.db.open;
  }

  /** Closes the database (SQLite: the WAL is checkpointed; PostgreSQL: the pool is ended) once a running transaction has ended. Safe to call twice. */
  close(): Promise<void> {
    return this.db.close();
  }
}
