import { MessageFlags, Routes, type APIEmbed, type Client } from 'discord.js';
import type { Logger } from '../../log.js';
import { safeContent } from '../../render/discord.js';
import { INTERACTION_TOKEN_TTL_MS } from '../limits.js';

/**
 * Telling a student something privately, after the fact (a rejected answer, a question that now
 * has an answer). In order:
 *  1. a private (ephemeral) follow-up on the student's own `/ask`, while its interaction token is
 *     still valid (Discord keeps it 15 minutes; we stop a minute early);
 *  2. otherwise, or if that fails, a direct message;
 *  3. if that fails too (DMs closed, the student left), nothing is sent: the caller records it.
 */

/** Stop using an interaction token this long before Discord expires it. */
export const TOKEN_SAFETY_MS = 60_000;

export type Delivery = 'follow-up' | 'dm' | 'failed';

export interface PrivateMessage {
  content: string;
  embeds?: APIEmbed[];
}

/** The interaction of a student's question, kept so they can be answered privately later. */
export interface InteractionHandle {
  token: string;
  /** When the interaction was created (ms); the token is valid for 15 minutes after. */
  createdAt: number;
}

export function tokenStillValid(handle: InteractionHandle | undefined | null, now = Date.now()): handle is InteractionHandle {
  return handle !== undefined && handle !== null && typeof handle.token === 'string' && now < handle.createdAt + INTERACTION_TOKEN_TTL_MS - TOKEN_SAFETY_MS;
}

const NO_PINGS = { parse: [] as never[] };

function applicationId(client: Client): string | undefined {
  return client.application?.id ?? client.user?.id;
}

/** A private follow-up message on an earlier interaction (no bot token needed: the interaction token is the credential). */
export async function followUpPrivately(client: Client, handle: InteractionHandle, message: PrivateMessage): Promise<void> {
  const appId = applicationId(client);
  if (!appId) throw new Error('the bot is not logged in');
  await client.rest.post(Routes.webhook(appId, handle.token), {
    body: { content: safeContent(message.content), embeds: message.embeds ?? [], flags: MessageFlags.Ephemeral, allowed_mentions: NO_PINGS },
    auth: false,
  });
}

export async function directMessage(client: Client, userId: string, message: PrivateMessage): Promise<void> {
  const channel = (await client.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
  await client.rest.post(Routes.channelMessages(channel.id), {
    body: { content: safeContent(message.content), embeds: message.embeds ?? [], allowed_mentions: NO_PINGS },
  });
}

/** Tries a follow-up (when a valid token is known), then a DM. Never throws; says which worked. */
export async function tellPrivately(
  client: Client | undefined,
  userId: string,
  message: PrivateMessage,
  options: { handle?: InteractionHandle | null; logger: Logger; now?: number },
): Promise<Delivery> {
  const log = options.logger.child({ userId });
  if (!client) {
    log.warn('cannot tell the student: the bot is not connected');
    return 'failed';
  }
  if (tokenStillValid(options.handle, options.now)) {
    try {
      await followUpPrivately(client, options.handle, message);
      return 'follow-up';
    } catch (error) {
      log.info({ err: error }, 'private follow-up failed; trying a direct message');
    }
  }
  try {
    await directMessage(client, userId, message);
    return 'dm';
  } catch (error) {
    log.warn({ err: error }, 'could not send the student a direct message');
    return 'failed';
  }
}
