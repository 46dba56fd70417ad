/**
 * `npm run register`: registers the slash commands with Discord: for one server when DISCORD_GUILD_ID
 * is set (instant), globally otherwise (can take up to an hour to appear).
 * `npm run --silent register -- --dry-run`: prints the exact JSON it would send; no token, no network.
 */
import { pathToFileURL } from 'node:url';
import { REST, Routes } from 'discord.js';
import { commandDefinitions } from '../src/bot/commands/index.js';
import { exitWithError, parseCommandLine, startCli } from './cli.js';

export async function registerCommands(options: { token: string; applicationId: string; guildId?: string; apiUrl: string }): Promise<number> {
  const rest = new REST({ api: options.apiUrl }).setToken(options.token);
  const route = options.guildId ? Routes.applicationGuildCommands(options.applicationId, options.guildId) : Routes.applicationCommands(options.applicationId);
  const registered = (await rest.put(route, { body: commandDefinitions() })) as unknown[];
  return registered.length;
}

async function main() {
  const { values: options } = parseCommandLine(process.argv.slice(2), { usage: 'npm run register [-- --dry-run]', options: { 'dry-run': { type: 'boolean' } } });
  if (options['dry-run']) {
    process.stdout.write(`${JSON.stringify(commandDefinitions(), null, 2)}\n`);
    return;
  }
  const { config, logger } = startCli();
  const missing = [!config.DISCORD_TOKEN && 'DISCORD_TOKEN', !config.DISCORD_APPLICATION_ID && 'DISCORD_APPLICATION_ID'].filter(Boolean);
  if (missing.length > 0) {
    process.stderr.write(
      `Cannot register the commands: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set. See .env.example.\n(Use --dry-run to print the commands without registering them.)\n`,
    );
    process.exit(1);
  }
  const count = await registerCommands({
    token: config.DISCORD_TOKEN!,
    applicationId: config.DISCORD_APPLICATION_ID!,
    apiUrl: config.DISCORD_API_URL,
    ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
  });
  logger.info({ count, scope: config.DISCORD_GUILD_ID ? `guild ${config.DISCORD_GUILD_ID}` : 'global' }, 'slash commands registered');
  process.stderr.write(
    config.DISCORD_GUILD_ID ? `Registered ${count} commands for server ${config.DISCORD_GUILD_ID}.\n` : `Registered ${count} global commands (they can take up to an hour to appear everywhere).\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main().catch(exitWithError);
