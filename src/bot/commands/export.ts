import { AttachmentBuilder, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../command.js';
import { defer, NO_MENTIONS, send } from '../respond.js';
import { teacherAccess } from '../teacher/access.js';
import { daysOption, MAX_DAYS } from './stats.js';

/** Discord's attachment limit for bots without boosts is 10 MiB; stay under it. */
export const EXPORT_MAX_BYTES = 9 * 1024 * 1024;
/**
 * The UTF-8 byte-order mark. Spreadsheet programs (Excel above all) read a CSV file without it in
 * the system's legacy code page, so the "›" of citations and the "—" of guide titles come out garbled.
 */
export const UTF8_BOM = '\uFEFF';

export const exportCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('export')
    .setDescription('Teachers: the question log as a CSV file (only you see it)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((option) => option.setName('days').setDescription('How many days back (default: everything kept)').setMinValue(1).setMaxValue(MAX_DAYS))
    .toJSON(),
  help: {
    usage: '/export [days]',
    example: '/export days:30',
    description: 'Teachers: the question log as a CSV file: when, where, who, the question, whether the guides answered it, citations, confidence, review outcome and votes.',
  },

  async execute(interaction, { services, log }) {
    const access = await teacherAccess(interaction, services, 'export the question log');
    if (!access) return;
    const days = daysOption(interaction, access.teacher.retentionDays);
    if ('error' in days) return send(interaction, { content: days.error }, { ephemeral: true });
    await defer(interaction, { ephemeral: true });
    const csv = await access.store.export.logCsv(access.guildId, { days: days.days });
    const bytes = Buffer.from(UTF8_BOM + csv, 'utf8');
    const rows = csv.split('\r\n').length - 2; // header and the final line break
    if (bytes.length > EXPORT_MAX_BYTES) {
      return send(interaction, { content: `The log of the last ${days.days} days is too big for one Discord file (${Math.round(bytes.length / 1048576)} MB). Export fewer days at a time.` });
    }
    const name = `guidebot-log-${new Date().toISOString().slice(0, 10)}-${days.days}d.csv`;
    log.info({ guildId: access.guildId, days: days.days, rows, bytes: bytes.length }, 'log exported');
    await interaction.editReply({
      content: `The question log of the last ${days.days} day${days.days === 1 ? '' : 's'}: ${rows} question${rows === 1 ? '' : 's'}. Only you can see this file; it holds students' questions, so keep it safe.`,
      files: [new AttachmentBuilder(bytes, { name, description: 'Guidebot question log (CSV)' })],
      allowedMentions: NO_MENTIONS,
    });
  },
};
