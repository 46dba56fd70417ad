import { Client, GatewayIntentBits, Options, Partials, type ClientOptions } from 'discord.js';
import type { Config } from '../config.js';
import { restBaseUrl } from '../sharding/rest-proxy.js';
import { DiscordRest } from './discord-rest.js';
import { PEOPLE_CACHED_MAX } from './limits.js';
import { NO_MENTIONS } from './respond.js';

export type ClientConfig = Pick<Config, 'DISCORD_API_URL'> & Partial<Pick<Config, 'shards' | 'REST_PROXY_URL'>>;

/**
 * The discord.js client: Guilds (interactions) and GuildMessages (mentions of the bot) intents only,
 * no privileged intent; REST pointed at DISCORD_API_URL (the fake Discord in tests); nobody is ever
 * pinged by default. It connects the gateway shards of `config.shards` (all of this process's
 * servers), and sends REST through REST_PROXY_URL when set. The Channel partial lets an interaction in a thread the client has not cached
 * (a private thread, one created while it was away) still tell which channel the thread is in.
 */
export function createClient(config: ClientConfig, overrides: Partial<ClientOptions> = {}): Client {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    allowedMentions: NO_MENTIONS,
    partials: [Partials.Channel],
    // The bot never reads old messages, nor other people's members or users from the cache: each interaction
    // brings its own. Unbounded, these caches would grow with everyone who ever asked.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 25,
      GuildMemberManager: { maxSize: PEOPLE_CACHED_MAX, keepOverLimit: (member) => member.id === member.client.user?.id },
      UserManager: { maxSize: PEOPLE_CACHED_MAX, keepOverLimit: (user) => user.id === user.client.user?.id },
    }),
    ...(config.shards ? { shards: config.shards.ids, shardCount: config.shards.count } : {}),
    ...overrides,
    rest: { api: restBaseUrl(config), ...overrides.rest },
  });
  // discord.js makes its REST from the options alone; the bot's keeps interaction responses off the global limit (see DiscordRest).
  client.rest.clearHashSweeper();
  client.rest.clearHandlerSweeper();
  client.rest = new DiscordRest(client.options.rest);
  return client;
}
