import type { Answer } from '../../search/answer.js';
import { isChannelAllowed, type GuildSettings } from '../../store/index.js';
import type { AskContext, AskHook } from '../ask-hooks.js';
import { interactionIsTeacher } from './access.js';
import { interactionSettings } from './interaction-settings.js';
import { settingsChannelId } from './channels.js';
import { postQueueItem, readPayload, type ReviewPayload } from './review.js';
import type { TeacherRuntime } from './runtime.js';
import { GAP_CANDIDATES, GAP_SIMILARITY_THRESHOLD } from './runtime.js';
import { readerOptions } from './reader-options.js';
import { PROGRESS_NOTICE, READER_PART_LABELS } from './spoilers.js';

/**
 * The `/ask` hooks of the teacher features, in the order they run:
 *  1. `server-settings` (before): where /ask is allowed, public or private answers, review mode,
 *     spoiler mode and reading progress, and other servers' notes left out;
 *  2. `question-log` (record): every question and answer is logged, with the answer id its buttons use;
 *  3. `knowledge-gaps` (after): a question about the book that the guides could not answer (not an
 *     instruction, a request to write something or a question about another book) joins the unanswered list;
 *  4. `review-queue` (record, then after): in review mode, the proposed answer is stored as a review
 *     item before the student is told it was sent for review, then posted in the queue channel.
 * The two `record`s run in one transaction, before the answer is shown.
 * Teachers are exempt from the channel list, review and the reading-progress filter.
 */

export const REVIEW_NOTICE =
  'Your teacher reviews answers in this server: this one was sent to your teacher for review, and only you can see it for now. If it is approved, it will be posted in the channel.';

export function channelPointer(settings: GuildSettings): string {
  const channels = settings.allowedChannelIds.map((id) => `<#${id}>`);
  const list = channels.length === 1 ? channels[0]! : `${channels.slice(0, -1).join(', ')} or ${channels[channels.length - 1]}`;
  return `Questions for Guidebot go in ${list} in this server. Please ask there.`;
}

/** What a review item stores: the answer as proposed, and how to reach the student later. */
function reviewPayload(answer: Answer, context: AskContext): ReviewPayload {
  return {
    v: 1,
    answer,
    answerId: context.answerId,
    askerName: context.userName ?? '',
    ...(context.book ? { book: context.book } : {}),
    ...(context.interaction ? { interaction: { token: context.interaction.token, createdAt: context.interaction.createdTimestamp } } : {}),
  };
}

export function teacherAskHooks(runtime: TeacherRuntime): AskHook[] {
  const { store, logger } = runtime;

  const serverSettings: AskHook = {
    name: 'server-settings',
    async before(context) {
      if (!context.guildId) {
        context.askOptions.exclude = runtime.exclusionsFor(null);
        return;
      }
      const settings = await interactionSettings(store, context.interaction, context.guildId);
      const teacher = context.interaction ? await interactionIsTeacher(context.interaction, store) : false;
      const channelId = context.interaction ? settingsChannelId(context.interaction) : context.channelId;
      if (!teacher && channelId && !isChannelAllowed(settings, channelId)) return { refuse: channelPointer(settings) };
      let ephemeral = context.ephemeral || settings.answerVisibility === 'private';
      if (!ephemeral && !teacher && settings.reviewMode === 'on' && settings.reviewChannelId) {
        context.review = { queueChannelId: settings.reviewChannelId };
        ephemeral = true;
        context.notices.push(REVIEW_NOTICE);
      }
      const options = await readerOptions(runtime, { guildId: context.guildId, userId: context.userId, teacher, ephemeral }, settings);
      Object.assign(context.askOptions, options.askOptions);
      context.render = options.render;
      if (!options.progressSet) context.notices.push(PROGRESS_NOTICE);
      return { ephemeral };
    },
    transform(answer, context) {
      const part = context.askOptions.readerPart;
      if (!answer.answered && part !== undefined && part !== 'part-three' && !context.notices.includes(PROGRESS_NOTICE)) {
        context.notices.push(`I only searched the parts of the guides that don't go beyond ${READER_PART_LABELS[part]}, as spoiler control is on.`);
      }
      return answer;
    },
  };

  const questionLog: AskHook = {
    name: 'question-log',
    async record(answer, context) {
      if (!context.guildId || !context.channelId) return;
      context.logId = await store.log.logQuestion({
        guildId: context.guildId,
        channelId: context.channelId,
        userId: context.userId,
        userName: context.userName ?? '',
        question: answer.question,
        answered: answer.answered,
        confidence: answer.confidence,
        passages: answer.passages.map((passage) => ({ id: passage.id, citation: passage.citation, score: passage.score })),
        latencyMs: Math.max(0, Date.now() - context.startedAt),
        answerId: context.answerId,
      });
      logger.info({ logId: context.logId, answerId: context.answerId, guildId: context.guildId, answered: answer.answered }, 'question logged');
    },
  };

  const knowledgeGaps: AskHook = {
    name: 'knowledge-gaps',
    async after(answer, context) {
      if (answer.answered || !context.guildId || !context.channelId) return;
      // Only a question about the book that the guides do not cover is a gap; a request to write a poem, an insult or a question about another book is not.
      if (answer.refusal?.reason !== 'not-covered') return;
      // Not covered only because of the reader's progress filter? Then the guides do answer it: no gap.
      const part = context.askOptions.readerPart;
      if (part !== undefined && part !== 'part-three') {
        // The book the question was asked of (a server's own book has its own engine).
        const unfiltered = await context.services.engine.ask(answer.question, { k: 3, ...(context.askOptions.exclude ? { exclude: context.askOptions.exclude } : {}) });
        if (unfiltered.answered) return;
      }
      const similarity = await runtime.gapSimilarity(context.guildId, answer.question);
      const gap = await store.gaps.record(
        { guildId: context.guildId, channelId: context.channelId, userId: context.userId, question: answer.question, logId: context.logId ?? null },
        { similarity, threshold: GAP_SIMILARITY_THRESHOLD, candidates: GAP_CANDIDATES },
      );
      logger.info({ gapId: gap.gapId, created: gap.created, count: gap.count }, 'unanswered question recorded');
    },
  };

  const reviewQueue: AskHook = {
    name: 'review-queue',
    async record(answer, context) {
      if (!context.review || !context.guildId || !context.channelId) return;
      const review = await store.reviews.create({
        logId: context.logId ?? null,
        guildId: context.guildId,
        originChannelId: context.channelId,
        askerId: context.userId,
        question: answer.question,
        payload: reviewPayload(answer, context),
        queueChannelId: context.review.queueChannelId,
      });
      context.review.reviewId = review.id;
    },
    async after(_answer, context) {
      const reviewId = context.review?.reviewId;
      if (reviewId === undefined) return;
      const review = await store.reviews.get(reviewId);
      const payload = review && readPayload(review);
      if (!review || !payload) return;
      const posted = await postQueueItem(store, runtime.client, logger, review, payload);
      logger.info({ reviewId, posted }, 'answer queued for review');
    },
  };

  return [serverSettings, questionLog, knowledgeGaps, reviewQueue];
}
