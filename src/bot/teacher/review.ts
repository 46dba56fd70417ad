import { ButtonStyle, DiscordAPIError, Routes, type APIMessage, type Client } from 'discord.js';
import type { BookPart } from '../../guide/spoilers.js';
import type { Logger } from '../../log.js';
import { answerEmbed, safeInline, safeText } from '../../render/discord.js';
import { answerView } from '../../render/view.js';
import type { Answer } from '../../search/answer.js';
import type { DecideResult, Review, Store } from '../../store/index.js';
import { answerMessage } from '../commands/ask.js';
import { button, rows } from '../components.js';
import { customId } from '../custom-id.js';
import type { MessageView } from '../respond.js';
import type { BotServices } from '../services.js';
import { tellPrivately, type Delivery, type InteractionHandle } from './delivery.js';
import { taggedPartsFor } from './spoilers.js';

/**
 * The review queue. With review mode on, a student's question is answered privately at once, and
 * the proposed answer is posted in the queue channel with three buttons:
 *  - Approve: the answer is posted publicly in the channel where it was asked, naming the student
 *    (without pinging anyone);
 *  - Approve with note: the same, with a teacher's note above it (a modal asks for it);
 *  - Reject: a modal asks for an optional note, then the student is told privately (see delivery.ts).
 * The decision is one atomic SQLite update, so when two teachers press at once exactly one wins and
 * the other is told who handled it and when. Buttons carry the review id and everything else is in
 * the database, so pending items survive a restart.
 */

export const REVIEW_APPROVE = 'rv-approve';
export const REVIEW_APPROVE_NOTE = 'rv-note';
export const REVIEW_REJECT = 'rv-reject';
export const REVIEW_APPROVE_NOTE_SUBMIT = 'rv-note-submit';
export const REVIEW_REJECT_SUBMIT = 'rv-reject-submit';
export const REVIEW_NOTE_FIELD = 'note';
export const REVIEW_NOTE_MAX = 1000;

/** What a review item stores (as JSON): the answer as proposed, and how to reach the student. */
export interface ReviewPayload {
  v: 1;
  answer: Answer;
  /** The `/ask` interaction id: the answer's vote buttons use it, and it finds the logged question. */
  answerId: string;
  askerName: string;
  /** The book of the server's library it was answered from (its buttons open that book's sections). */
  book?: string;
  /** The `/ask` interaction's token, for a private follow-up within its 15 minutes. */
  interaction?: InteractionHandle;
}

export function readPayload(review: Review): ReviewPayload | undefined {
  const payload = review.payload as Partial<ReviewPayload> | null;
  if (!payload || payload.v !== 1 || typeof payload.answerId !== 'string' || !payload.answer || !Array.isArray(payload.answer.passages)) return undefined;
  return payload as ReviewPayload;
}

const time = (ms: number) => `<t:${Math.floor(ms / 1000)}:f> (<t:${Math.floor(ms / 1000)}:R>)`;

function headline(review: Review): string {
  return `**Review #${review.id}** · a question from <@${review.askerId}> in <#${review.originChannelId}> · ${time(review.createdAt)}`;
}

/** The queue message of a pending item: the proposed answer and the three buttons. */
export function pendingQueueMessage(review: Review, payload: ReviewPayload): MessageView {
  return {
    content: `${headline(review)}\nApprove posts this answer in <#${review.originChannelId}>; Reject tells the student privately.`,
    embeds: [answerEmbed(answerView(payload.answer))],
    components: rows([
      button(customId(REVIEW_APPROVE, review.id), 'Approve', ButtonStyle.Success),
      button(customId(REVIEW_APPROVE_NOTE, review.id), 'Approve with note', ButtonStyle.Primary),
      button(customId(REVIEW_REJECT, review.id), 'Reject', ButtonStyle.Danger),
    ]),
  };
}

const DELIVERY_TEXT: Record<Delivery, string> = {
  'follow-up': 'the student was told privately',
  dm: 'the student was told by direct message',
  failed: "the student couldn't be reached (their direct messages may be closed); this was recorded",
};

/** The queue message once decided: who decided what, when; no buttons. */
export function decidedQueueMessage(review: Review, payload: ReviewPayload | undefined, delivery?: Delivery): MessageView {
  const verdict =
    review.status === 'approved'
      ? `✅ **Approved** by <@${review.handledBy}> ${time(review.handledAt ?? Date.now())} and posted in <#${review.originChannelId}>`
      : `❌ **Rejected** by <@${review.handledBy}> ${time(review.handledAt ?? Date.now())}${delivery ? `; ${DELIVERY_TEXT[delivery]}` : ''}`;
  const note = review.note ? `\n**Note:** ${safeInline(review.note, 1000)}` : '';
  return { content: `${headline(review)}\n${verdict}${note}`, embeds: payload ? [answerEmbed(answerView(payload.answer))] : [], components: [] };
}

/** What someone pressing a button on an item already handled is told. */
export function alreadyHandledMessage(result: Extract<DecideResult, { ok: false }> | Review): string {
  const status = result.status === 'approved' ? 'approved' : 'rejected';
  const handledAt = 'handledAt' in result ? result.handledAt : null;
  return `This answer was already ${status} by <@${result.handledBy}>${handledAt ? ` ${time(handledAt)}` : ''}. Nothing was changed.`;
}

export const REVIEW_GONE = 'This review item no longer exists: its question was deleted (with /forget, /forget-me or after the retention period). Nothing was changed.';

/** The public post of an approved answer: who asked (not pinged), who approved, the teacher's note, the answer with its buttons. */
export function approvedPublicMessage(services: BotServices, review: Review, payload: ReviewPayload, spoilerParts: readonly BookPart[]): MessageView {
  const lines = [`Answer to a question from <@${review.askerId}>, approved by <@${review.handledBy}>.`];
  if (review.note) lines.push(`**Teacher's note:** ${safeText(review.note, 1500)}`);
  const message = answerMessage(services, payload.answer, payload.answerId, { spoilerParts });
  return { ...message, content: lines.join('\n') };
}

const NO_PINGS = { parse: [] as never[] };

function restBody(view: MessageView) {
  return { content: view.content ?? '', embeds: view.embeds ?? [], components: (view.components ?? []).map((row) => ('toJSON' in row ? row.toJSON() : row)), allowed_mentions: NO_PINGS };
}

/** Posts a message in a channel through REST (the channel need not be cached). */
export async function postInChannel(client: Client, channelId: string, view: MessageView): Promise<APIMessage> {
  return (await client.rest.post(Routes.channelMessages(channelId), { body: restBody(view) })) as APIMessage;
}

export async function editInChannel(client: Client, channelId: string, messageId: string, view: MessageView): Promise<void> {
  await client.rest.patch(Routes.channelMessage(channelId, messageId), { body: restBody(view) });
}

/** Why posting failed, for a teacher. */
export function postFailure(error: unknown, channelId: string): string {
  if (error instanceof DiscordAPIError) {
    if (error.code === 50013 || error.code === 50001) return `I'm not allowed to post in <#${channelId}> (missing permissions)`;
    if (error.code === 10003) return `the channel <#${channelId}> no longer exists`;
  }
  return `posting in <#${channelId}> failed`;
}

/** Posts a stored review item in its queue channel. If that fails the item stays pending (`/review` lists it and posts it again). */
export async function postQueueItem(store: Store, client: Client | undefined, logger: Logger, review: Review, payload: ReviewPayload): Promise<boolean> {
  if (!client) return false;
  try {
    const message = await postInChannel(client, review.queueChannelId, pendingQueueMessage(review, payload));
    await store.reviews.setQueueMessage(review.id, message.id);
    return true;
  } catch (error) {
    logger.error({ err: error, reviewId: review.id, queueChannelId: review.queueChannelId }, 'could not post in the review queue; the item stays pending (/review posts it again)');
    return false;
  }
}

/** Tells the student their answer was rejected (follow-up, else DM, else recorded). */
export async function tellRejected(store: Store, client: Client | undefined, logger: Logger, review: Review, payload: ReviewPayload | undefined): Promise<Delivery> {
  const guild = client?.guilds.cache.get(review.guildId)?.name;
  const lines = [
    `Your teacher reviewed the answer I gave you to “${safeInline(review.question, 300)}”${guild ? ` in ${safeInline(guild, 100)}` : ''} and did not approve it, so it won't be posted in <#${review.originChannelId}>.`,
  ];
  if (review.note) lines.push(`**Your teacher's note:** ${safeText(review.note, 1000)}`);
  lines.push('You can ask your teacher about it, or try asking in a different way.');
  const delivery = await tellPrivately(client, review.askerId, { content: lines.join('\n') }, { handle: payload?.interaction ?? null, logger: logger.child({ reviewId: review.id }) });
  try {
    await store.reviews.setNotified(review.id, delivery);
  } catch (error) {
    logger.warn({ err: error, reviewId: review.id }, 'could not record how the student was told');
  }
  if (delivery === 'failed') logger.warn({ reviewId: review.id, userId: review.askerId }, 'rejected answer: the student could not be told (recorded)');
  return delivery;
}

/** Which parts to hide behind spoiler tags in a public post, with the server's current setting. */
export async function publicSpoilerParts(store: Store, guildId: string): Promise<readonly BookPart[]> {
  return taggedPartsFor((await store.settings.get(guildId)).spoilerMode, false);
}
