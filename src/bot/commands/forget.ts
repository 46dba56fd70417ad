import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { ForgetResult } from '../../store/index.js';
import type { CommandModule } from '../command.js';
import { InvalidOptionError } from '../errors.js';
import { send } from '../respond.js';
import { guildAccess, teacherAccess } from '../teacher/access.js';

const SNOWFLAKE = /^\d{17,20}$/;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Deleted 12 rows: 5 questions, 3 votes, …". */
export function forgetSummary(result: ForgetResult): string {
  if (result.total === 0) return 'There was nothing stored, so nothing was deleted.';
  const parts = [
    result.questionLog > 0 && plural(result.questionLog, 'logged question'),
    result.feedback > 0 && plural(result.feedback, 'vote'),
    result.reviews > 0 && plural(result.reviews, 'review item'),
    result.gapAsks > 0 && plural(result.gapAsks, 'unanswered-question record'),
    result.gaps > 0 && plural(result.gaps, 'unanswered question only they asked', 'unanswered questions only they asked'),
    result.readingProgress > 0 && 'their reading progress',
  ].filter(Boolean);
  return `Deleted ${plural(result.total, 'row')}: ${parts.join(', ')}.`;
}

export const forgetCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('forget')
    .setDescription("Teachers: delete a student's logged questions and votes in this server")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addUserOption((option) => option.setName('user').setDescription('Whose data to delete').setRequired(true))
    .toJSON(),
  help: {
    usage: '/forget user:<@user>',
    example: '/forget user:@Kathy',
    description: 'Teachers: deletes everything Guidebot stored about a person in this server (questions, votes, review items) and says how many rows went.',
  },

  async execute(interaction, { services, log }) {
    const access = await teacherAccess(interaction, services, "delete someone's data");
    if (!access) return;
    const userId = interaction.options.get('user')?.value;
    if (typeof userId !== 'string' || !SNOWFLAKE.test(userId)) throw new InvalidOptionError('user');
    const result = await access.store.privacy.forgetUser(access.guildId, userId);
    log.info({ guildId: access.guildId, forgotten: userId, rows: result.total }, 'forget');
    return send(interaction, { content: `<@${userId}>: ${forgetSummary(result)}` }, { ephemeral: true });
  },
};

export const forgetMeCommand: CommandModule = {
  data: new SlashCommandBuilder().setName('forget-me').setDescription('Delete the questions you asked and your votes in this server').setContexts(InteractionContextType.Guild).toJSON(),
  help: {
    usage: '/forget-me',
    example: '/forget-me',
    description: 'Deletes everything Guidebot stored about you in this server (your questions, votes, reading progress) and says how many rows went.',
  },

  async execute(interaction, { services, log }) {
    const access = await guildAccess(interaction, services);
    if (!access) return;
    const result = await access.store.privacy.forgetUser(access.guildId, interaction.user.id);
    log.info({ guildId: access.guildId, rows: result.total }, 'forget-me');
    return send(interaction, { content: forgetSummary(result).replace('only they asked', 'only you asked').replace('their reading progress', 'your reading progress') }, { ephemeral: true });
  },
};
