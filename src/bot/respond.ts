import {
  DiscordAPIError,
  MessageFlags,
  RESTJSONErrorCodes,
  type ActionRowBuilder,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type BaseInteraction,
  type MessageActionRowComponentBuilder,
  type MessageComponentInteraction,
  type MessageMentionOptions,
  type ModalBuilder,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import { safeContent } from '../render/discord.js';
import { acknowledgementSettled } from './ack-first.js';

/**
 * The only way handlers answer an interaction. Every message goes out with no mentions allowed
 * (quoted text and echoed questions can never ping anyone), and the module remembers how each
 * interaction was acknowledged, so a late reply becomes an edit or a follow-up instead of an error.
 */

/** Nobody is ever pinged: not @everyone, roles, users, nor the author of a replied-to message. */
export const NO_MENTIONS: MessageMentionOptions = Object.freeze({ parse: [], repliedUser: false });

export type MessageRow = APIActionRowComponent<APIComponentInMessageActionRow> | ActionRowBuilder<MessageActionRowComponentBuilder>;

export interface MessageView {
  content?: string;
  embeds?: APIEmbed[];
  components?: MessageRow[];
}

type AckKind = 'reply' | 'update' | 'modal';
const acks = new WeakMap<BaseInteraction, { kind: AckKind; done: Promise<unknown> }>();

/** What discord.js records on an interaction once an acknowledgement succeeded (so editReply and followUp work). */
type AckState = { deferred: true; ephemeral?: boolean } | { replied: true; ephemeral?: boolean };

function track<T>(interaction: BaseInteraction, kind: AckKind, state: AckState, request: Promise<T>): Promise<T | undefined> {
  const settled = request.catch((error: unknown) => {
    if (!alreadyAcknowledged(error)) throw error;
    Object.assign(interaction, state);
    return undefined;
  });
  acks.set(interaction, { kind, done: settled.catch(() => undefined) });
  void settled.then(
    () => acknowledgementSettled(interaction),
    () => acknowledgementSettled(interaction),
  );
  return settled;
}

/**
 * Discord answered 40060 "already acknowledged" to an acknowledgement. Only one is ever sent per
 * interaction (see `isAcknowledged`), so this is discord.js retrying it after a 5xx that Discord
 * returned although it had carried the first attempt out: the interaction is acknowledged, and
 * the bot goes on (to edit in the answer) as if the first attempt had succeeded.
 */
function alreadyAcknowledged(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged;
}

/** True once an acknowledgement was sent (or is being sent). */
export function isAcknowledged(interaction: BaseInteraction): boolean {
  if (acks.has(interaction)) return true;
  return interaction.isRepliable() && (interaction.deferred || interaction.replied);
}

function body(view: MessageView) {
  return {
    content: view.content === undefined ? '' : safeContent(view.content),
    embeds: view.embeds ?? [],
    components: view.components ?? [],
    allowedMentions: NO_MENTIONS,
  };
}

/** Acknowledges with "thinking…" (a deferred reply). Does nothing if already acknowledged. */
export async function defer(interaction: RepliableInteraction, options: { ephemeral?: boolean } = {}): Promise<void> {
  if (isAcknowledged(interaction)) return;
  const ephemeral = options.ephemeral ?? false;
  await track(interaction, 'reply', { deferred: true, ephemeral }, interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {}));
}

/** Acknowledges a component (or modal from a component) without changing its message yet. */
export async function deferUpdate(interaction: MessageComponentInteraction | ModalSubmitInteraction): Promise<void> {
  if (isAcknowledged(interaction)) return;
  await track(interaction, 'update', { deferred: true }, interaction.deferUpdate());
}

/**
 * Sends the answer to an interaction: the reply when not yet acknowledged, else an edit of the
 * deferred reply, else (after a deferred update) a follow-up. Ephemerality only applies to a first reply
 * or a follow-up; an edit keeps the deferral's.
 */
export async function send(interaction: RepliableInteraction, view: MessageView, options: { ephemeral?: boolean } = {}): Promise<void> {
  const ack = acks.get(interaction);
  if (!ack && !interaction.deferred && !interaction.replied) {
    const ephemeral = options.ephemeral ?? false;
    await track(interaction, 'reply', { replied: true, ephemeral }, interaction.reply({ ...body(view), ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) }));
    return;
  }
  await ack?.done;
  if (ack?.kind === 'reply' || (!ack && interaction.deferred && !interaction.replied)) {
    await interaction.editReply(body(view));
    return;
  }
  await interaction.followUp({ ...body(view), ...(options.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
}

/** Sends an additional message after the first reply. */
export async function followUp(interaction: RepliableInteraction, view: MessageView, options: { ephemeral?: boolean } = {}): Promise<void> {
  await acks.get(interaction)?.done;
  await interaction.followUp({ ...body(view), ...(options.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
}

/** Replaces the message a component is on (paging buttons). */
export async function update(interaction: MessageComponentInteraction, view: MessageView): Promise<void> {
  const ack = acks.get(interaction);
  if (!ack && !interaction.deferred && !interaction.replied) {
    await track(interaction, 'update', { replied: true }, interaction.update(body(view)));
    return;
  }
  await ack?.done;
  await interaction.editReply(body(view));
}

export async function showModal(interaction: Exclude<RepliableInteraction, ModalSubmitInteraction>, modal: ModalBuilder): Promise<void> {
  await track(interaction, 'modal', { replied: true }, interaction.showModal(modal));
}
