import { DiscordAPIError, DiscordjsErrorCodes, RESTJSONErrorCodes } from 'discord.js';
import { IngestError } from '../guide/ingest/types.js';
import { LibraryError } from '../library/errors.js';
import { InvalidQuestionError } from '../question.js';
import { TimeoutError } from './timeout.js';

export const MESSAGES = {
  failed: 'Sorry, something went wrong while I was answering. Please try again in a moment; if it keeps happening, tell a teacher.',
  slow: "Sorry, I'm taking too long to search the guides right now. Please try again in a moment.",
  expiredAnswer: 'This answer has expired (I only remember recent answers, and I may have restarted since). Please ask again with `/ask`.',
  unknownButton: 'This button no longer works. Please use the command again.',
  unknownCommand: "I don't know that command any more. `/help` lists what I can do.",
  shuttingDown: "I'm restarting right now. Please try again in a minute.",
  missingSection: 'That section is no longer in the guides. `/sections` lists the sections there are now.',
  missingQuizQuestion: 'That study question is no longer available. Use `/quiz` for a new one.',
} as const;

/** What to tell the person when a handler failed: the friendly message of errors they can fix, a general apology otherwise. */
export function friendlyMessage(error: unknown): string {
  if (error instanceof InvalidQuestionError || error instanceof LibraryError || error instanceof IngestError) return error.message;
  if (error instanceof TimeoutError) return MESSAGES.slow;
  return MESSAGES.failed;
}

/** The interaction can no longer be answered (too late, or already answered): do not try to report the error to it. */
export function isUnanswerable(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError &&
    (error.code === RESTJSONErrorCodes.UnknownInteraction || error.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged || error.code === RESTJSONErrorCodes.UnknownWebhook)
  );
}

/**
 * A command option or form field a handler needs is missing, empty or not usable. The router
 * answers it (like discord.js's own missing-option errors) with the command's usage.
 */
export class InvalidOptionError extends Error {
  constructor(
    /** The option or field, as registered (e.g. `question`), when known. */
    readonly option: string | undefined,
    readonly kind: 'option' | 'field' = 'option',
  ) {
    super(`the ${kind} ${option ?? '(unknown)'} is missing or invalid`);
    this.name = 'InvalidOptionError';
  }
}

const OPTION_ERRORS = new Set<string>([
  DiscordjsErrorCodes.CommandInteractionOptionNotFound,
  DiscordjsErrorCodes.CommandInteractionOptionType,
  DiscordjsErrorCodes.CommandInteractionOptionEmpty,
  DiscordjsErrorCodes.CommandInteractionOptionNoSubcommand,
  DiscordjsErrorCodes.CommandInteractionOptionNoSubcommandGroup,
  'CommandInteractionOptionInvalidChannelType', // thrown by discord.js, missing from its typings
]);
const FIELD_ERRORS = new Set<string>([
  DiscordjsErrorCodes.ModalSubmitInteractionFieldNotFound,
  DiscordjsErrorCodes.ModalSubmitInteractionFieldType,
  DiscordjsErrorCodes.ModalSubmitInteractionFieldEmpty,
  DiscordjsErrorCodes.ModalSubmitInteractionFieldInvalidChannelType,
]);

/**
 * The option or field an error says is missing or invalid: an InvalidOptionError, or discord.js's
 * error from `options.getString(name, true)`, `fields.getTextInputValue(id)` and the like (which
 * names it in quotes). Undefined for any other error.
 */
export function invalidOption(error: unknown): InvalidOptionError | undefined {
  if (error instanceof InvalidOptionError) return error;
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  if (code === undefined || (!OPTION_ERRORS.has(code) && !FIELD_ERRORS.has(code))) return undefined;
  const named = /"([^"]+)"/.exec((error as Error).message)?.[1];
  return new InvalidOptionError(named, FIELD_ERRORS.has(code) ? 'field' : 'option');
}
