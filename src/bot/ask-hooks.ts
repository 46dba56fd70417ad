import type { ChatInputCommandInteraction } from 'discord.js';
import type { AskOptions } from '../engine.js';
import type { AnswerRenderOptions } from '../render/view.js';
import type { Answer } from '../search/answer.js';
import type { BotServices } from './services.js';

/** Who asked what, where: given to every `/ask` hook. */
export interface AskContext {
  /** The interaction id of the `/ask` (also the answer id used by its buttons). */
  answerId: string;
  userId: string;
  guildId: string | null;
  channelId: string | null;
  /** The question as typed (not yet cleaned). */
  question: string;
  /** Whether the answer is shown only to the asker. */
  ephemeral: boolean;
  services: BotServices;
  /** The book of the server's library the question was answered from (set once the book is chosen). */
  book?: string;
  /** The `/ask` itself (who asked, with which permissions and roles). */
  interaction?: ChatInputCommandInteraction;
  /** The asker's name as shown in the server (for the question log). */
  userName?: string;
  /** When the question arrived (ms), to log how long answering took. */
  startedAt: number;
  /** Engine options `before` hooks may set: how far the reader has read, passages to leave out. */
  askOptions: Pick<AskOptions, 'readerPart' | 'exclude'>;
  /** How the answer is shown (e.g. spoiler tags), set by `before` hooks. */
  render: AnswerRenderOptions;
  /** Lines shown above this answer only (not part of the answer a hook stores or a teacher approves). */
  notices: string[];
  /** Set by the question-log hook: the logged question's row id. */
  logId?: number;
  /** Set when the answer goes to the review queue (review mode) instead of the channel; `reviewId` once it is stored. */
  review?: { queueChannelId: string; reviewId?: number };
}

export interface AskDecision {
  /** Refuse the question with this (ephemeral) message, e.g. "questions are not allowed in this channel". */
  refuse?: string;
  /** Force a private (true) or public (false) answer. */
  ephemeral?: boolean;
}

/**
 * Extension points around `/ask`, run in the order given. `before` runs before the interaction is
 * acknowledged, so it must be quick (an in-memory or SQLite lookup, not a network call).
 *
 * Nothing the answer tells the student may be lost: whatever showing it confirms (the question is
 * logged, so its votes count; "sent to your teacher for review") is written by `record`, before the
 * answer is shown. `after` is for what the student is not told about (posting in the review queue,
 * the list of unanswered questions).
 */
export interface AskHook {
  name: string;
  before?(context: AskContext): AskDecision | void | Promise<AskDecision | void>;
  /** Changes the answer before it is shown (e.g. hide spoilers). */
  transform?(answer: Answer, context: AskContext): Answer | Promise<Answer>;
  /**
   * Stores what showing the answer confirms (the question log row, the review item), before it is
   * shown. The `record` of every hook runs, one after the other, in one database transaction, so
   * either all of it is written or none; if it fails, the student gets an apology instead of the
   * answer. Await every store call it makes, so that it runs inside that transaction. The transaction
   * is `ownRowsOnly`: concurrent questions' records do not wait for one another, and a store call that
   * reads and then writes shared rows must open its own (nested) transaction, which waits as usual.
   */
  record?(answer: Answer, context: AskContext): void | Promise<void>;
  /** After the answer was shown (e.g. post it in the review queue). Errors are logged, never shown. */
  after?(answer: Answer, context: AskContext): void | Promise<void>;
}
