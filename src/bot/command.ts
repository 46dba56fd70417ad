import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction, ModalSubmitInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Logger } from '../log.js';
import type { BotServices } from './services.js';

/** Given to every handler: the shared services and a logger bound to the interaction. */
export interface HandlerContext {
  services: BotServices;
  log: Logger;
  /** Every command the bot has (for `/help`). */
  commands: readonly CommandModule[];
}

export interface ButtonHandler {
  /** The custom id prefix this handler owns (`prefix:arg:arg`). */
  prefix: string;
  handle(interaction: ButtonInteraction, args: string[], context: HandlerContext): Promise<void>;
}

export interface ModalHandler {
  prefix: string;
  handle(interaction: ModalSubmitInteraction, args: string[], context: HandlerContext): Promise<void>;
}

/**
 * One slash command and everything it owns: its definition (sent by `npm run register`), its
 * handler, its autocomplete, and the buttons and modals its messages carry. Adding a command is
 * adding one file that exports a `CommandModule` and listing it in `commands/index.ts`.
 */
export interface CommandModule {
  /** The definition registered with Discord (build it with SlashCommandBuilder and `.toJSON()`). */
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /**
   * For `/help` and for usage messages: how to use it, what it does, and one example (shown when an
   * option is missing or invalid).
   */
  help: { usage: string; description: string; example: string };
  execute(interaction: ChatInputCommandInteraction, context: HandlerContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: HandlerContext): Promise<void>;
  buttons?: ButtonHandler[];
  modals?: ModalHandler[];
}
