import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { isReadingProgress, READING_PROGRESS } from '../../store/index.js';
import type { CommandModule } from '../command.js';
import { send } from '../respond.js';
import { guildAccess } from '../teacher/access.js';
import { PROGRESS_LABELS } from '../teacher/spoilers.js';

export const progressCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('progress')
    .setDescription("Tell me how far you've read, so I don't spoil what comes next")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option
        .setName('part')
        .setDescription("How far you've read (leave empty to see what I have)")
        .addChoices(...READING_PROGRESS.map((value) => ({ name: value === 'finished' ? 'finished (the whole novel)' : PROGRESS_LABELS[value], value }))),
    )
    .toJSON(),
  help: {
    usage: '/progress [part]',
    example: '/progress part:part-two',
    description: "Tell me how far you've read (Part One, Two, Three or finished). When your teacher turns spoiler control on, I only quote the guides up to there.",
  },

  async execute(interaction, { services }) {
    const access = await guildAccess(interaction, services);
    if (!access) return;
    const part = interaction.options.getString('part');
    const mode = access.settings.spoilerMode;
    const modeNote =
      mode === 'progress'
        ? 'Spoiler control is on in this server, so I only quote the guides up to there.'
        : 'Spoiler control by reading progress is not on in this server right now; your teacher can turn it on, and then I will use this.';
    if (part === null) {
      const current = await access.store.progress.get(access.guildId, interaction.user.id);
      const content = current
        ? `You've told me you've read ${PROGRESS_LABELS[current.progress]}. ${modeNote}`
        : `You haven't told me how far you've read. Set it with \`/progress part:<part-one|part-two|part-three|finished>\`. ${modeNote}`;
      return send(interaction, { content }, { ephemeral: true });
    }
    if (!isReadingProgress(part)) {
      return send(interaction, { content: 'Choose one of: part-one, part-two, part-three or finished. Nothing was changed.' }, { ephemeral: true });
    }
    await access.store.progress.set(access.guildId, interaction.user.id, part);
    return send(interaction, { content: `Got it: you've read ${PROGRESS_LABELS[part]}. ${modeNote}` }, { ephemeral: true });
  },
};
