import { SlashCommandBuilder } from 'discord.js';
import { tocEmbed, tocLines } from '../../render/discord.js';
import { packPages } from '../../render/view.js';
import type { CommandModule } from '../command.js';
import { pagerRow } from '../components.js';
import { customId, intArg } from '../custom-id.js';
import { TOC_PAGE_CHARS } from '../limits.js';
import { send, update, type MessageView } from '../respond.js';
import type { BotServices } from '../services.js';

export const TOC_PAGE = 'toc-page';

/** Splits lines into pages of at most `maxChars` characters (lines joined by newlines). */
export function pageLines(lines: readonly string[], maxChars: number): string[][] {
  return packPages(lines, maxChars, 1);
}

export function tocMessage(services: BotServices, page = 0): MessageView {
  const pages = pageLines(tocLines(services.sections.all()), TOC_PAGE_CHARS);
  if (pages.length === 0) return { content: 'There are no guides loaded.' };
  const current = Math.min(Math.max(0, page), pages.length - 1);
  return {
    embeds: [tocEmbed(pages[current]!, current, pages.length)],
    components: pagerRow((target) => customId(TOC_PAGE, target), current, pages.length),
  };
}

export const sectionsCommand: CommandModule = {
  data: new SlashCommandBuilder().setName('sections').setDescription('List every section of every study guide').toJSON(),
  help: { usage: '/sections', example: '/sections', description: 'The table of contents of every guide (only you see it).' },

  async execute(interaction, { services }) {
    return send(interaction, tocMessage(services), { ephemeral: true });
  },

  buttons: [
    {
      prefix: TOC_PAGE,
      async handle(interaction, [pageArg], { services }) {
        return update(interaction, tocMessage(services, intArg(pageArg) ?? 0));
      },
    },
  ],
};
