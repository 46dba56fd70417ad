import type { Config } from '../config.js';
import type { Engine } from '../engine.js';
import type { Logger } from '../log.js';
import { SectionLookup } from '../section-lookup.js';
import type { Store } from '../store/index.js';
import { AnswerCache } from './answer-cache.js';
import type { AskHook } from './ask-hooks.js';
import { MemoryFeedbackSink, type FeedbackSink } from './feedback.js';
import { ENGINE_TIMEOUT_MS, MENTION_REPLIES_PER_USER, MENTION_REPLY_WINDOW_SECONDS } from './limits.js';
import { SlidingWindowRateLimiter, type RateLimiter } from './rate-limit.js';
import { StudyQuestionLookup } from './study-questions.js';

/** What of the engine the bot uses: a test can pass a stub that hangs or throws. */
export type GuideEngine = Pick<Engine, 'ask' | 'sections' | 'section' | 'findSections' | 'quotations' | 'findQuote' | 'studyQuestions' | 'gradeAnswer' | 'stats'>;

export type BotConfig = Pick<Config, 'RATE_LIMIT_PER_USER' | 'RATE_LIMIT_WINDOW_SECONDS' | 'DISCORD_API_URL'>;

/**
 * Everything a handler may use, passed to every handler. The next features add to it (the store,
 * per-server settings) rather than reaching for globals.
 */
export interface BotServices {
  config: BotConfig;
  engine: GuideEngine;
  logger: Logger;
  /** Questions per user (`/ask`, "More passages", quiz answers). */
  questionLimiter: RateLimiter;
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
}

export function createServices(options: ServiceOptions): BotServices {
  return {
    config: options.config,
    engine: options.engine,
    logger: options.logger,
    questionLimiter:
      options.questionLimiter ??
      new SlidingWindowRateLimiter({ limit: options.config.RATE_LIMIT_PER_USER, windowMs: options.config.RATE_LIMIT_WINDOW_SECONDS * 1000 }),
    mentionLimiter: new SlidingWindowRateLimiter({ limit: MENTION_REPLIES_PER_USER, windowMs: MENTION_REPLY_WINDOW_SECONDS * 1000 }),
    feedback: options.feedback ?? new MemoryFeedbackSink(),
    answers: new AnswerCache(),
    sections: new SectionLookup(options.engine),
    studyQuestions: new StudyQuestionLookup(options.engine),
    askHooks: options.askHooks ?? [],
    engineTimeoutMs: options.engineTimeoutMs ?? ENGINE_TIMEOUT_MS,
    ...(options.store ? { store: options.store } : {}),
  };
}
