/**
 * The bot's discord.js client, logged in to the fake Discord.
 * - REST keeps Discord's global limit where Discord applies it: 120 bot-token requests fired at once
 *   are paced at 50 per second, while 120 answers to interactions (callback, then an edit of the original
 *   response, both with the interaction token and without the bot's) all go out at once. The client's
 *   REST events report both kinds.
 * - Its caches of members and users stay bounded however many people ask, and keep the bot's own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Events, InteractionResponseType, RESTEvents, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { DISCORD_GLOBAL_REQUESTS_PER_SECOND, PEOPLE_CACHED_MAX } from '../../src/bot/limits.js';
import type { RecordedRequest } from '../e2e/fake-discord.js';
import { useBotClient } from '../helpers/bot-client.js';

const REQUESTS = 120;
/**
 * Arrivals may be this much closer together than the sends were: each request's own network time, and on a
 * busy machine (the whole suite running) the first requests' new connections take a few hundred ms more.
 * Unpaced, all the requests arrive within a fraction of a second, so the check still tells the two apart.
 */
const ARRIVAL_JITTER_MS = 250;

const bot = useBotClient();

const arrivals = (filter: (request: RecordedRequest) => boolean) => bot.fake.requests.filter(filter).map((request) => request.at);

describe("the bot client's REST", () => {
  it("paces requests with the bot's token at Discord's global limit", async () => {
    const users = Array.from({ length: REQUESTS }, (_, i) => bot.fake.addMember({ username: `paced${i}` }).id);
    const since = performance.now();
    await Promise.all(users.map((id) => bot.client.rest.get(Routes.user(id))));
    const times = arrivals((request) => request.at >= since && request.path.startsWith('/users/') && request.headers.authorization !== undefined);
    expect(times).toHaveLength(REQUESTS);
    for (let k = 1; k * DISCORD_GLOBAL_REQUESTS_PER_SECOND < REQUESTS; k++) {
      expect(times[k * DISCORD_GLOBAL_REQUESTS_PER_SECOND]! - times[0]!).toBeGreaterThanOrEqual(k * 1000 - ARRIVAL_JITTER_MS);
    }
  });

  it('sends interaction responses without that limit, and reports them as its own responses', async () => {
    const member = bot.fake.addMember({ username: 'asker' });
    const interactions = Array.from({ length: REQUESTS }, (_, i) => {
      const payload = bot.fake.chatInputInteraction({ name: 'ask', options: { question: `question ${i}` }, member });
      bot.fake.sendInteraction(payload);
      return payload;
    });
    const responses: string[] = [];
    bot.client.rest.on(RESTEvents.Response, (request) => responses.push(request.route));
    const since = performance.now();
    await Promise.all(
      interactions.map(async ({ id, token }) => {
        await bot.client.rest.post(Routes.interactionCallback(id, token), { body: { type: InteractionResponseType.DeferredChannelMessageWithSource }, auth: false });
        await bot.client.rest.patch(Routes.webhookMessage(bot.fake.applicationId, token, '@original'), { body: { content: 'An answer.' }, auth: false });
      }),
    );
    const edits = bot.fake.requests.filter((request) => request.at >= since && request.responseKind === 'editOriginal');
    expect(edits).toHaveLength(REQUESTS);
    expect(edits.every((request) => request.status === 200 && request.headers.authorization === undefined)).toBe(true);
    // At 50 per second, the last edit could not leave before 2 s had passed.
    expect(Math.max(...edits.map((request) => request.at)) - since).toBeLessThan(((REQUESTS - DISCORD_GLOBAL_REQUESTS_PER_SECOND) / DISCORD_GLOBAL_REQUESTS_PER_SECOND) * 1000);
    expect(responses.filter((route) => route === '/webhooks/:id/:token/messages/%40original')).toHaveLength(REQUESTS);
  });
});

describe("the bot client's caches", () => {
  it('keep at most PEOPLE_CACHED_MAX members and users, the bot among them', async () => {
    const seen = new Set<string>();
    bot.client.on(Events.InteractionCreate, (interaction) => void seen.add(interaction.id));
    const people = PEOPLE_CACHED_MAX + 200;
    const ids = Array.from({ length: people }, (_, i) =>
      bot.fake.sendInteraction(bot.fake.chatInputInteraction({ name: 'ask', options: { question: 'hello' }, member: bot.fake.addMember({ username: `student${i}` }) })),
    );
    while (!ids.every((id) => seen.has(id))) await sleep(20);
    const guild = bot.client.guilds.cache.get(bot.fake.guild.id)!;
    expect(guild.members.cache.size).toBeLessThanOrEqual(PEOPLE_CACHED_MAX);
    expect(bot.client.users.cache.size).toBeLessThanOrEqual(PEOPLE_CACHED_MAX);
    expect(guild.members.me?.id).toBe(bot.fake.botUser.id);
    expect(bot.client.users.cache.has(bot.fake.botUser.id)).toBe(true);
    // The most recent askers are the ones kept.
    const last = bot.client.users.cache.find((user) => user.username === `student${people - 1}`);
    expect(last).toBeDefined();
  });
});
