/**
 * The load scripts' completion counter, against the fake Discord and a real discord.js client: an
 * interaction counts once its final edit is answered, or once a request of it failed; an acknowledgement
 * alone does not count, nor an edit still waiting for its response, nor other interactions' requests.
 */
import { InteractionResponseType, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { completionCounter } from '../scripts/load/measure.js';
import { useBotClient } from './helpers/bot-client.js';

const bot = useBotClient();

const interaction = () => {
  const payload = bot.fake.chatInputInteraction({ name: 'ask', options: { question: 'Who is Ruth?' } });
  bot.fake.sendInteraction(payload);
  return payload;
};
const acknowledge = (payload: { id: string; token: string }) =>
  bot.client.rest.post(Routes.interactionCallback(payload.id, payload.token), { body: { type: InteractionResponseType.DeferredChannelMessageWithSource }, auth: false });
const edit = (payload: { token: string }) => bot.client.rest.patch(Routes.webhookMessage(bot.fake.applicationId, payload.token, '@original'), { body: { content: 'An answer.' }, auth: false });

describe('the completion counter of the load scripts', () => {
  it('counts answered and failed interactions, each once, and only those it was given', async () => {
    const [answered, acknowledgedOnly, failed, other] = [interaction(), interaction(), interaction(), interaction()];
    const finished = completionCounter(bot.fake, [answered.id, acknowledgedOnly.id, failed.id]);
    expect(finished()).toBe(0);

    await acknowledge(answered);
    await acknowledge(acknowledgedOnly);
    expect(finished()).toBe(0);

    // While the edit waits for its response, it is not finished yet; once answered, it is.
    bot.fake.setLatency((request) => (request.method === 'PATCH' ? 300 : 0));
    const editing = edit(answered);
    while (!bot.fake.requests.some((request) => request.method === 'PATCH' && request.status === 0)) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(finished()).toBe(0);
    await editing;
    bot.fake.setLatency(0);
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
