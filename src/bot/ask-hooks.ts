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
 */
export interface AskHook {
  name: string;
  before?(context: AskContext): AskDecision | void | Promise<AskDecision | void>;
  /** Changes the answer before it is shown (e.g. hide spoilers). */
  transform?(answer: Answer, context: AskContext): Answer | Promise<Answer>;
  /** After the answer was shown (e.g. log it, queue it for review). Errors are logged, never shown. */
  after?(answer: Answer, context: AskContext): void | Promise<void>;
}
