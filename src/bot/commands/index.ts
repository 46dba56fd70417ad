import type { CommandModule } from '../command.js';
import { askCommand } from './ask.js';
import { helpCommand } from './help.js';
import { quizCommand } from './quiz.js';
import { quoteCommand } from './quote.js';
import { sectionCommand } from './section.js';
import { sectionsCommand } from './sections.js';

/** Every command, in the order `/help` lists them. A new command is one file plus one line here. */
export const COMMANDS: readonly CommandModule[] = [askCommand, sectionCommand, sectionsCommand, quoteCommand, quizCommand, helpCommand];

/** The JSON `npm run register` sends. */
export function commandDefinitions() {
  return COMMANDS.map((command) => command.data);
}
