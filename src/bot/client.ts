import { Client, GatewayIntentBits, Options, Partials, type ClientOptions } from 'discord.js';
import type { Config } from '../config.js';
import { restBaseUrl } from '../sharding/rest-proxy.js';
import { REST_GLOBAL_REQUESTS_PER_SECOND } from './limits.js';
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
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    allowedMentions: NO_MENTIONS,
    partials: [Partials.Channel],
    // The bot never reads old messages; keep few in memory.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 25 }),
    ...(config.shards ? { shards: config.shards.ids, shardCount: config.shards.count } : {}),
    ...overrides,
    rest: { api: restBaseUrl(config), globalRequestsPerSecond: REST_GLOBAL_REQUESTS_PER_SECOND, ...overrides.rest },
  });
}
