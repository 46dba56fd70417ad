import {
  InteractionContextType,
  LabelBuilder,
  ModalBuilder,
  PermissionFlagsBits,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { safeInline } from '../../render/discord.js';
import type { DecideResult, Review } from '../../store/index.js';
import type { CommandModule, HandlerContext } from '../command.js';
import { customId, intArg } from '../custom-id.js';
import { MESSAGES } from '../errors.js';
import { deferUpdate, NO_MENTIONS, send, showModal, update, type MessageView } from '../respond.js';
import { bookOfAnswer, scopedByBook } from '../library-scope.js';
import { teacherAccess, type GuildAccess } from '../teacher/access.js';
import {
  alreadyHandledMessage,
  approvedPublicMessage,
  decidedQueueMessage,
  editInChannel,
  postFailure,
  postInChannel,
  postQueueItem,
  publicSpoilerParts,
  readPayload,
  REVIEW_APPROVE,
  REVIEW_APPROVE_NOTE,
  REVIEW_APPROVE_NOTE_SUBMIT,
  REVIEW_GONE,
  REVIEW_NOTE_FIELD,
  REVIEW_NOTE_MAX,
  REVIEW_REJECT,
  REVIEW_REJECT_SUBMIT,
  tellRejected,
} from '../teacher/review.js';

const WHAT = 'review answers';

type Decidable = ButtonInteraction | ModalSubmitInteraction;

/** The review a button or modal points to, in this server; tells the teacher (and returns undefined) when it is gone. */
async function reviewFor(interaction: Decidable, access: GuildAccess, idArg: string | undefined): Promise<Review | undefined> {
  const id = intArg(idArg);
  if (id === undefined || id === 0) {
    await send(interaction, { content: MESSAGES.unknownButton }, { ephemeral: true });
    return undefined;
  }
  const review = await access.store.reviews.get(id);
  if (!review || review.guildId !== access.guildId) {
    await send(interaction, { content: REVIEW_GONE }, { ephemeral: true });
    return undefined;
  }
  return review;
}

/** Replaces the queue message the button (or the modal opened from it) is on. */
async function updateQueueMessage(interaction: Decidable, view: MessageView): Promise<void> {
  if (interaction.isButton()) return update(interaction, view);
  if (interaction.isFromMessage()) {
    await deferUpdate(interaction);
    await interaction.editReply({ content: view.content ?? '', embeds: view.embeds ?? [], components: [], allowedMentions: NO_MENTIONS });
  }
}

async function lost(interaction: Decidable, result: Extract<DecideResult, { ok: false }>, access: GuildAccess, review: Review): Promise<void> {
  await send(interaction, { content: alreadyHandledMessage(result) }, { ephemeral: true });
  // Bring a stale queue message up to date (someone decided from another copy, or before a restart).
  const current = await access.store.reviews.get(review.id);
  const message = interaction.message;
  if (current && current.status !== 'pending' && message && message.components.length > 0) {
    try {
      await editInChannel(interaction.client, message.channelId, message.id, decidedQueueMessage(current, readPayload(current)));
    } catch {
      // The queue message may be gone; the teacher was told either way.
    }
  }
}

/**
 * The decision is taken first (so a teacher who lost the race is answered at once), then the press
 * is acknowledged; if that fails (the interaction expired) the decision is undone, so an item is
 * never marked decided without the bot carrying it out.
 */
async function undoUnless(access: GuildAccess, decided: Review, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    await access.store.reviews.reopen(decided.id, decided.handledBy ?? '');
    throw error;
  }
}

async function approve(interaction: Decidable, access: GuildAccess, review: Review, note: string | null, { services, log }: HandlerContext): Promise<void> {
  const payload = readPayload(review);
  if (!payload) {
    await send(interaction, { content: 'This review item is damaged and cannot be posted. Nothing was changed.' }, { ephemeral: true });
    return;
  }
  const result = await access.store.reviews.decide(review.id, { decision: 'approved', teacherId: interaction.user.id, note });
  if (!result.ok) return lost(interaction, result, access, review);
  const decided = result.review;
  await undoUnless(access, decided, () => deferUpdate(interaction));
  try {
    // The answer's buttons (Read the section) open the book it was answered from.
    const book = await scopedByBook(access.guildId, services, payload.book ?? bookOfAnswer(services, access.guildId, payload.answer));
    await postInChannel(interaction.client, decided.originChannelId, approvedPublicMessage(book, decided, payload, await publicSpoilerParts(access.store, access.guildId)));
  } catch (error) {
    await access.store.reviews.reopen(decided.id, interaction.user.id);
    log.warn({ err: error, reviewId: decided.id }, 'approved answer could not be posted; the item is pending again');
    await send(
      interaction,
      { content: `I couldn't post the answer: ${postFailure(error, decided.originChannelId)}. The item is still waiting for review; fix that and press Approve again.` },
      { ephemeral: true },
    );
    return;
  }
  // "More passages" on the public answer continues from the question.
  services.answers.set(payload.answerId, {
    question: payload.answer.question,
    userId: decided.askerId,
    guildId: decided.guildId,
    createdAt: Date.now(),
    ...(payload.book ? { book: payload.book } : {}),
  });
  log.info({ reviewId: decided.id, note: note !== null }, 'review approved');
  await updateQueueMessage(interaction, decidedQueueMessage(decided, payload));
}

async function reject(interaction: ModalSubmitInteraction, access: GuildAccess, review: Review, note: string | null, { log }: HandlerContext): Promise<void> {
  const result = await access.store.reviews.decide(review.id, { decision: 'rejected', teacherId: interaction.user.id, note });
  if (!result.ok) return lost(interaction, result, access, review);
  await undoUnless(access, result.review, () => deferUpdate(interaction));
  const payload = readPayload(result.review);
  const delivery = await tellRejected(access.store, interaction.client, log, result.review, payload);
  log.info({ reviewId: review.id, delivery }, 'review rejected');
  await updateQueueMessage(interaction, decidedQueueMessage(result.review, payload, delivery));
}

function noteModal(prefix: string, reviewId: number, title: string, required: boolean): ModalBuilder {
  const input = new TextInputBuilder().setCustomId(REVIEW_NOTE_FIELD).setStyle(TextInputStyle.Paragraph).setMaxLength(REVIEW_NOTE_MAX).setRequired(required);
  if (required) input.setMinLength(1);
  return new ModalBuilder()
    .setCustomId(customId(prefix, reviewId))
    .setTitle(title)
    .addLabelComponents(new LabelBuilder().setLabel(required ? 'Your note (shown above the answer)' : 'A note for the student (optional)').setTextInputComponent(input));
}

/** Opens a note modal, unless the item was already handled. */
async function askForNote(interaction: ButtonInteraction, idArg: string | undefined, context: HandlerContext, prefix: string, title: string, required: boolean): Promise<void> {
  const access = await teacherAccess(interaction, context.services, WHAT);
  if (!access) return;
  const review = await reviewFor(interaction, access, idArg);
  if (!review) return;
  if (review.status !== 'pending') return send(interaction, { content: alreadyHandledMessage(review) }, { ephemeral: true });
  return showModal(interaction, noteModal(prefix, review.id, title, required));
}

async function submitNote(interaction: ModalSubmitInteraction, idArg: string | undefined, context: HandlerContext, decision: 'approved' | 'rejected'): Promise<void> {
  const access = await teacherAccess(interaction, context.services, WHAT);
  if (!access) return;
  const review = await reviewFor(interaction, access, idArg);
  if (!review) return;
  const note = interaction.fields.getTextInputValue(REVIEW_NOTE_FIELD).trim() || null;
  if (decision === 'approved') return approve(interaction, access, review, note, context);
  return reject(interaction, access, review, note, context);
}

export const reviewCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('review')
    .setDescription('Teachers: answers waiting for review (posts again any the queue is missing)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  help: {
    usage: '/review',
    example: '/review',
    description: 'Teachers: lists the answers waiting in the review queue (turn review mode on with /config review). Each queue item has Approve, Approve with note and Reject buttons.',
  },

  async execute(interaction, { services, log }) {
    const access = await teacherAccess(interaction, services, WHAT);
    if (!access) return;
    const pending = await access.store.reviews.listPending(access.guildId, 100);
    if (pending.length === 0) {
      return send(
        interaction,
        { content: `No answers are waiting for review.${access.settings.reviewMode === 'off' ? ' Review mode is off; `/config review mode:on queue:#channel` turns it on.' : ''}` },
        { ephemeral: true },
      );
    }
    let reposted = 0;
    for (const review of pending.filter((item) => item.queueMessageId === null).slice(0, 10)) {
      const payload = readPayload(review);
      if (payload && (await postQueueItem(access.store, interaction.client, log, review, payload))) reposted += 1;
    }
    const lines = (await access.store.reviews.listPending(access.guildId, 20)).map((review) => {
      const link = review.queueMessageId ? `https://discord.com/channels/${review.guildId}/${review.queueChannelId}/${review.queueMessageId}` : null;
      return `• **#${review.id}** “${safeInline(review.question, 120)}” from <@${review.askerId}> <t:${Math.floor(review.createdAt / 1000)}:R>${link ? ` · [open](${link})` : ' · not in the queue channel (I could not post it there)'}`;
    });
    const head = `${pending.length} answer${pending.length === 1 ? ' is' : 's are'} waiting for review.${reposted > 0 ? ` I posted ${reposted} that the queue was missing.` : ''}`;
    return send(interaction, { content: [head, ...lines].join('\n') }, { ephemeral: true });
  },

  buttons: [
    {
      prefix: REVIEW_APPROVE,
      async handle(interaction, [idArg], context) {
        const access = await teacherAccess(interaction, context.services, WHAT);
        if (!access) return;
        const review = await reviewFor(interaction, access, idArg);
        if (!review) return;
        return approve(interaction, access, review, null, context);
      },
    },
    {
      prefix: REVIEW_APPROVE_NOTE,
      handle: (interaction, [idArg], context) => askForNote(interaction, idArg, context, REVIEW_APPROVE_NOTE_SUBMIT, 'Approve with a note', true),
    },
    {
      prefix: REVIEW_REJECT,
      handle: (interaction, [idArg], context) => askForNote(interaction, idArg, context, REVIEW_REJECT_SUBMIT, 'Reject this answer', false),
    },
  ],

  modals: [
    { prefix: REVIEW_APPROVE_NOTE_SUBMIT, handle: (interaction, [idArg], context) => submitNote(interaction, idArg, context, 'approved') },
    { prefix: REVIEW_REJECT_SUBMIT, handle: (interaction, [idArg], context) => submitNote(interaction, idArg, context, 'rejected') },
  ],
};
