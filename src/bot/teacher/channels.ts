import { ChannelType, PermissionFlagsBits, type PermissionsBitField, type ChatInputCommandInteraction, type GuildBasedChannel, type Interaction } from 'discord.js';

/** Channels Guidebot can be told to use: text and announcement channels. */
export const POSTABLE_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

const NEEDED: Array<[bigint, string]> = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
];

export type ChannelCheck = { ok: true; channel: GuildBasedChannel } | { ok: false; message: string };

/**
 * Checks a channel chosen in a command option: it must be a text channel of this server where the
 * bot can see, send and embed (answers are embeds). Discord resolves the option, but it can name a
 * channel that was deleted meanwhile, or one the bot cannot use.
 */
export async function checkPostableChannel(interaction: ChatInputCommandInteraction, channelId: string | undefined): Promise<ChannelCheck> {
  if (!channelId) return { ok: false, message: 'Choose a channel.' };
  const guild = interaction.guild;
  if (!guild) return { ok: false, message: "I can't see this server's channels right now. Please try again in a moment." };
  const channel = guild.channels.cache.get(channelId) ?? (await guild.channels.fetch(channelId).catch(() => null));
  if (!channel) return { ok: false, message: `I can't find the channel <#${channelId}> in this server (it may have been deleted). Nothing was changed.` };
  if (!(POSTABLE_CHANNEL_TYPES as readonly ChannelType[]).includes(channel.type)) {
    return { ok: false, message: `<#${channel.id}> is not a text channel. Choose a text channel. Nothing was changed.` };
  }
  const me = guild.members.me ?? (await guild.members.fetchMe().catch(() => null));
  const permissions = me ? channel.permissionsFor(me) : null;
  if (!permissions) return { ok: false, message: `I can't check my permissions in <#${channel.id}> right now. Please try again in a moment. Nothing was changed.` };
  const missing = missingPermissions(permissions);
  if (missing.length > 0) {
    return {
      ok: false,
      message: `I can't post in <#${channel.id}>: I'm missing the ${missing.map((name) => `**${name}**`).join(', ')} permission${missing.length > 1 ? 's' : ''} there. Give my role ${missing.length > 1 ? 'them' : 'it'} in the channel's settings, or choose another channel. Nothing was changed.`,
    };
  }
  return { ok: true, channel };
}

export function missingPermissions(permissions: Readonly<PermissionsBitField>): string[] {
  return NEEDED.filter(([bit]) => !permissions.has(bit)).map(([, name]) => name);
}

/**
 * The channel whose settings apply where an interaction happened: for a thread (or a forum post,
 * which is a thread too) its parent channel, else the channel itself. The client learns of a
 * thread it had not cached from the interaction itself (the client is created with the Channel
 * partial), so this needs no request to Discord.
 */
export function settingsChannelId(interaction: Pick<Interaction, 'channel' | 'channelId'>): string | null {
  const channel = interaction.channel;
  if (channel?.isThread()) return channel.parentId ?? channel.id;
  return interaction.channelId;
}
