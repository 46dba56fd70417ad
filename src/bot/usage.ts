import type { APIApplicationCommandOption } from 'discord.js';
import type { CommandModule } from './command.js';
import type { InvalidOptionError } from './errors.js';

/** The registered description of an option, searched through subcommands and groups. */
function optionDescription(options: readonly APIApplicationCommandOption[] | undefined, name: string): string | undefined {
  for (const option of options ?? []) {
    if (option.name === name && !('options' in option && option.options)) return option.description;
    const nested = 'options' in option ? optionDescription(option.options, name) : undefined;
    if (nested) return nested;
  }
  return undefined;
}

/**
 * What someone is told when an option or form field is missing or invalid: which one, and how the
 * command is used, with an example. The same message for every command, built from its definition.
 */
export function usageMessage(command: CommandModule, problem: Pick<InvalidOptionError, 'option' | 'kind'>): string {
  const how = `Use it like this: \`${command.help.usage}\`, for example \`${command.help.example}\`.`;
  if (problem.kind === 'field') {
    return `The form came back without ${problem.option ? `its \`${problem.option}\` field` : 'a field it needs'}, so nothing was done. Please open it again and fill it in. (It comes from \`/${command.data.name}\`. ${how})`;
  }
  if (problem.option === undefined) return `\`/${command.data.name}\` needs more than that. ${how}`;
  const description = optionDescription(command.data.options, problem.option);
  return `\`/${command.data.name}\` needs \`${problem.option}\`${description ? ` (${description.charAt(0).toLowerCase()}${description.slice(1)})` : ''}. ${how}`;
}
