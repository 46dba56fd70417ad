import { SlashCommandBuilder } from 'discord.js';
import { stripInvisible } from '../../guide/normalise.js';
import { quotationEmbed, safeInline } from '../../render/discord.js';
import type { CommandModule } from '../command.js';
import { send } from '../respond.js';
import { contentGate, partOfCitation } from '../teacher/content-gate.js';
import { autocompleteBook, BOOK_OPTION, BOOK_OPTION_DESCRIPTION, bookOptionOf, scoped } from '../library-scope.js';

const TOPIC_MAX = 100;

export const quoteCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('quote')
    .setDescription("A highlighted quote from the guides, or the guide's best quoted line about a topic")
    .addStringOption((option) => option.setName('topic').setDescription('A character, place or theme, for example: Hailsham').setMaxLength(TOPIC_MAX))
    .addStringOption((option) => option.setName(BOOK_OPTION).setDescription(BOOK_OPTION_DESCRIPTION).setAutocomplete(true).setMaxLength(100))
    .toJSON(),
  help: { usage: '/quote [topic] [book]', example: '/quote topic:Hailsham', description: "Shows a highlighted quote from the guides, or the guide's most relevant quoted line about a topic." },

  autocomplete: (interaction, { services }) => autocompleteBook(interaction, services),

  async execute(interaction, context) {
    const { services } = await scoped(interaction, context.services, bookOptionOf(interaction));
    const topic = stripInvisible(interaction.options.getString('topic') ?? '')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, TOPIC_MAX);
    const quotation = services.engine.findQuote(topic === '' ? undefined : topic);
    if (!quotation) {
      const content =
        topic === ''
          ? 'The guides have no highlighted quotes or quoted lines.'
          : `I couldn't find a quote in the guides about “${safeInline(topic, TOPIC_MAX)}”. Try a character, place or theme (for example \`/quote topic:Hailsham\`), or \`/quote\` on its own for a highlighted quote.`;
      return send(interaction, { content }, { ephemeral: true });
    }
    const gate = await contentGate(services, interaction, partOfCitation(services, quotation.citation), false);
    if (gate.refuse !== undefined) return send(interaction, { content: gate.refuse }, { ephemeral: true });
    return send(interaction, { embeds: [quotationEmbed(quotation, topic === '' ? undefined : topic, { spoiler: gate.spoiler })] });
  },
};
