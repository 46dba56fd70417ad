/**
 * The load scripts' completion counter, against the fake Discord and a real discord.js client: an
 * interaction counts once its final edit is answered, or once a request of it failed; an acknowledgement
 * alone does not count, nor an edit still waiting for its response, nor other interactions' requests.
 */
import { once } from 'node:events';
import { Events, InteractionResponseType, Routes, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionCounter } from '../scripts/load/measure.js';
import { createClient } from '../src/bot/client.js';
import { startFakeDiscord, type FakeDiscord } from './e2e/fake-discord.js';

let fake: FakeDiscord;
let client: Client;

beforeAll(async () => {
  fake = await startFakeDiscord();
  client = createClient({ DISCORD_API_URL: fake.apiUrl });
  const ready = once(client, Events.ClientReady);
  await client.login(fake.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

const interaction = () => {
  const payload = fake.chatInputInteraction({ name: 'ask', options: { question: 'Who is Ruth?' } });
  fake.sendInteraction(payload);
  return payload;
};
const acknowledge = (payload: { id: string; token: string }) =>
  client.rest.post(Routes.interactionCallback(payload.id, payload.token), { body: { type: InteractionResponseType.DeferredChannelMessageWithSource }, auth: false });
const edit = (payload: { token: string }) => client.rest.patch(Routes.webhookMessage(fake.applicationId, payload.token, '@original'), { body: { content: 'An answer.' }, auth: false });

describe('the completion counter of the load scripts', () => {
  it('counts answered and failed interactions, each once, and only those it was given', async () => {
    const [answered, acknowledgedOnly, failed, other] = [interaction(), interaction(), interaction(), interaction()];
    const finished = completionCounter(fake, [answered.id, acknowledgedOnly.id, failed.id]);
    expect(finished()).toBe(0);

    await acknowledge(answered);
    await acknowledge(acknowledgedOnly);
    expect(finished()).toBe(0);

    // While the edit waits for its response, it is not finished yet; once answered, it is.
    fake.setLatency((request) => (request.method === 'PATCH' ? 300 : 0));
    const editing = edit(answered);
    while (!fake.requests.some((request) => request.method === 'PATCH' && request.status === 0)) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(finished()).toBe(0);
    await editing;
    fake.setLatency(0);
    expect(finished()).toBe(1);
    // An edit before any acknowledgement is refused by Discord (and the fake).
    await expect(edit(failed)).rejects.toThrow();
    expect(finished()).toBe(2);

    await acknowledge(other);
    await edit(other);
    await edit(answered);
    expect(finished()).toBe(2);
  });
});
