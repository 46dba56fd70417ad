import { ButtonStyle, LabelBuilder, ModalBuilder, SlashCommandBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import { InvalidQuestionError } from '../../question.js';
import { quizGradeEmbed, quizQuestionEmbed, truncate } from '../../render/discord.js';
import type { CommandModule } from '../command.js';
import { button, rows } from '../components.js';
import { customId } from '../custom-id.js';
import { MESSAGES } from '../errors.js';
import { QUIZ_ANSWER_MAX, QUIZ_ANSWER_MIN, TEXT_INPUT_PLACEHOLDER_MAX } from '../limits.js';
import { rateLimitNotice } from '../rate-limit.js';
import { defer, send, showModal } from '../respond.js';
import { withTimeout } from '../timeout.js';
import { autocompleteBook, BOOK_OPTION, BOOK_OPTION_DESCRIPTION, bookOptionOf, scoped, scopedById } from '../library-scope.js';

export const QUIZ_ANSWER = 'quiz-answer';
export const QUIZ_SUBMIT = 'quiz-submit';
export const QUIZ_FIELD = 'answer';

export const quizCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('quiz')
    .setDescription('Tutor mode: answer a study question and see which key points you covered')
    .addStringOption((option) => option.setName(BOOK_OPTION).setDescription(BOOK_OPTION_DESCRIPTION).setAutocomplete(true).setMaxLength(100))
    .toJSON(),
  help: {
    usage: '/quiz [book]',
    example: '/quiz',
    description: "Gives you one of the guides' own study questions. Press Answer, write your answer, and see which key points of the guide's answer you covered and missed.",
  },

  autocomplete: (interaction, { services }) => autocompleteBook(interaction, services),

  async execute(interaction, context) {
    const { services } = await scoped(interaction, context.services, bookOptionOf(interaction));
    const question = await services.studyQuestions.pick(interaction.user.id);
    if (!question) return send(interaction, { content: 'The guides have no study questions yet.' }, { ephemeral: true });
    const id = services.studyQuestions.idOf(question);
    return send(interaction, { embeds: [quizQuestionEmbed(question)], components: rows([button(customId(QUIZ_ANSWER, id), 'Answer', ButtonStyle.Primary)]) });
  },

  buttons: [
    {
      prefix: QUIZ_ANSWER,
      async handle(interaction, [id = ''], context) {
        const services = (await scopedById(interaction, context.services, (scope) => scope.studyQuestions.get(id) !== undefined)) ?? context.services;
        const question = services.studyQuestions.get(id);
        if (!question) return send(interaction, { content: MESSAGES.missingQuizQuestion }, { ephemeral: true });
        const input = new TextInputBuilder()
          .setCustomId(QUIZ_FIELD)
          .setStyle(TextInputStyle.Paragraph)
          .setMinLength(QUIZ_ANSWER_MIN)
          .setMaxLength(QUIZ_ANSWER_MAX)
          .setPlaceholder(truncate(question.question, TEXT_INPUT_PLACEHOLDER_MAX))
          .setRequired(true);
        const modal = new ModalBuilder().setCustomId(customId(QUIZ_SUBMIT, id)).setTitle('Your answer').addLabelComponents(new LabelBuilder().setLabel('Your answer').setTextInputComponent(input));
        return showModal(interaction, modal);
      },
    },
  ],

  modals: [
    {
      prefix: QUIZ_SUBMIT,
      async handle(interaction, [id = ''], context) {
        const services = (await scopedById(interaction, context.services, (scope) => scope.studyQuestions.get(id) !== undefined)) ?? context.services;
        const question = services.studyQuestions.get(id);
        if (!question) return send(interaction, { content: MESSAGES.missingQuizQuestion }, { ephemeral: true });
        const studentAnswer = interaction.fields.getTextInputValue(QUIZ_FIELD);
        const decision = (await services.questionLimiterFor(interaction.guildId, interaction)).take(interaction.user.id);
        if (!decision.allowed) return send(interaction, { content: rateLimitNotice(decision, 'questions or answers') }, { ephemeral: true });
        await defer(interaction, { ephemeral: true });
        try {
          const grade = await withTimeout(services.engine.gradeAnswer(question.id, studentAnswer), services.engineTimeoutMs, 'grading');
          return send(interaction, { embeds: [quizGradeEmbed(grade, studentAnswer)] });
        } catch (error) {
          if (error instanceof InvalidQuestionError) return send(interaction, { content: error.message });
          throw error;
        }
      },
    },
  ],
};
