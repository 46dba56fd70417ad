import type { ChatInputCommandInteraction } from 'discord.js';
import { InvalidOptionError } from './errors.js';

/**
 * A required text option, trimmed. Missing, empty or only spaces: an InvalidOptionError, which
 * the router answers with the command's usage (naming the option, with an example).
 */
export function requiredText(interaction: ChatInputCommandInteraction, name: string): string {
  const value = interaction.options.getString(name)?.trim() ?? '';
  if (value === '') throw new InvalidOptionError(name);
  return value;
}
