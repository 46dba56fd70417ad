/**
 * The shared REST proxy holds Discord's global limit across processes: two clients configured like
 * the bot's (each allowed Discord's 50 requests per second on its own) fire 120 bot-token requests at once.
 * Straight to the fake Discord, more than 50 arrive within the first second; through the proxy the
 * 51st cannot arrive before a second has passed, nor the 101st before two.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordRest } from '../../src/bot/discord-rest.js';
import { DISCORD_GLOBAL_REQUESTS_PER_SECOND } from '../../src/bot/limits.js';
import { createLogger } from '../../src/log.js';
import { restBaseUrl, startRestProxy, type RestProxy } from '../../src/sharding/rest-proxy.js';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from '../e2e/fake-discord.js';

const REQUESTS = 120;

let fake: FakeDiscord;
let proxy: RestProxy;

beforeAll(async () => {
  fake = await startFakeDiscord();
  proxy = await startRestProxy({ apiUrl: fake.apiUrl, host: '127.0.0.1', port: 0, logger: createLogger('silent') });
});

afterAll(async () => {
  await proxy?.close();
  await fake?.close();
});

/** Two "shard processes": REST clients with the bot's own settings, pointed at Discord or at the proxy. */
function clients(viaProxy: boolean): DiscordRest[] {
  const api = restBaseUrl({ DISCORD_API_URL: fake.apiUrl, ...(viaProxy ? { REST_PROXY_URL: proxy.url } : {}) });
  return [0, 1].map(() => new DiscordRest({ api }).setToken(fake.token));
}

/** Fires REQUESTS bot-token requests, half from each client, to distinct routes (so no route bucket serialises them). */
async function fire(rest: DiscordRest[], tag: string): Promise<(request: RecordedRequest) => boolean> {
  const users = Array.from({ length: REQUESTS }, (_, i) => fake.addMember({ username: `${tag}${i}` }).id);
  const since = performance.now();
  await Promise.all(users.map((id, i) => rest[i % rest.length]!.get(`/users/${id}`)));
  return (request) => request.at >= since && request.method === 'GET' && request.path.startsWith('/users/') && request.headers.authorization !== undefined;
}

/**
 * Arrivals may be this much closer together than the sends were: each request's own network time, and on a
 * busy machine (the whole suite running) the first requests' new connections take a few hundred ms more.
 * Unpaced, all the requests arrive within a fraction of a second, so the check still tells the two apart.
 */
const ARRIVAL_JITTER_MS = 250;

describe('the REST proxy', () => {
  it('without it, two processes together exceed 50 requests per second', async () => {
    const mine = await fire(clients(false), 'direct');
    expect(fake.requestsPerSecond(mine)[0]).toBeGreaterThan(DISCORD_GLOBAL_REQUESTS_PER_SECOND);
  });

  it('through it, they are paced at 50 per second in all', async () => {
    const mine = await fire(clients(true), 'proxied');
    const arrivals = fake.requests.filter(mine).map((request) => request.at);
    expect(arrivals).toHaveLength(REQUESTS);
    // A one-second window opens with its first request: request 50k+1 cannot leave before k seconds have passed.
    for (let k = 1; k * DISCORD_GLOBAL_REQUESTS_PER_SECOND < REQUESTS; k++) {
      expect(arrivals[k * DISCORD_GLOBAL_REQUESTS_PER_SECOND]! - arrivals[0]!).toBeGreaterThanOrEqual(k * 1000 - ARRIVAL_JITTER_MS);
    }
  });
});
