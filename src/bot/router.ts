import type { Interaction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Logger } from '../log.js';
import type { ButtonHandler, CommandModule, HandlerContext, ModalHandler } from './command.js';
import { parseCustomId } from './custom-id.js';
import { friendlyMessage, invalidOption, isUnanswerable, MESSAGES } from './errors.js';
import { ACK_SAFETY_MS } from './limits.js';
import { acknowledgementSettled, awaitingAcknowledgement } from './ack-first.js';
import { defer, deferUpdate, isAcknowledged, send } from './respond.js';
import type { BotServices } from './services.js';
import { TimeoutError } from './timeout.js';
import { usageMessage } from './usage.js';

/** How handling one interaction ended: answered, a missing or invalid option, too slow, or failed. */
export type InteractionOutcome = 'ok' | 'invalid-option' | 'timeout' | 'error';

/** What the router tells an observer (metrics) after each interaction. */
export interface InteractionReport {
  interactionId: string;
  /** `/ask`, `button:more`, `modal:quiz`, `autocomplete:/answer`… */
  command: string;
  outcome: InteractionOutcome;
  seconds: number;
}

/**
 * Dispatches interactions: chat-input commands and autocomplete by command name, buttons and modals
 * by custom id prefix. Every handler runs inside a safety net: if it has not acknowledged the
 * interaction after ACK_SAFETY_MS the router defers for it, and any error is logged with the
 * interaction id and turned into a friendly message. A missing or invalid option (or form field),
 * whichever handler meets it, is answered with the usage of the command it belongs to.
 */
export class Router {
  private readonly commands = new Map<string, CommandModule>();
  private readonly buttons = new Map<string, ButtonHandler>();
  private readonly modals = new Map<string, ModalHandler>();
  /** The command each button and modal prefix belongs to (for usage messages). */
  private readonly owners = new Map<string, CommandModule>();

  constructor(
    readonly modules: readonly CommandModule[],
    private readonly services: BotServices,
    private readonly ackSafetyMs = ACK_SAFETY_MS,
    private readonly onHandled?: (report: InteractionReport) => void,
  ) {
    for (const module of modules) {
      if (this.commands.has(module.data.name)) throw new Error(`two commands are named /${module.data.name}`);
      this.commands.set(module.data.name, module);
      for (const button of module.buttons ?? []) {
        if (this.buttons.has(button.prefix)) throw new Error(`two button handlers use the prefix "${button.prefix}"`);
        this.buttons.set(button.prefix, button);
        this.owners.set(button.prefix, module);
      }
      for (const modal of module.modals ?? []) {
        if (this.modals.has(modal.prefix)) throw new Error(`two modal handlers use the prefix "${modal.prefix}"`);
        this.modals.set(modal.prefix, modal);
        this.owners.set(modal.prefix, module);
      }
    }
  }

  /** The command definitions to register with Discord. */
  definitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
    return this.modules.map((module) => module.data);
  }

  async handle(interaction: Interaction): Promise<void> {
    const log = this.services.logger.child({ interactionId: interaction.id, userId: interaction.user.id, ...describe(interaction) });
    const context: HandlerContext = { services: this.services, log, commands: this.modules };
    awaitingAcknowledgement(interaction);
    const safety = setTimeout(() => void this.safetyAck(interaction, log), this.ackSafetyMs);
    const started = performance.now();
    let outcome: InteractionOutcome = 'ok';
    try {
      await this.route(interaction, context);
      log.debug({ ms: Math.round(performance.now() - started) }, 'interaction handled');
    } catch (error) {
      const problem = invalidOption(error);
      const command = problem && this.commandOf(interaction);
      if (problem && command) {
        outcome = 'invalid-option';
        log.info({ option: problem.option, kind: problem.kind }, 'missing or invalid option; answered with the usage');
        await this.reportFailure(interaction, error, log, usageMessage(command, problem));
        return;
      }
      outcome = error instanceof TimeoutError ? 'timeout' : 'error';
      log.error({ err: error, ms: Math.round(performance.now() - started) }, 'interaction failed');
      await this.reportFailure(interaction, error, log);
    } finally {
      clearTimeout(safety);
      acknowledgementSettled(interaction);
      this.onHandled?.({ interactionId: interaction.id, command: label(interaction), outcome, seconds: (performance.now() - started) / 1000 });
    }
  }

  private async route(interaction: Interaction, context: HandlerContext): Promise<void> {
    if (interaction.isChatInputCommand()) {
      const command = this.commands.get(interaction.commandName);
      if (!command) return send(interaction, { content: MESSAGES.unknownCommand }, { ephemeral: true });
      return command.execute(interaction, context);
    }
    if (interaction.isAutocomplete()) {
      const command = this.commands.get(interaction.commandName);
      if (!command?.autocomplete) return interaction.respond([]);
      return command.autocomplete(interaction, context);
    }
    if (interaction.isButton()) {
      const { prefix, args } = parseCustomId(interaction.customId);
      const handler = this.buttons.get(prefix);
      if (!handler) return send(interaction, { content: MESSAGES.unknownButton }, { ephemeral: true });
      return handler.handle(interaction, args, context);
    }
    if (interaction.isModalSubmit()) {
      const { prefix, args } = parseCustomId(interaction.customId);
      const handler = this.modals.get(prefix);
      if (!handler) return send(interaction, { content: MESSAGES.unknownButton }, { ephemeral: true });
      return handler.handle(interaction, args, context);
    }
    if (interaction.isRepliable()) return send(interaction, { content: MESSAGES.unknownButton }, { ephemeral: true });
  }

  /** Defers an interaction its handler has not acknowledged in time (Discord allows 3 s). */
  private async safetyAck(interaction: Interaction, log: Logger): Promise<void> {
    if (isAcknowledged(interaction)) return;
    try {
      if (interaction.isAutocomplete()) return;
      log.warn('handler slow to acknowledge; deferring for it');
      if (interaction.isMessageComponent()) await deferUpdate(interaction);
      else if (interaction.isRepliable()) await defer(interaction, { ephemeral: true });
    } catch (error) {
      log.warn({ err: error }, 'could not defer');
    }
  }

  /** The command an interaction belongs to: by name, or by the prefix of its button or modal. */
  private commandOf(interaction: Interaction): CommandModule | undefined {
    if (interaction.isChatInputCommand() || interaction.isAutocomplete()) return this.commands.get(interaction.commandName);
    if (interaction.isButton() || interaction.isModalSubmit()) return this.owners.get(parseCustomId(interaction.customId).prefix);
    return undefined;
  }

  private async reportFailure(interaction: Interaction, error: unknown, log: Logger, message = friendlyMessage(error)): Promise<void> {
    if (isUnanswerable(error)) return;
    try {
      if (interaction.isAutocomplete()) {
        if (!interaction.responded) await interaction.respond([]);
        return;
      }
      if (interaction.isRepliable()) await send(interaction, { content: message }, { ephemeral: true });
    } catch (reportError) {
      log.warn({ err: reportError }, 'could not tell the user about the failure');
    }
  }
}

/** A low-cardinality name for what an interaction is: `/ask`, `button:more`, `modal:quiz`, `autocomplete:/answer`. */
export function label(interaction: Interaction): string {
  if (interaction.isChatInputCommand()) return `/${interaction.commandName}`;
  if (interaction.isAutocomplete()) return `autocomplete:/${interaction.commandName}`;
  if (interaction.isButton()) return `button:${parseCustomId(interaction.customId).prefix}`;
  if (interaction.isModalSubmit()) return `modal:${parseCustomId(interaction.customId).prefix}`;
  if (interaction.isAnySelectMenu()) return `select:${parseCustomId(interaction.customId).prefix}`;
  return `type:${interaction.type}`;
}

function describe(interaction: Interaction): Record<string, string> {
  if (interaction.isChatInputCommand()) return { command: interaction.commandName };
  if (interaction.isAutocomplete()) return { autocomplete: interaction.commandName };
  if (interaction.isButton() || interaction.isModalSubmit()) return { customId: interaction.customId };
  return { type: String(interaction.type) };
}
