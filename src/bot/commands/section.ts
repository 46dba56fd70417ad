import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { SectionEntry } from '../../section-catalogue.js';
import { parentSectionEmbed, safeInline, sectionPageEmbed, truncate } from '../../render/discord.js';
import { paginate, sectionView } from '../../render/view.js';
import type { CommandModule } from '../command.js';
import { pagerRow } from '../components.js';
import { customId, intArg } from '../custom-id.js';
import { MESSAGES } from '../errors.js';
import { requiredText } from '../options.js';
import { AUTOCOMPLETE_CHOICES_MAX, CHOICE_NAME_MAX, CHOICE_VALUE_MAX, SECTION_PAGE_CHARS } from '../limits.js';
import { send, update, type MessageView } from '../respond.js';
import type { BotServices } from '../services.js';
import { contentGate } from '../teacher/content-gate.js';
import { autocompleteBook, BOOK_OPTION, BOOK_OPTION_DESCRIPTION, bookOptionOf, scoped, scopedById } from '../library-scope.js';

export const SECTION_PAGE = 'sec-page';
export const SECTION_READ = 'sec-read';
const NAME_MAX = 100;

/** One page of a section, with Previous/Next buttons when it has more than one. */
export function sectionMessage(services: BotServices, entry: SectionEntry, page = 0, options: { spoiler?: boolean } = {}): MessageView {
  const view = sectionView(entry, services.sections.all());
  if (view.paragraphs.length === 0) return { embeds: [parentSectionEmbed(entry, view.subsections)] };
  const pages = paginate(view.paragraphs, SECTION_PAGE_CHARS);
  const current = Math.min(Math.max(0, page), pages.length - 1);
  const id = services.sections.idOf(entry);
  return {
    embeds: [sectionPageEmbed(entry, pages[current]!, current, pages.length, options)],
    components: pagerRow((target) => customId(SECTION_PAGE, id, target), current, pages.length),
  };
}

/** The autocomplete label of a section: its heading path and guide, at most 100 characters. */
export function choiceName(entry: SectionEntry): string {
  const heading = entry.path.join(' › ');
  const full = `${heading} · ${entry.guide}`;
  return full.length <= CHOICE_NAME_MAX ? full : truncate(heading, CHOICE_NAME_MAX);
}

export const sectionCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('section')
    .setDescription('Read one section of a study guide in full')
    .addStringOption((option) =>
      option.setName('name').setDescription('The section (start typing to see matching headings)').setRequired(true).setAutocomplete(true).setMinLength(1).setMaxLength(NAME_MAX),
    )
    .addBooleanOption((option) => option.setName('private').setDescription('Only you see the section (default: everyone in the channel)'))
    .addStringOption((option) => option.setName(BOOK_OPTION).setDescription(BOOK_OPTION_DESCRIPTION).setAutocomplete(true).setMaxLength(100))
    .toJSON(),
  help: {
    usage: '/section name:<heading> [private] [book]',
    example: '/section name:Miss Lucy',
    description: 'Shows one section of a guide in full, word for word. Start typing a heading and pick it from the list.',
  },

  async execute(interaction, context) {
    const name = requiredText(interaction, 'name');
    const ephemeral = interaction.options.getBoolean('private') ?? false;
    const { services } = await scoped(interaction, context.services, bookOptionOf(interaction));
    const found = services.sections.resolve(name);
    if (found.entry) {
      const gate = await contentGate(services, interaction, found.entry.paragraphs.length > 0 ? found.entry.part : undefined, ephemeral);
      if (gate.refuse !== undefined) return send(interaction, { content: gate.refuse }, { ephemeral: true });
      return send(interaction, sectionMessage(services, found.entry, 0, { spoiler: gate.spoiler }), { ephemeral });
    }
    const typed = safeInline(name, 100);
    const content =
      found.suggestions.length > 0
        ? `I couldn't find a section called “${typed}”. Did you mean:\n${found.suggestions.map((entry) => `• ${safeInline(entry.path.join(' › '), 150)}`).join('\n')}\n\nPick a heading from the list as you type, or use \`/sections\` to see them all.`
        : `I couldn't find a section called “${typed}”. Use \`/sections\` to see every section, or pick a heading from the list as you type.`;
    return send(interaction, { content }, { ephemeral: true });
  },

  async autocomplete(interaction, context) {
    if (interaction.options.getFocused(true).name === BOOK_OPTION) return autocompleteBook(interaction, context.services);
    const { services } = await scoped(interaction, context.services, interaction.options.getString(BOOK_OPTION));
    const typed = String(interaction.options.getFocused() ?? '');
    const entries = services.sections.find(typed.slice(0, NAME_MAX), AUTOCOMPLETE_CHOICES_MAX);
    await interaction.respond(entries.slice(0, AUTOCOMPLETE_CHOICES_MAX).map((entry) => ({ name: choiceName(entry), value: services.sections.idOf(entry).slice(0, CHOICE_VALUE_MAX) })));
  },

  buttons: [
    {
      prefix: SECTION_PAGE,
      async handle(interaction, [id = '', pageArg], context) {
        const services = (await scopedById(interaction, context.services, (scope) => scope.sections.byShortId(id) !== undefined)) ?? context.services;
        const entry = services.sections.byShortId(id);
        const page = intArg(pageArg);
        if (!entry || page === undefined) return send(interaction, { content: MESSAGES.missingSection }, { ephemeral: true });
        const gate = await contentGate(services, interaction, entry.part, interaction.message.flags.has(MessageFlags.Ephemeral));
        if (gate.refuse !== undefined) return send(interaction, { content: gate.refuse }, { ephemeral: true });
        return update(interaction, sectionMessage(services, entry, page, { spoiler: gate.spoiler }));
      },
    },
    {
      prefix: SECTION_READ,
      async handle(interaction, [id = ''], context) {
        const services = (await scopedById(interaction, context.services, (scope) => scope.sections.byShortId(id) !== undefined)) ?? context.services;
        const entry = services.sections.byShortId(id);
        if (!entry) return send(interaction, { content: MESSAGES.missingSection }, { ephemeral: true });
        const gate = await contentGate(services, interaction, entry.paragraphs.length > 0 ? entry.part : undefined, true);
        if (gate.refuse !== undefined) return send(interaction, { content: gate.refuse }, { ephemeral: true });
        return send(interaction, sectionMessage(services, entry, 0, { spoiler: gate.spoiler }), { ephemeral: true });
      },
    },
  ],
};
