import { LabelBuilder, ModalBuilder, TextInputBuilder, TextInputStyle, type GuildMember, type Interaction } from 'discord.js';
import { safeInline, safeText, truncate } from '../../render/discord.js';
import type { GapDetail, InvalidInputError, Note } from '../../store/index.js';
import { MODAL_TITLE_MAX } from '../limits.js';
import { tellPrivately, type Delivery } from './delivery.js';
import type { TeacherRuntime } from './runtime.js';

export const NOTE_TEXT_FIELD = 'text';
export const NOTE_QUESTION_FIELD = 'question';
export const NOTE_TEXT_MAX = 4000;
export const NOTE_QUESTION_MAX = 300;

/** The name a note is cited with: the teacher's server nickname, else their Discord name. */
export function authorNameOf(interaction: Interaction): string {
  const member = interaction.member as GuildMember | { nick?: string | null } | null;
  const display = member && 'displayName' in member ? member.displayName : (member?.nick ?? undefined);
  return (display || interaction.user.globalName || interaction.user.username).slice(0, 100);
}

/** The modal where a teacher writes (or edits) a note. */
export function noteModal(customId: string, title: string, values: { question?: string | null; text?: string | null }): ModalBuilder {
  const question = new TextInputBuilder().setCustomId(NOTE_QUESTION_FIELD).setStyle(TextInputStyle.Short).setMaxLength(NOTE_QUESTION_MAX).setRequired(false);
  if (values.question) question.setValue(truncate(values.question, NOTE_QUESTION_MAX));
  const text = new TextInputBuilder().setCustomId(NOTE_TEXT_FIELD).setStyle(TextInputStyle.Paragraph).setMinLength(1).setMaxLength(NOTE_TEXT_MAX).setRequired(true);
  if (values.text) text.setValue(truncate(values.text, NOTE_TEXT_MAX));
  return new ModalBuilder()
    .setCustomId(customId)
    .setTitle(truncate(title, MODAL_TITLE_MAX))
    .addLabelComponents(
      new LabelBuilder().setLabel('The question it answers (searched too)').setTextInputComponent(question),
      new LabelBuilder().setLabel('Your answer (quoted word for word)').setTextInputComponent(text),
    );
}

/** A note the store refused (empty, too long), in the words of the form: its fields are "Your answer" and "The question". */
export function noteInputProblem(error: InvalidInputError): string {
  return error.message.replace(/^text\b/, 'Your answer').replace(/^question\b/, 'The question');
}

export const noteCitation = (note: Pick<Note, 'authorName' | 'createdAt'>) => `Teacher note by ${note.authorName || 'a teacher'}, ${new Date(note.createdAt).toISOString().slice(0, 10)}`;

/**
 * Tells every student who asked a now answered question, by direct message (their /ask is long
 * over, so there is no interaction to follow up on). Returns how many were told.
 */
export async function tellAskers(runtime: TeacherRuntime, gap: GapDetail, note: Note, userIds: string[], guildName: string | undefined): Promise<Record<Delivery, number>> {
  const counts: Record<Delivery, number> = { 'follow-up': 0, dm: 0, failed: 0 };
  const channelId = gap.asks[gap.asks.length - 1]?.channelId;
  const content = [
    `You asked “${safeInline(gap.question, 300)}”${guildName ? ` in ${safeInline(guildName, 100)}` : ''}, and the guides couldn't answer it then. Your teacher has now answered it:`,
    safeText(note.text, 1200)
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n'),
    `— *${safeInline(noteCitation(note), 200)}*`,
    `Ask again with \`/ask\`${channelId ? ` in <#${channelId}>` : ''} and I'll quote it.`,
  ].join('\n');
  for (const userId of userIds) {
    const delivery = await tellPrivately(runtime.client, userId, { content }, { logger: runtime.logger.child({ gapId: gap.id, noteId: note.id }) });
    counts[delivery] += 1;
    if (delivery === 'failed') runtime.logger.warn({ gapId: gap.id, userId }, 'could not tell a student their question was answered');
  }
  return counts;
}
