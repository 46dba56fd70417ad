import { once } from 'node:events';
import { Events, type Client } from 'discord.js';
import { afterAll, beforeAll } from 'vitest';
import { createClient } from '../../src/bot/client.js';
import { startFakeDiscord, type FakeDiscord } from '../e2e/fake-discord.js';

/** A fake Discord with the bot's own discord.js client (`createClient`, no bot around it) logged in to it. */
async function startBotClient(): Promise<{ fake: FakeDiscord; client: Client; close: () => Promise<void> }> {
  const fake = await startFakeDiscord();
  const client = createClient({ DISCORD_API_URL: fake.apiUrl });
  const ready = once(client, Events.ClientReady);
  await client.login(fake.token);
  await ready;
  return {
    fake,
    client,
    close: async () => {
      await client.destroy();
      await fake.close();
    },
  };
}

/** A fake Discord with the bot's own discord.js client logged in to it, for a test file: started in `beforeAll`, stopped in `afterAll`. */
export function useBotClient(): { readonly fake: FakeDiscord; readonly client: Client } {
  let started: Awaited<ReturnType<typeof startBotClient>> | undefined;
  beforeAll(async () => {
    started = await startBotClient();
  });
  afterAll(() => started?.close());
  const get = () => {
    if (!started) throw new Error('the bot client starts in beforeAll: use it inside a test');
    return started;
  };
  return {
    get fake() {
      return get().fake;
    },
    get client() {
      return get().client;
    },
  };
}
