import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyRequests } from '@discordjs/proxy';
import { REST } from 'discord.js';
import { DISCORD_GLOBAL_REQUESTS_PER_SECOND, INTERACTION_REQUESTS_PER_SECOND } from '../bot/limits.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

/** The REST base URL a client uses: the shared proxy when REST_PROXY_URL is set, Discord (DISCORD_API_URL) otherwise. */
export function restBaseUrl(config: Pick<Config, 'DISCORD_API_URL'> & Partial<Pick<Config, 'REST_PROXY_URL'>>): string {
  return config.REST_PROXY_URL ? `${config.REST_PROXY_URL.replace(/\/+$/, '')}/api` : config.DISCORD_API_URL;
}

export interface RestProxyOptions {
  /** Where requests go on: Discord, or the fake Discord in tests. */
  apiUrl: string;
  host: string;
  port: number;
  logger: Logger;
  /** Bot-token requests per second across every client of the proxy (default Discord's 50). */
  globalRequestsPerSecond?: number;
}

export interface RestProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * The shared REST proxy (@discordjs/proxy): every shard process sends its Discord requests here, so
 * one @discordjs/rest queue keeps the per-route buckets and the global limit for the whole bot. A
 * request with the bot's token goes through a queue paced at the global limit; one without (an
 * interaction response, authorised by its token in the path) through a second queue that Discord's
 * per-route buckets still pace, as Discord exempts them from the global limit.
 */
export async function startRestProxy(options: RestProxyOptions): Promise<RestProxy> {
  const rest = (globalRequestsPerSecond: number) => new REST({ api: options.apiUrl, globalRequestsPerSecond, rejectOnRateLimit: null, retries: 3 });
  const bot = proxyRequests(rest(options.globalRequestsPerSecond ?? DISCORD_GLOBAL_REQUESTS_PER_SECOND));
  const interactions = proxyRequests(rest(INTERACTION_REQUESTS_PER_SECOND));
  const server = http.createServer((request, response) => {
    const handle = request.headers.authorization ? bot : interactions;
    Promise.resolve(handle(request, response)).catch((error: unknown) => {
      options.logger.error({ err: error, method: request.method, url: request.url }, 'REST proxy: request failed');
      if (!response.headersSent) response.statusCode = 502;
      response.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
