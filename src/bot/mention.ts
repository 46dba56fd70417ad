import type { Message } from 'discord.js';
import type { Logger } from '../log.js';
import { NO_MENTIONS } from './respond.js';
import type { RateLimiter } from './rate-limit.js';

export const MENTION_REPLY =
  'Hi! Ask me about the study guides with `/ask question:<your question>`: I answer with passages quoted word for word, and say where each comes from. `/help` lists everything I can do.';

/**
 * Replies to a message that mentions the bot with a pointer to `/ask`. Needs only the GuildMessages
 * intent: who a message mentions is sent even without the privileged MessageContent intent.
 */
export async function handleMention(message: Message, botUserId: string, limiter: RateLimiter, logger: Logger): Promise<void> {
  if (message.author.bot || message.system || message.webhookId) return;
  if (!message.mentions.users.has(botUserId)) return;
  if (!limiter.take(message.author.id).allowed) return;
  try {
    await message.reply({ content: MENTION_REPLY, allowedMentions: NO_MENTIONS, failIfNotExists: false });
  } catch (error) {
    logger.warn({ err: error, channelId: message.channelId, messageId: message.id }, 'could not reply to a mention');
  }
}
