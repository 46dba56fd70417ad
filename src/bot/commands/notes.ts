import { ButtonStyle, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type APIEmbed } from 'discord.js';
import { blockQuote, clampEmbed, safeInline, safeText } from '../../render/discord.js';
import { InvalidInputError, type Note, type Store } from '../../store/index.js';
import type { CommandModule } from '../command.js';
import { button, pagerRow, rows } from '../components.js';
import { customId, intArg } from '../custom-id.js';
import { defer, send, showModal, update, type MessageView } from '../respond.js';
import { teacherAccess } from '../teacher/access.js';
import { NOTE_QUESTION_FIELD, NOTE_TEXT_FIELD, noteCitation, noteInputProblem, noteModal } from '../teacher/notes.js';

export const NOTES_PAGE = 'notes-page';
export const NOTE_EDIT = 'note-edit';
export const NOTE_DELETE = 'note-del';
export const NOTE_EDIT_SUBMIT = 'note-edit-submit';
/** Notes per page: one row of Edit / Delete buttons each, plus the pager row (5 rows at most). */
export const NOTES_PER_PAGE = 4;
export const NOTES_COLOUR = 0x00695c;
const NOTES_MAX = 1000;

function notesEmbed(notes: Note[], page: number, pages: number, total: number): APIEmbed {
  if (total === 0) {
    return clampEmbed({
      title: 'Teacher notes',
      color: NOTES_COLOUR,
      description: 'There are no teacher notes yet. `/gaps` lists questions the guides could not answer; `/answer` answers one with a note.',
    });
  }
  return clampEmbed({
    title: `Teacher notes (${total})`,
    color: NOTES_COLOUR,
    description: 'Notes are quoted in answers like the guides, with their own citation. Edit or delete one with its buttons; answers change at once.',
    fields: notes.map((note) => ({
      name: `#${note.id} · ${safeInline(noteCitation(note), 150)}${note.updatedAt !== note.createdAt ? ' (edited)' : ''}`,
      value: [note.question ? `**Q:** ${safeInline(note.question, 200)}` : '', blockQuote(safeText(note.text, 600))].filter(Boolean).join('\n'),
    })),
    footer: pages > 1 ? { text: `Page ${page + 1} of ${pages}` } : undefined,
  });
}

/** A page of the guild's notes with Edit / Delete buttons. */
export async function notesMessage(store: Store, guildId: string, requestedPage: number, notice?: string): Promise<MessageView> {
  const all = await store.notes.list(guildId, { limit: NOTES_MAX });
  const pages = Math.max(1, Math.ceil(all.length / NOTES_PER_PAGE));
  const page = Math.min(Math.max(0, requestedPage), pages - 1);
  const shown = all.slice(page * NOTES_PER_PAGE, (page + 1) * NOTES_PER_PAGE);
  const noteRows = shown.flatMap((note) =>
    rows([button(customId(NOTE_EDIT, note.id), `Edit #${note.id}`, ButtonStyle.Primary), button(customId(NOTE_DELETE, note.id, page), `Delete #${note.id}`, ButtonStyle.Danger)]),
  );
  return {
    ...(notice ? { content: notice } : { content: '' }),
    embeds: [notesEmbed(shown, page, pages, all.length)],
    components: [...noteRows, ...pagerRow((target) => customId(NOTES_PAGE, target), page, pages)],
  };
}

const NOTE_GONE = 'That note no longer exists (another teacher may have deleted it). Nothing was changed.';

export const notesCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('notes')
    .setDescription("Teachers: the notes you've written to answer students' questions; edit or delete them")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  help: { usage: '/notes', example: '/notes', description: 'Teachers: lists the teacher notes, with buttons to edit or delete each one (answers change at once).' },

  async execute(interaction, { services }) {
    const access = await teacherAccess(interaction, services, 'manage teacher notes');
    if (!access) return;
    return send(interaction, await notesMessage(access.store, access.guildId, 0), { ephemeral: true });
  },

  buttons: [
    {
      prefix: NOTES_PAGE,
      async handle(interaction, [pageArg], { services }) {
        const access = await teacherAccess(interaction, services, 'manage teacher notes');
        if (!access) return;
        return update(interaction, await notesMessage(access.store, access.guildId, intArg(pageArg) ?? 0));
      },
    },
    {
      prefix: NOTE_DELETE,
      async handle(interaction, [idArg, pageArg], { services, log }) {
        const access = await teacherAccess(interaction, services, 'delete teacher notes');
        if (!access) return;
        const note = idArg && intArg(idArg) ? await access.store.notes.get(intArg(idArg)!) : null;
        if (!note || note.guildId !== access.guildId) return update(interaction, await notesMessage(access.store, access.guildId, intArg(pageArg) ?? 0, NOTE_GONE));
        await access.store.notes.delete(note.id);
        access.teacher.unindexNote(note);
        log.info({ noteId: note.id }, 'teacher note deleted');
        return update(interaction, await notesMessage(access.store, access.guildId, intArg(pageArg) ?? 0, `Deleted note #${note.id}. I no longer quote it.`));
      },
    },
    {
      prefix: NOTE_EDIT,
      async handle(interaction, [idArg], { services }) {
        const access = await teacherAccess(interaction, services, 'edit teacher notes');
        if (!access) return;
        const note = idArg && intArg(idArg) ? await access.store.notes.get(intArg(idArg)!) : null;
        if (!note || note.guildId !== access.guildId) return send(interaction, { content: NOTE_GONE }, { ephemeral: true });
        return showModal(interaction, noteModal(customId(NOTE_EDIT_SUBMIT, note.id), `Edit note #${note.id}`, { question: note.question, text: note.text }));
      },
    },
  ],

  modals: [
    {
      prefix: NOTE_EDIT_SUBMIT,
      async handle(interaction, [idArg], { services, log }) {
        const access = await teacherAccess(interaction, services, 'edit teacher notes');
        if (!access) return;
        const id = intArg(idArg);
        const note = id ? await access.store.notes.get(id) : null;
        if (!note || note.guildId !== access.guildId) return send(interaction, { content: NOTE_GONE }, { ephemeral: true });
        await defer(interaction, { ephemeral: true });
        const previous = note;
        let edited: Note;
        try {
          edited = await access.store.notes.update(note.id, {
            text: interaction.fields.getTextInputValue(NOTE_TEXT_FIELD),
            question: interaction.fields.getTextInputValue(NOTE_QUESTION_FIELD) || null,
          });
        } catch (error) {
          if (error instanceof InvalidInputError) return send(interaction, { content: `${noteInputProblem(error)} Nothing was changed.` });
          throw error;
        }
        try {
          await access.teacher.indexNote(edited);
        } catch (error) {
          await access.store.notes.update(previous.id, { text: previous.text, question: previous.question });
          log.error({ err: error, noteId: note.id }, 'could not re-index an edited note; the edit was undone');
          return send(interaction, { content: "Sorry, I couldn't update the search index, so the note was left as it was. Please try again." });
        }
        log.info({ noteId: note.id }, 'teacher note edited');
        return send(interaction, { content: `Note #${note.id} was updated. I quote the new text from now on.` });
      },
    },
  ],
};
