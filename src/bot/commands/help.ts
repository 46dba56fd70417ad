import { SlashCommandBuilder } from 'discord.js';
import { helpEmbed } from '../../render/discord.js';
import type { CommandModule } from '../command.js';
import { send } from '../respond.js';
import { interactionIsTeacher } from '../teacher/access.js';

/** Teacher commands are registered with default member permissions (Discord hides them from students). */
export const isTeacherCommand = (command: CommandModule) => command.data.default_member_permissions !== undefined && command.data.default_member_permissions !== null;

export const helpCommand: CommandModule = {
  data: new SlashCommandBuilder().setName('help').setDescription('What each Guidebot command does').toJSON(),
  help: { usage: '/help', example: '/help', description: 'This list (teachers also see their commands).' },

  async execute(interaction, { commands, services }) {
    // Students see their commands; teachers see theirs too.
    const teacher = await interactionIsTeacher(interaction, services.store);
    const shown = commands.filter((command) => teacher || !isTeacherCommand(command));
    return send(interaction, { embeds: [helpEmbed(shown.map((command) => command.help))] }, { ephemeral: true });
  },
};
