import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type APIEmbed } from 'discord.js';
import { clampEmbed, safeInline } from '../../render/discord.js';
import type { GapDetail } from '../../store/index.js';
import type { CommandModule } from '../command.js';
import { send } from '../respond.js';
import { teacherAccess } from '../teacher/access.js';

export const GAPS_COLOUR = 0xef6c00;
export const GAPS_SHOWN = 10;

const when = (ms: number) => `<t:${Math.floor(ms / 1000)}:R>`;

export function gapsEmbed(gaps: GapDetail[], total: number): APIEmbed {
  if (gaps.length === 0) {
    return clampEmbed({ title: 'Unanswered questions', color: GAPS_COLOUR, description: 'There are no unanswered questions: the guides (and your notes) covered everything students asked.' });
  }
  return clampEmbed({
    title: `Unanswered questions (${total}${total > gaps.length ? `, the ${gaps.length} most asked shown` : ''})`,
    color: GAPS_COLOUR,
    description: 'Questions the guides could not answer, most asked first. Answer one with `/answer gap:` and I will quote your answer from then on and tell the students who asked.',
    fields: gaps.map((gap) => {
      const first = gap.asks[0];
      const channels = [...new Set(gap.asks.map((ask) => ask.channelId))].map((id) => `<#${id}>`);
      const times = gap.count === 1 ? 'once' : `${gap.count} times`;
      const people = gap.askers === 1 ? '1 person' : `${gap.askers} people`;
      return {
        name: `#${gap.id} · asked ${times} by ${people}`,
        value: [
          `“${safeInline(gap.question, 300)}”`,
          `First by ${first ? `<@${first.userId}>` : 'someone'} ${when(gap.firstAskedAt)}, last ${when(gap.lastAskedAt)} · in ${channels.slice(0, 5).join(', ') || 'a channel'}`,
        ].join('\n'),
      };
    }),
    footer: { text: 'Similar questions are grouped together. /answer gap:<question> answers one.' },
  });
}

export const gapsCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('gaps')
    .setDescription("Teachers: questions the guides couldn't answer, most asked first")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  help: { usage: '/gaps', example: '/gaps', description: "Teachers: the questions the guides couldn't answer: what, who asked, where, when and how often similar questions came up." },

  async execute(interaction, { services }) {
    const access = await teacherAccess(interaction, services, 'see the unanswered questions');
    if (!access) return;
    const open = await access.store.gaps.list(access.guildId, { limit: 100 });
    const details: GapDetail[] = [];
    for (const gap of open.slice(0, GAPS_SHOWN)) {
      const detail = await access.store.gaps.get(gap.id);
      if (detail !== null) details.push(detail);
    }
    return send(interaction, { embeds: [gapsEmbed(details, open.length)] }, { ephemeral: true });
  },
};
