import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type APIEmbed, type ChatInputCommandInteraction } from 'discord.js';
import { clampEmbed, safeInline } from '../../render/discord.js';
import { botTotals, type BotTotals } from '../../sharding/bot-totals.js';
import type { GuildStats } from '../../store/index.js';
import type { CommandModule } from '../command.js';
import { send } from '../respond.js';
import { teacherAccess } from '../teacher/access.js';

export const MAX_DAYS = 3650;
export const STATS_COLOUR = 0x37474f;

/** Reads the `days` option: a whole number from 1 to 3650, or the fallback. Returns an error message otherwise. */
export function daysOption(interaction: ChatInputCommandInteraction, fallback: number): { days: number } | { error: string } {
  const raw = interaction.options.get('days')?.value;
  if (raw === undefined || raw === null) return { days: fallback };
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > MAX_DAYS) {
    return { error: `\`days\` must be a whole number from 1 to ${MAX_DAYS} (ten years). Nothing was done.` };
  }
  return { days: raw };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** The bot as a whole, for the last field: servers and memory across the shards counted. */
export function totalsLine(totals: BotTotals): string {
  const shards =
    totals.shardCount === 1 ? '1 shard' : totals.shardsCounted === totals.shardCount ? `all ${totals.shardCount} shards` : `${totals.shardsCounted} of ${totals.shardCount} shards (this machine's)`;
  const memory = `${Math.round(totals.rssBytes / MEGABYTE)} MB in ${totals.processes} process${totals.processes === 1 ? '' : 'es'}`;
  return `${totals.servers} server${totals.servers === 1 ? '' : 's'} on ${shards} · ${memory}`;
}

const MEGABYTE = 1024 * 1024;

export function statsEmbed(stats: GuildStats, retentionDays: number, totals?: BotTotals): APIEmbed {
  const list = (lines: string[], empty: string) => (lines.length > 0 ? lines.join('\n') : empty);
  const votes = stats.votes.total === 0 ? 'No votes yet' : `${percent(stats.votes.share ?? 0)} helpful (${stats.votes.helpful} of ${stats.votes.total} votes)`;
  return clampEmbed({
    title: `Guidebot in the last ${stats.days} day${stats.days === 1 ? '' : 's'}`,
    color: STATS_COLOUR,
    description:
      stats.questions === 0
        ? 'No questions were asked in this period.'
        : `**${stats.questions}** question${stats.questions === 1 ? '' : 's'}: ${stats.answered} answered from the guides, ${stats.unanswered} not covered.`,
    fields: [
      {
        name: 'Most asked topics (sections cited most)',
        value: list(
          stats.topCitations.map((row, i) => `${i + 1}. ${safeInline(row.citation, 150)} — ${row.count}`),
          'None yet',
        ),
      },
      {
        name: "Questions the guides couldn't answer",
        value: list(
          stats.unansweredQuestions.map((row) => `• ${safeInline(row.question, 150)}${row.count > 1 ? ` (×${row.count})` : ''}`),
          'None: every question was covered',
        ),
      },
      { name: 'Helpful votes', value: votes },
      {
        name: 'Busiest channels',
        value: list(
          stats.busiestChannels.map((row) => `<#${row.channelId}> — ${row.count}`),
          'None yet',
        ),
      },
      ...(totals ? [{ name: 'Guidebot', value: totalsLine(totals) }] : []),
    ],
    footer: { text: `/gaps lists unanswered questions to answer with /answer · the log keeps ${retentionDays} days` },
  });
}

export const statsCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('stats')
    .setDescription('Teachers: what students asked, what the guides could not answer, helpful votes')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((option) => option.setName('days').setDescription('How many days back (default 7)').setMinValue(1).setMaxValue(MAX_DAYS))
    .toJSON(),
  help: { usage: '/stats [days]', example: '/stats days:30', description: "Teachers: most asked topics, questions the guides couldn't answer, the share of helpful votes and the busiest channels." },

  async execute(interaction, { services }) {
    const access = await teacherAccess(interaction, services, 'see the statistics');
    if (!access) return;
    const days = daysOption(interaction, 7);
    if ('error' in days) return send(interaction, { content: days.error }, { ephemeral: true });
    const stats = await access.store.stats.get(access.guildId, { days: days.days, top: 5, bySection: true });
    const totals = await botTotals(interaction.client);
    return send(interaction, { embeds: [statsEmbed(stats, access.teacher.retentionDays, totals)] }, { ephemeral: true });
  },
};
