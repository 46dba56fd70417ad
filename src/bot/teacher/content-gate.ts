import type { Interaction } from 'discord.js';
import { CITED_PARAGRAPH } from '../../guide/chunk.js';
import { isWithin, type BookPart } from '../../guide/spoilers.js';
import type { BotServices } from '../services.js';
import { interactionIsTeacher } from './access.js';
import { interactionSettings } from './interaction-settings.js';
import { PROGRESS_LABELS, READER_PART_LABELS, taggedPartsFor } from './spoilers.js';

export type GateResult = { refuse: string } | { refuse?: undefined; spoiler: boolean };

/**
 * Spoiler control for guide text shown outside answers (`/section`, `/quote`): in progress mode a
 * student cannot open text beyond how far they have read; in tag mode (and for public messages in
 * progress mode) Part Two and Part Three text goes behind spoiler tags. Teachers are not filtered.
 */
export async function contentGate(services: BotServices, interaction: Interaction, part: BookPart | undefined, ephemeral: boolean): Promise<GateResult> {
  const { store, teacher } = services;
  if (!store || !teacher || !interaction.inGuild() || part === undefined) return { spoiler: false };
  const settings = await interactionSettings(store, interaction, interaction.guildId);
  if (settings.spoilerMode === 'off') return { spoiler: false };
  const isTeacher = await interactionIsTeacher(interaction, store);
  if (settings.spoilerMode === 'progress' && !isTeacher) {
    const progress = await store.progress.get(interaction.guildId, interaction.user.id);
    const reader = await teacher.readerPart(interaction.guildId, interaction.user.id);
    if (!isWithin(part, reader.part)) {
      const read = progress ? `you've told me you've read ${PROGRESS_LABELS[progress.progress]}` : "you haven't told me how far you've read (`/progress`)";
      return {
        refuse: `That text reveals events up to ${READER_PART_LABELS[part]}, and ${read}. Spoiler control is on in this server, so I won't show it yet. Update \`/progress\` when you get there.`,
      };
    }
  }
  return { spoiler: taggedPartsFor(settings.spoilerMode, ephemeral).includes(part) };
}

/** The part of the novel a citation's section reveals (`Guide › Section ¶n` or `Guide › Section`). */
export function partOfCitation(services: BotServices, citation: string): BookPart | undefined {
  const section = citation.replace(CITED_PARAGRAPH, '');
  return services.sections.all().find((entry) => entry.citation === section)?.part;
}
