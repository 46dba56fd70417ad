import { CONFIG_DEFAULTS, type Config } from '../config.js';
import type { Engine } from '../engine.js';
import type { Library } from '../library/library.js';
import type { GuideParser } from '../library/parser.js';
import type { Logger } from '../log.js';
import { SectionLookup } from '../section-lookup.js';
import type { Store } from '../store/index.js';
import { AnswerCache } from './answer-cache.js';
import { PendingImports } from './library/pending.js';
import type { AskHook } from './ask-hooks.js';
import { MemoryFeedbackSink, type FeedbackSink } from './feedback.js';
import type { ClusterEvents } from '../sharding/events.js';
import { ANSWER_CACHE_MAX, ENGINE_TIMEOUT_MS, MENTION_REPLIES_PER_USER, MENTION_REPLY_WINDOW_SECONDS } from './limits.js';
import { SlidingWindowRateLimiter, type RateLimiter } from './rate-limit.js';
import { StudyQuestionLookup } from './study-questions.js';
import { SqliteFeedbackSink } from './teacher/feedback-sink.js';
import { GuildRateLimiters } from './teacher/guild-rate-limit.js';
import { teacherAskHooks } from './teacher/hooks.js';
import { TeacherRuntime } from './teacher/runtime.js';

/**
 * What of the engine the bot uses: a test can pass a stub that hangs or throws. Teacher notes
 * (add/remove) and embeddings (grouping similar unanswered questions) are used when present.
 */
export type GuideEngine = Pick<Engine, 'ask' | 'sections' | 'section' | 'findSections' | 'quotations' | 'findQuote' | 'studyQuestions' | 'gradeAnswer' | 'stats'> &
  Partial<Pick<Engine, 'addNote' | 'embed'>> & {
    /** The in-process engine answers at once; a worker pool once every worker has removed the note. */
    removeNote?: (id: string) => boolean | Promise<boolean>;
    /** What the bot reads of the model (a worker pool holds no model in the main thread). */
    embedder?: Pick<Engine['embedder'], 'modelId' | 'profile'>;
  };

export type BotConfig = Pick<Config, 'RATE_LIMIT_PER_USER' | 'RATE_LIMIT_WINDOW_SECONDS' | 'DISCORD_API_URL'> & Partial<Pick<Config, 'RETENTION_DAYS'>>;

/**
 * Everything a handler may use, passed to every handler. The next features add to it (the store,
 * per-server settings) rather than reaching for globals.
 */
export interface BotServices {
  config: BotConfig;
  engine: GuideEngine;
  logger: Logger;
  /** Questions per user (`/ask`, "More passages", quiz answers) outside servers, and the default. */
  questionLimiter: RateLimiter;
  /** The question limiter for a server: its own limit (`/config limits`) when the bot has a store. */
  questionLimiterFor(guildId: string | null, interaction?: object): Promise<RateLimiter>;
  /** Replies to messages that mention the bot. */
  mentionLimiter: RateLimiter;
  feedback: FeedbackSink;
  answers: AnswerCache;
  sections: SectionLookup;
  studyQuestions: StudyQuestionLookup;
  /** Extension points around `/ask` (logging, review queue, spoiler modes…), run in order. */
  askHooks: AskHook[];
  /** How long one engine call may take before the student is told to try again. */
  engineTimeoutMs: number;
  /** The SQLite store, once the bot is given one. */
  store?: Store;
  /** The teacher features (settings, review queue, notes, retention), present with a store. */
  teacher?: TeacherRuntime;
  /** Every server's library of guides by book (`/guides`, the `book` option); without it every server answers from `engine`. */
  library?: Library;
  /** Reads uploaded guide files (with a library). */
  parser?: GuideParser;
  /** Uploads previewed and waiting for Add or Cancel (on disk, in the library folder), and those being indexed (with a library and a parser). */
  imports?: PendingImports;
}

export interface ServiceOptions {
  config: BotConfig;
  engine: GuideEngine;
  logger: Logger;
  feedback?: FeedbackSink;
  askHooks?: AskHook[];
  engineTimeoutMs?: number;
  store?: Store;
  questionLimiter?: RateLimiter;
  /** How often old log rows are purged (default hourly); tests shorten it. */
  retentionIntervalMs?: number;
  library?: Library;
  parser?: GuideParser;
  /** How shard processes tell each other about changed notes; unset: this process only. */
  events?: ClusterEvents;
}

/**
 * With a store, the teacher features are switched on: per-server settings and rate limits, the
 * question log, knowledge gaps and the review queue (as `/ask` hooks, before any hooks given), and
 * votes in SQLite (unless another feedback sink is given).
 */
export function createServices(options: ServiceOptions): BotServices {
  const questionLimiter = options.questionLimiter ?? new SlidingWindowRateLimiter({ limit: options.config.RATE_LIMIT_PER_USER, windowMs: options.config.RATE_LIMIT_WINDOW_SECONDS * 1000 });
  const store = options.store;
  const teacher = store
    ? new TeacherRuntime({
        store,
        engine: options.engine,
        logger: options.logger,
        retentionDays: options.config.RETENTION_DAYS ?? CONFIG_DEFAULTS.RETENTION_DAYS,
        ...(options.retentionIntervalMs ? { retentionIntervalMs: options.retentionIntervalMs } : {}),
        ...(options.events ? { events: options.events } : {}),
        ...(options.library ? { library: options.library } : {}),
      })
    : undefined;
  const guildLimiters = store && !options.questionLimiter ? new GuildRateLimiters(store, questionLimiter, options.logger) : undefined;
  return {
    config: options.config,
    engine: options.engine,
    logger: options.logger,
    questionLimiter,
    questionLimiterFor: async (guildId, interaction) => (guildLimiters ? guildLimiters.for(guildId, interaction) : questionLimiter),
    mentionLimiter: new SlidingWindowRateLimiter({ limit: MENTION_REPLIES_PER_USER, windowMs: MENTION_REPLY_WINDOW_SECONDS * 1000 }),
    feedback: options.feedback ?? (store ? new SqliteFeedbackSink(store, options.logger) : new MemoryFeedbackSink()),
    answers: new AnswerCache(ANSWER_CACHE_MAX, store?.log),
    sections: new SectionLookup(options.engine),
    studyQuestions: new StudyQuestionLookup(options.engine, store?.quiz),
    askHooks: [...(teacher ? teacherAskHooks(teacher) : []), ...(options.askHooks ?? [])],
    engineTimeoutMs: options.engineTimeoutMs ?? ENGINE_TIMEOUT_MS,
    ...(store ? { store } : {}),
    ...(teacher ? { teacher } : {}),
    ...(options.library ? { library: options.library } : {}),
    ...(options.parser ? { parser: options.parser } : {}),
    ...(options.library && options.parser ? { imports: new PendingImports({ dir: options.library.layout.pendingDir(), parser: options.parser, logger: options.logger }) } : {}),
  };
}
