import { SlashCommandBuilder } from 'discord.js';
import { helpEmbed } from '../../render/discord.js';
import type { CommandModule } from '../command.js';
import { send } from '../respond.js';

export const helpCommand: CommandModule = {
  data: new SlashCommandBuilder().setName('help').setDescription('What each Guidebot command does').toJSON(),
  help: { usage: '/help', description: 'This list.' },

  async execute(interaction, { commands }) {
    return send(interaction, { embeds: [helpEmbed(commands.map((command) => command.help))] }, { ephemeral: true });
  },
};
