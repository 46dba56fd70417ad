import type { CommandModule } from '../command.js';
import { answerCommand } from './answer.js';
import { askCommand } from './ask.js';
import { configCommand } from './config.js';
import { exportCommand } from './export.js';
import { forgetCommand, forgetMeCommand } from './forget.js';
import { gapsCommand } from './gaps.js';
import { guidesCommand } from './guides.js';
import { helpCommand } from './help.js';
import { notesCommand } from './notes.js';
import { progressCommand } from './progress.js';
import { quizCommand } from './quiz.js';
import { quoteCommand } from './quote.js';
import { reviewCommand } from './review.js';
import { sectionCommand } from './section.js';
import { sectionsCommand } from './sections.js';
import { statsCommand } from './stats.js';

/** Commands for everyone, in the order `/help` lists them. */
export const STUDENT_COMMANDS: readonly CommandModule[] = [askCommand, sectionCommand, sectionsCommand, quoteCommand, quizCommand, progressCommand, forgetMeCommand, helpCommand];

/** Teacher commands (Manage Server or the teacher role; Discord hides them from others). */
export const TEACHER_COMMANDS: readonly CommandModule[] = [configCommand, reviewCommand, statsCommand, gapsCommand, answerCommand, notesCommand, exportCommand, forgetCommand, guidesCommand];

/** Every command, in the order `/help` lists them. A new command is one file plus one line here. */
export const COMMANDS: readonly CommandModule[] = [...STUDENT_COMMANDS, ...TEACHER_COMMANDS];

/** The JSON `npm run register` sends. */
export function commandDefinitions() {
  return COMMANDS.map((command) => command.data);
}
