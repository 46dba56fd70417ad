import {
  DiscordAPIError,
  MessageFlags,
  RESTJSONErrorCodes,
  Routes,
  type ActionRowBuilder,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type BaseInteraction,
  type MessageActionRowComponentBuilder,
  type MessageComponentInteraction,
  type MessageMentionOptions,
  type RESTPatchAPIWebhookWithTokenMessageJSONBody,
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

/** The options discord.js gets for a message: content made safe, no mentions allowed. */
export function messageOptions(view: MessageView) {
  return {
    content: view.content === undefined ? '' : safeContent(view.content),
    embeds: view.embeds ?? [],
    components: view.components ?? [],
    allowedMentions: NO_MENTIONS,
  };
}

/** NO_MENTIONS as Discord's API spells it. */
const NO_MENTIONS_API = Object.freeze({ parse: [], replied_user: false });

/**
 * The JSON discord.js's MessagePayload builds for an edit of an interaction's message from `messageOptions(view)`
 * (the same keys in the same order; embeds and rows are Discord's API objects already, or builders),
 * made without it: see `editOriginal`.
 */
export function editBody(view: MessageView): RESTPatchAPIWebhookWithTokenMessageJSONBody & { tts: false; enforce_nonce: false } {
  const { content, embeds, components } = messageOptions(view);
  return { content, tts: false, enforce_nonce: false, embeds, components: components.map((row) => ('toJSON' in row ? row.toJSON() : row)), allowed_mentions: NO_MENTIONS_API };
}

/**
 * What `interaction.editReply(messageOptions(view))` does, minus what the bot never uses: discord.js would build a
 * MessagePayload (requiring modules on every call) and a Message object with its author, member and
 * cache entry from Discord's answer. The same request (PATCH of the interaction webhook's `@original`,
 * without the bot's token) through the client's REST, so rate limits, retries and errors are the same;
 * afterwards the interaction is marked replied, as editReply does. Not acknowledged: editReply throws
 * its own error for that.
 */
async function editOriginal(interaction: RepliableInteraction | MessageComponentInteraction, view: MessageView): Promise<void> {
  if (!interaction.deferred && !interaction.replied) {
    await interaction.editReply(messageOptions(view));
    return;
  }
  await interaction.client.rest.patch(Routes.webhookMessage(interaction.applicationId, interaction.token, '@original'), { body: editBody(view), auth: false });
  interaction.replied = true;
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
    await track(interaction, 'reply', { replied: true, ephemeral }, interaction.reply({ ...messageOptions(view), ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) }));
    return;
  }
  await ack?.done;
  if (ack?.kind === 'reply' || (!ack && interaction.deferred && !interaction.replied)) {
    await editOriginal(interaction, view);
    return;
  }
  await interaction.followUp({ ...messageOptions(view), ...(options.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
}

/** Sends an additional message after the first reply. */
export async function followUp(interaction: RepliableInteraction, view: MessageView, options: { ephemeral?: boolean } = {}): Promise<void> {
  await acks.get(interaction)?.done;
  await interaction.followUp({ ...messageOptions(view), ...(options.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
}

/** Replaces the message a component is on (paging buttons). */
export async function update(interaction: MessageComponentInteraction, view: MessageView): Promise<void> {
  const ack = acks.get(interaction);
  if (!ack && !interaction.deferred && !interaction.replied) {
    await track(interaction, 'update', { replied: true }, interaction.update(messageOptions(view)));
    return;
  }
  await ack?.done;
  await editOriginal(interaction, view);
}

export async function showModal(interaction: Exclude<RepliableInteraction, ModalSubmitInteraction>, modal: ModalBuilder): Promise<void> {
  await track(interaction, 'modal', { replied: true }, interaction.showModal(modal));
}
