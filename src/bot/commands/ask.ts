import { ButtonStyle, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { InvalidQuestionError, prepareQuestion } from '../../question.js';
import { answerEmbed, passagesEmbed } from '../../render/discord.js';
import { answerView, type AnswerRenderOptions, type SectionRef } from '../../render/view.js';
import type { Answer } from '../../search/answer.js';
import { acknowledgementsFirst } from '../ack-first.js';
import type { AskContext } from '../ask-hooks.js';
import type { CommandModule, HandlerContext } from '../command.js';
import { button, rows } from '../components.js';
import { customId, intArg } from '../custom-id.js';
import { MESSAGES } from '../errors.js';
import { PASSAGES_MAX_OFFSET, PASSAGES_PER_PAGE, QUESTION_MAX, QUESTION_MIN } from '../limits.js';
import { rateLimitNotice } from '../rate-limit.js';
import { defer, send, type MessageView } from '../respond.js';
import type { BotServices } from '../services.js';
import { interactionIsTeacher } from '../teacher/access.js';
import { readerOptions } from '../teacher/reader-options.js';
import { authorNameOf } from '../teacher/notes.js';
import { withTimeout } from '../timeout.js';
import { autocompleteBook, BOOK_OPTION, BOOK_OPTION_DESCRIPTION, bookNotice, bookOptionOf, scoped } from '../library-scope.js';
import { SECTION_READ } from './section.js';

export const ASK_MORE = 'ask-more';
export const ASK_VOTE = 'ask-vote';

const SNOWFLAKE = /^\d{17,20}$/;

function readButtonFor(services: BotServices, section: SectionRef | undefined, label: string) {
  const entry = section && services.sections.bySourceAndPath(section.source, section.path);
  return entry ? button(customId(SECTION_READ, services.sections.idOf(entry)), label) : undefined;
}

/** The answer embed with its buttons: More passages, Read the section, Helpful, Not helpful. */
export function answerMessage(services: BotServices, answer: Answer, answerId: string, render: AnswerRenderOptions = {}): MessageView {
  const view = answerView(answer, render);
  const buttons = [];
  if (answer.passages.length >= PASSAGES_PER_PAGE) buttons.push(button(customId(ASK_MORE, answerId, PASSAGES_PER_PAGE), 'More passages', ButtonStyle.Primary));
  const read = readButtonFor(services, view.bestSection, 'Read the section');
  if (read) buttons.push(read);
  buttons.push(button(customId(ASK_VOTE, answerId, 1), 'Helpful', ButtonStyle.Success), button(customId(ASK_VOTE, answerId, 0), 'Not helpful', ButtonStyle.Secondary));
  return { embeds: [answerEmbed(view)], components: rows(buttons) };
}

/** A page of further passages, with a button to read each one's section and one for the next page. */
export function passagesMessage(services: BotServices, answer: Answer, answerId: string, offset: number, render: AnswerRenderOptions = {}): MessageView {
  const view = answerView(answer, { ...render, offset });
  const reads = view.passages
    .map((passage) => readButtonFor(services, passage.section, `Read ${passage.rank}: ${passage.section.path[passage.section.path.length - 1] ?? 'section'}`))
    .filter((item) => item !== undefined);
  const more = [];
  const next = offset + PASSAGES_PER_PAGE;
  if (answer.passages.length >= PASSAGES_PER_PAGE && next <= PASSAGES_MAX_OFFSET) more.push(button(customId(ASK_MORE, answerId, next), 'More passages', ButtonStyle.Primary));
  return { embeds: [passagesEmbed(view)], components: [...rows(reads), ...rows(more)] };
}

async function runAsk(interaction: ChatInputCommandInteraction, { services, log }: HandlerContext): Promise<void> {
  const question = interaction.options.getString('question', true);
  const context: AskContext = {
    answerId: interaction.id,
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    question,
    ephemeral: interaction.options.getBoolean('private') ?? false,
    services,
    interaction,
    userName: authorNameOf(interaction),
    startedAt: Date.now(),
    askOptions: {},
    render: {},
    notices: [],
  };

  // Checks that need no engine come first, answered privately at once.
  try {
    prepareQuestion(question);
  } catch (error) {
    if (error instanceof InvalidQuestionError) return send(interaction, { content: error.message }, { ephemeral: true });
    throw error;
  }
  const decision = (await services.questionLimiterFor(context.guildId, interaction)).take(context.userId);
  if (!decision.allowed) return send(interaction, { content: rateLimitNotice(decision) }, { ephemeral: true });
  for (const hook of services.askHooks) {
    const verdict = await hook.before?.(context);
    if (verdict?.refuse) return send(interaction, { content: verdict.refuse }, { ephemeral: true });
    if (verdict?.ephemeral !== undefined) context.ephemeral = verdict.ephemeral;
  }

  await defer(interaction, { ephemeral: context.ephemeral });
  // The book's engine may need loading: after the acknowledgement, so Discord's 3 seconds never run out.
  const scope = await scoped(interaction, services, bookOptionOf(interaction));
  const book = scope.services;
  context.services = book;
  if (scope.book) context.book = scope.book;
  context.notices.push(...bookNotice(scope));
  let answer = await withTimeout(book.engine.ask(question, { k: PASSAGES_PER_PAGE, ...context.askOptions }), services.engineTimeoutMs, 'answering');
  await acknowledgementsFirst();
  for (const hook of services.askHooks) if (hook.transform) answer = await hook.transform(answer, context);
  services.answers.set(context.answerId, { question: answer.question, userId: context.userId, guildId: context.guildId, createdAt: Date.now(), ...(scope.book ? { book: scope.book } : {}) });
  // Write first, then tell: what the answer confirms is stored before the student sees it.
  const record = async () => {
    for (const hook of services.askHooks) await hook.record?.(answer, context);
  };
  // Each question writes rows of its own, so concurrent questions need not wait for one another (see ownRowsOnly).
  if (services.store) await services.store.transaction(record, { ownRowsOnly: true });
  else await record();
  const shown = context.notices.length > 0 ? { ...answer, notices: [...answer.notices, ...context.notices] } : answer;
  await send(interaction, answerMessage(book, shown, context.answerId, context.render));
  log.info({ answered: answer.answered, confidence: answer.confidence, passages: answer.passages.length }, 'answered');

  for (const hook of services.askHooks) {
    try {
      await hook.after?.(answer, context);
    } catch (error) {
      log.error({ err: error, hook: hook.name }, 'ask hook failed');
    }
  }
}

export const askCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask about the study guides; I answer with passages quoted word for word')
    .addStringOption((option) => option.setName('question').setDescription('Your question, for example: Who is Miss Lucy?').setRequired(true).setMinLength(QUESTION_MIN).setMaxLength(QUESTION_MAX))
    .addBooleanOption((option) => option.setName('private').setDescription('Only you see the answer (default: everyone in the channel)'))
    .addStringOption((option) => option.setName(BOOK_OPTION).setDescription(BOOK_OPTION_DESCRIPTION).setAutocomplete(true).setMaxLength(100))
    .toJSON(),
  help: {
    usage: '/ask question:<text> [private] [book]',
    example: '/ask question:Who is Miss Lucy?',
    description: 'Answers with the best passages quoted word for word, each with where it comes from (guide › section). Buttons: More passages, Read the section, Helpful / Not helpful.',
  },
  execute: runAsk,
  autocomplete: (interaction, { services }) => autocompleteBook(interaction, services),

  buttons: [
    {
      prefix: ASK_MORE,
      async handle(interaction, [answerId = '', offsetArg], { services }) {
        const cached = await services.answers.find(answerId);
        const offset = intArg(offsetArg);
        if (!cached || offset === undefined || offset > PASSAGES_MAX_OFFSET) return send(interaction, { content: MESSAGES.expiredAnswer }, { ephemeral: true });
        const decision = (await services.questionLimiterFor(interaction.guildId, interaction)).take(interaction.user.id);
        if (!decision.allowed) return send(interaction, { content: rateLimitNotice(decision) }, { ephemeral: true });
        // The passages are for whoever pressed: their reading progress, their server's spoiler setting.
        const reader = services.teacher
          ? await readerOptions(services.teacher, { guildId: interaction.guildId, userId: interaction.user.id, teacher: await interactionIsTeacher(interaction, services.store), ephemeral: true })
          : { askOptions: {}, render: {} };
        await defer(interaction, { ephemeral: true });
        const book = (await scoped(interaction, services, cached.book)).services;
        const answer = await withTimeout(book.engine.ask(cached.question, { k: PASSAGES_PER_PAGE, offset, ...reader.askOptions }), services.engineTimeoutMs, 'more passages');
        await send(interaction, passagesMessage(book, answer, answerId, offset, reader.render));
      },
    },
    {
      prefix: ASK_VOTE,
      async handle(interaction, [answerId = '', vote], { services, log }) {
        if (!SNOWFLAKE.test(answerId) || (vote !== '1' && vote !== '0')) return send(interaction, { content: MESSAGES.expiredAnswer }, { ephemeral: true });
        const helpful = vote === '1';
        const cached = await services.answers.find(answerId);
        const result = await services.feedback.record({
          answerId,
          userId: interaction.user.id,
          helpful,
          guildId: interaction.guildId,
          at: Date.now(),
          ...(cached ? { question: cached.question } : {}),
        });
        log.info({ answerId, helpful, result }, 'feedback');
        const content =
          result === 'not-kept'
            ? interaction.guildId
              ? "Thanks for telling me, but this answer is no longer in the question log (its question may have been deleted), so I couldn't keep your vote."
              : "Thanks for telling me, but I only keep votes on answers given in a server (where teachers see them), so this vote in direct messages wasn't kept."
            : result === 'unchanged'
              ? `You already marked this answer as ${helpful ? 'helpful' : 'not helpful'}.`
              : helpful
                ? "Thanks! I've noted that this answer helped."
                : "Thanks for telling me. I've noted that this answer didn't help, so the guides can be improved.";
        return send(interaction, { content }, { ephemeral: true });
      },
    },
  ],
};
