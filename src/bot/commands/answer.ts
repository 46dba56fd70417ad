import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { safeInline, truncate } from '../../render/discord.js';
import { InvalidInputError } from '../../store/index.js';
import type { CommandModule } from '../command.js';
import { customId, intArg } from '../custom-id.js';
import { AUTOCOMPLETE_CHOICES_MAX, CHOICE_NAME_MAX } from '../limits.js';
import { requiredText } from '../options.js';
import { defer, send, showModal } from '../respond.js';
import { interactionIsTeacher, teacherAccess } from '../teacher/access.js';
import { authorNameOf, NOTE_QUESTION_FIELD, NOTE_TEXT_FIELD, noteCitation, noteInputProblem, noteModal, tellAskers } from '../teacher/notes.js';

export const ANSWER_SUBMIT = 'gap-answer';

const GAP_GONE = 'That unanswered question no longer exists (it may have been deleted with /forget). `/gaps` lists the current ones.';

export const answerCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('answer')
    .setDescription("Teachers: answer a question the guides couldn't; I quote your answer from then on")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) => option.setName('gap').setDescription('The unanswered question (start typing)').setRequired(true).setAutocomplete(true))
    .toJSON(),
  help: {
    usage: '/answer gap:<question>',
    example: '/answer gap:What colour is Kathy’s car?',
    description: 'Teachers: write the answer to an unanswered question. It is quoted in answers as a teacher note, and the students who asked are told privately.',
  },

  async autocomplete(interaction, { services }) {
    const store = services.store;
    if (!store || !interaction.inGuild() || !(await interactionIsTeacher(interaction, store))) return interaction.respond([]);
    const typed = String(interaction.options.getFocused() ?? '');
    const gaps = await store.gaps.search(interaction.guildId, typed, { limit: AUTOCOMPLETE_CHOICES_MAX });
    return interaction.respond(gaps.map((gap) => ({ name: truncate(`${gap.question}${gap.count > 1 ? ` (×${gap.count})` : ''}`, CHOICE_NAME_MAX), value: String(gap.id) })));
  },

  async execute(interaction, { services }) {
    const access = await teacherAccess(interaction, services, 'answer unanswered questions');
    if (!access) return;
    const typed = requiredText(interaction, 'gap');
    let gapId = intArg(typed);
    if (gapId === undefined) {
      // Typed text instead of choosing: take the one matching gap, if there is exactly one.
      const matches = await access.store.gaps.search(access.guildId, typed, { limit: 2 });
      if (matches.length === 1) gapId = matches[0]!.id;
      else return send(interaction, { content: 'Choose one of the suggested questions (start typing to find it). `/gaps` lists them all.' }, { ephemeral: true });
    }
    const gap = gapId > 0 ? await access.store.gaps.get(gapId) : null;
    if (!gap || gap.guildId !== access.guildId) return send(interaction, { content: GAP_GONE }, { ephemeral: true });
    if (gap.status === 'answered') {
      const note = gap.noteId ? await access.store.notes.get(gap.noteId) : null;
      return send(
        interaction,
        { content: `That question was already answered${note ? ` (note #${note.id}, ${safeInline(noteCitation(note), 200)})` : ''}. \`/notes\` lets you edit notes.` },
        { ephemeral: true },
      );
    }
    return showModal(interaction, noteModal(customId(ANSWER_SUBMIT, gap.id), 'Answer a student question', { question: gap.question }));
  },

  modals: [
    {
      prefix: ANSWER_SUBMIT,
      async handle(interaction, [gapArg], { services, log }) {
        const access = await teacherAccess(interaction, services, 'answer unanswered questions');
        if (!access) return;
        const gapId = intArg(gapArg);
        const gap = gapId ? await access.store.gaps.get(gapId) : null;
        if (!gap || gap.guildId !== access.guildId) return send(interaction, { content: GAP_GONE }, { ephemeral: true });
        await defer(interaction, { ephemeral: true });
        const text = interaction.fields.getTextInputValue(NOTE_TEXT_FIELD);
        const question = interaction.fields.getTextInputValue(NOTE_QUESTION_FIELD) || gap.question;
        let note;
        try {
          note = await access.store.notes.create({ guildId: access.guildId, authorId: interaction.user.id, authorName: authorNameOf(interaction), text, question, gapId: gap.id });
        } catch (error) {
          if (error instanceof InvalidInputError) return send(interaction, { content: `${noteInputProblem(error)} Nothing was saved.` });
          throw error;
        }
        try {
          await access.teacher.indexNote(note);
        } catch (error) {
          await access.store.notes.delete(note.id);
          log.error({ err: error, noteId: note.id }, 'could not index a teacher note; it was not kept');
          return send(interaction, { content: "Sorry, I couldn't add your answer to the search index, so it was not saved. Please try again." });
        }
        const marked = await access.store.gaps.markAnswered(gap.id, note.id);
        log.info({ gapId: gap.id, noteId: note.id, askers: marked.userIds.length }, 'gap answered with a teacher note');
        const told = await tellAskers(access.teacher, gap, note, marked.userIds, interaction.guild?.name);
        const reached = told.dm + told['follow-up'];
        const lines = [`Saved as note #${note.id} (“${safeInline(noteCitation(note), 200)}”). I quote it in answers from now on.`];
        if (marked.alreadyAnswered) lines.push('Another teacher had just answered this question too; both notes are kept (`/notes` to tidy up).');
        else if (marked.userIds.length > 0) {
          lines.push(
            `I told ${reached} of the ${marked.userIds.length} student${marked.userIds.length === 1 ? '' : 's'} who asked${told.failed > 0 ? ` (${told.failed} couldn't be reached by direct message; that was logged)` : ''}.`,
          );
        }
        return send(interaction, { content: lines.join('\n') });
      },
    },
  ],
};
