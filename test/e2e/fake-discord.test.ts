/**
 * Self-test of the fake Discord server: drives a REAL discord.js Client against it with a tiny inline
 * handler (not the product bot).
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  GatewayOpcodes,
  HTTPError,
  InteractionResponseType,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  Routes,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { Interaction, Message, RateLimitData, TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord } from './fake-discord.js';
import type { FakeDiscord } from './fake-discord.js';

type Handler = (interaction: Interaction) => Promise<unknown>;

let fake: FakeDiscord;
let client: Client;
const handlers: Array<{ handler: Handler; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
const unexpectedInteractions: Interaction[] = [];
let baselineHandles: Record<string, number> = {};

function countHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** Install a handler for the next interaction the client receives; resolves/rejects with its outcome. */
function handleNext<T>(handler: (interaction: Interaction) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    handlers.push({ handler, resolve: resolve as (v: unknown) => void, reject });
  });
}

function textChannel(id: string): TextChannel {
  const channel = client.channels.cache.get(id);
  if (!channel?.isTextBased() || channel.isDMBased()) throw new Error(`channel ${id} not cached`);
  return channel as TextChannel;
}

beforeAll(async () => {
  baselineHandles = countHandles();
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1000 });
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    ...fake.clientOptions(),
  });
  client.on(Events.InteractionCreate, (interaction) => {
    const next = handlers.shift();
    if (!next) {
      unexpectedInteractions.push(interaction);
      return;
    }
    next.handler(interaction).then(next.resolve, next.reject);
  });
});

afterAll(async () => {
  // Safety net if a test failed before the explicit shutdown test.
  await client?.destroy();
  await fake?.close();
});

describe('fake Discord with a real discord.js Client', () => {
  it('logs in: gateway/bot, HELLO, IDENTIFY -> READY + GUILD_CREATE, clientReady with the fake bot user', async () => {
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;

    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.user?.username).toBe(fake.botUser.username);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(fake.guild.id);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(fake.guild.channels.general.id)?.name).toBe('general');
    expect(guild?.members.me?.id).toBe(fake.botUser.id);

    const gatewayBot = fake.requests.find((r) => r.path === '/gateway/bot');
    expect(gatewayBot?.headers.authorization).toBe(`Bot ${fake.token}`);
    expect(fake.identifyCount).toBe(1);
    expect(fake.gatewayConnections[0]?.query).toEqual({ v: '10', encoding: 'json' });
    const identify = fake.gatewayFrames.find((f) => f.direction === 'in' && f.op === GatewayOpcodes.Identify);
    expect((identify?.d as { intents: number }).intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages);
    const dispatches = fake.gatewayFrames.filter((f) => f.direction === 'out' && f.op === GatewayOpcodes.Dispatch);
    expect(dispatches.map((f) => f.t)).toEqual(['READY', 'GUILD_CREATE']);

    // Heartbeats are acknowledged (interval 1000 ms, the first one after a random jitter).
    await fake.waitForGatewayOp(GatewayOpcodes.Heartbeat, { timeoutMs: 2000 });
    await fake.waitFor(() => fake.gatewayFrames.some((f) => f.op === GatewayOpcodes.HeartbeatAck), { description: 'heartbeat ack' });
    await fake.waitFor(() => client.ws.ping >= 0, { description: 'client ping measured' });
  });

  it('requires Bot auth on bot routes, answers unknown routes with a Discord-shaped 404 and records them', async () => {
    const noAuth = await fetch(`${fake.apiUrl}/v10/users/@me`);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toEqual({ message: '401: Unauthorized', code: 0 });

    const me = await client.rest.get(Routes.user('@me'));
    expect(me).toMatchObject({ id: fake.botUser.id, bot: true });
    const app = await client.application!.fetch();
    expect(app.id).toBe(fake.applicationId);

    const before = fake.unhandledRequests.length;
    const error = await client.rest.get('/stickers/123').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 404, code: 0, message: '404: Not Found' });
    expect(fake.unhandledRequests.length).toBe(before + 1);
    expect(fake.unhandledRequests.at(-1)?.path).toBe('/stickers/123');
    expect(() => fake.assertNoUnhandledRequests()).toThrow(/GET \/api\/v10\/stickers\/123/);
    fake.clearRequests();
    fake.assertNoUnhandledRequests();
  });

  it('serves channel, guild channel and member reads; optional latency delays responses', async () => {
    const general = await client.channels.fetch(fake.guild.channels.general.id, { force: true });
    expect(general?.id).toBe(fake.guild.channels.general.id);
    const guild = client.guilds.cache.get(fake.guild.id)!;
    const channels = await guild.channels.fetch();
    expect(channels.map((c) => c?.name)).toEqual(expect.arrayContaining(['general', 'review-queue', 'announcements']));
    const teacher = await guild.members.fetch({ user: fake.members.teacher.id, force: true });
    expect(teacher.roles.cache.has(fake.guild.roles.teacher.id)).toBe(true);
    expect(teacher.permissions.has(PermissionFlagsBits.ManageGuild)).toBe(true);
    const unknown = await guild.members.fetch({ user: '123456789012345678', force: true }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 404, code: 10007 });
    expect(fake.requests.map((r) => r.route)).toEqual(expect.arrayContaining(['GET /channels/:channelId', 'GET /guilds/:guildId/channels', 'GET /guilds/:guildId/members/:userId']));

    fake.setLatency(60);
    const started = performance.now();
    await client.rest.get(Routes.user('@me'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    fake.setLatency(0);
  });

  it('stores registered global and guild commands', async () => {
    await client.application!.commands.set([
      {
        name: 'ask',
        description: 'Ask the guide',
        options: [
          { type: ApplicationCommandOptionType.String, name: 'question', description: 'Your question', required: true },
          { type: ApplicationCommandOptionType.String, name: 'topic', description: 'Topic', autocomplete: true },
        ],
      },
      { name: 'feedback', description: 'Send feedback' },
    ]);
    await client.guilds.cache.get(fake.guild.id)!.commands.set([
      {
        name: 'review',
        description: 'Review queue',
        options: [
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: 'next',
            description: 'Next item',
            options: [{ type: ApplicationCommandOptionType.Integer, name: 'count', description: 'How many' }],
          },
        ],
      },
    ]);
    expect(fake.globalCommands?.map((c) => c.name)).toEqual(['ask', 'feedback']);
    expect(fake.guildCommands()?.map((c) => c.name)).toEqual(['review']);
    const put = fake.requests.find((r) => r.method === 'PUT' && r.route === 'PUT /applications/:applicationId/commands');
    expect(put?.body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'ask' })]));

    // Invalid command names are rejected like Discord does.
    const bad = await client.application!.commands.create({ name: 'Bad Name', description: 'x' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, code: 50035 });

    // Builders refuse options the registered command does not have.
    expect(() => fake.chatInputInteraction({ name: 'ask', options: { nope: 'x' } })).toThrow(/no option "nope"/);
    expect(() => fake.chatInputInteraction({ name: 'ask', options: {} })).toThrow(/required option "question"/);
  });

  it('slash command: deferReply (type 5, 204 no body) arrives before editReply with embed + allowed_mentions', async () => {
    const student = fake.members.student;
    const done = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      expect(interaction.commandName).toBe('ask');
      expect(interaction.commandId).toBe(fake.globalCommands?.[0]?.id);
      expect(interaction.options.getString('question')).toBe('What is a derivative?');
      expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(false);
      expect(interaction.locale).toBe('en-US');
      await interaction.deferReply();
      const embed = new EmbedBuilder().setTitle('Answer').setDescription(`Hi <@${student.id}>, a derivative is a rate of change.`);
      return interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
    });
    const id = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'What is a derivative?' } }));
    const callback = await fake.waitForResponse(id);
    const edit = await fake.waitForEdit(id);
    const message = await done;

    expect(callback.callbackType).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(callback.status).toBe(204);
    expect(callback.request.query).toEqual({ with_response: 'false' });
    expect(callback.request.headers.authorization).toBeUndefined();
    expect(callback.at).toBeLessThan(edit.at);
    expect(edit.request.path).toMatch(new RegExp(`^/webhooks/${fake.applicationId}/[\\w-]+/messages/@original$`));
    expect(edit.body.embeds?.[0]).toMatchObject({ title: 'Answer' });
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
    expect(fake.interactionResponses(id).map((r) => r.kind)).toEqual(['callback', 'editOriginal']);

    const original = fake.originalResponse(id)!;
    expect(original.message.flags ?? 0).toBe(0); // the Loading flag is cleared by the edit
    expect(original.message.mentions).toEqual([]); // allowed_mentions suppressed the ping
    expect(original.message.interaction_metadata).toMatchObject({ id, type: 2, user: { id: student.id } });
    expect(message.id).toBe(original.id);
    expect(message.embeds[0]?.title).toBe('Answer');
  });

  it('button on a review-queue message posted by the bot: update (type 7) edits that message', async () => {
    const queue = textChannel(fake.guild.channels.reviewQueue.id);
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('review:approve:42').setLabel('Approve').setStyle(ButtonStyle.Success));
    await queue.send({ content: 'Answer #42 needs review', components: [row] });
    const posted = await fake.waitForChannelMessage(queue.id);
    expect(posted.message.components).toHaveLength(1);

    const done = handleNext(async (interaction) => {
      if (!interaction.isButton()) throw new Error('expected a button');
      expect(interaction.customId).toBe('review:approve:42');
      expect(interaction.message.id).toBe(posted.id);
      expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
      await interaction.update({ content: 'Approved by a teacher', components: [] });
    });
    const id = fake.sendInteraction(fake.buttonInteraction({ customId: 'review:approve:42', message: posted.id, member: fake.members.teacher, channelId: queue.id }));
    await done;
    const callback = await fake.waitForResponse(id);
    expect(callback.callbackType).toBe(InteractionResponseType.UpdateMessage);
    expect(callback.body).toMatchObject({ content: 'Approved by a teacher', components: [] });
    expect(fake.message(posted.id)?.message).toMatchObject({ content: 'Approved by a teacher', components: [] });
    expect(fake.message(posted.id)?.history).toHaveLength(1);

    // The bot can later edit its queue message through the channel route.
    const cached = await queue.messages.fetch(posted.id);
    await cached.edit({ content: 'Approved and published' });
    const patch = await fake.waitForRequest((r) => r.route === 'PATCH /channels/:channelId/messages/:messageId');
    expect(patch.body).toMatchObject({ content: 'Approved and published' });
    expect(fake.message(posted.id)?.message.edited_timestamp).not.toBeNull();
  });

  it('select menu: deferUpdate (type 6) then editReply edits the message carrying the component', async () => {
    const done = handleNext(async (interaction) => {
      if (!interaction.isStringSelectMenu()) throw new Error('expected a string select');
      expect(interaction.values).toEqual(['calculus']);
      await interaction.deferUpdate();
      await interaction.editReply({ content: 'Topic set to calculus', components: [] });
    });
    const payload = fake.stringSelectInteraction({ customId: 'topic-select', values: ['calculus'] });
    const id = fake.sendInteraction(payload);
    await done;
    const [callback, edit] = fake.interactionResponses(id);
    expect(callback?.callbackType).toBe(InteractionResponseType.DeferredMessageUpdate);
    expect(edit?.kind).toBe('editOriginal');
    expect(edit?.messageId).toBe(payload.message.id);
    expect(fake.message(payload.message.id)?.message.content).toBe('Topic set to calculus');
  });

  it('reply withResponse (with_response=true -> 200 callback response), fetchReply, editing a follow-up, deleteReply', async () => {
    const done = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      const response = await interaction.reply({ content: 'first answer', withResponse: true });
      const fetched = await interaction.fetchReply();
      const followUp = await interaction.followUp({ content: 'extra', flags: MessageFlags.Ephemeral });
      await interaction.editReply({ message: followUp.id, content: 'extra (edited)' });
      await interaction.deleteReply();
      return { resourceContent: response.resource?.message?.content, responseId: response.interaction.id, fetchedId: fetched.id };
    });
    const id = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'q' } }));
    const result = await done;
    expect(result).toEqual({ resourceContent: 'first answer', responseId: id, fetchedId: fake.originalResponse(id)!.id });
    const responses = fake.interactionResponses(id);
    expect(responses.map((r) => r.kind)).toEqual(['callback', 'fetchOriginal', 'followUp', 'editFollowUp', 'deleteOriginal']);
    expect(responses[0]?.withResponse).toBe(true);
    expect(responses[0]?.status).toBe(200);
    expect(fake.originalResponse(id)?.deleted).toBe(true);
    expect(fake.followUps(id)[0]?.message.content).toBe('extra (edited)');
    expect(fake.followUps(id)[0]?.ephemeral).toBe(true);
  });

  it('posting where the bot lacks SendMessages fails with 403 Missing Permissions (50013)', async () => {
    const readOnly = textChannel(fake.guild.channels.readOnly.id);
    const error = await readOnly.send('hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 403, code: 50013, message: 'Missing Permissions' });
    expect(fake.channelMessages(readOnly.id)).toHaveLength(0);
  });

  it('modal: showModal is callback type 9, and the modal submit is received with its field values', async () => {
    const shown = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      const modal = new ModalBuilder()
        .setCustomId('feedback-modal')
        .setTitle('Feedback')
        .addLabelComponents(
          new LabelBuilder().setLabel('Your feedback').setTextInputComponent(new TextInputBuilder().setCustomId('answer').setStyle(TextInputStyle.Paragraph)),
          new LabelBuilder()
            .setLabel('Rating')
            .setStringSelectMenuComponent(new StringSelectMenuBuilder().setCustomId('rating').addOptions({ label: 'Good', value: 'good' }, { label: 'Bad', value: 'bad' })),
        );
      await interaction.showModal(modal);
    });
    const commandId = fake.sendInteraction(fake.chatInputInteraction({ name: 'feedback' }));
    await shown;
    const modalCallback = await fake.waitForResponse(commandId);
    expect(modalCallback.callbackType).toBe(InteractionResponseType.Modal);
    expect(modalCallback.body).toMatchObject({ custom_id: 'feedback-modal', title: 'Feedback' });

    const submitted = handleNext(async (interaction) => {
      if (!interaction.isModalSubmit()) throw new Error('expected a modal submit');
      const value = interaction.fields.getTextInputValue('answer');
      const rating = interaction.fields.getStringSelectValues('rating');
      await interaction.reply({ content: `Thanks: ${value}`, flags: MessageFlags.Ephemeral });
      return [value, rating];
    });
    const submitId = fake.sendInteraction(fake.modalSubmitInteraction({ customId: 'feedback-modal', fields: { answer: 'Very helpful', rating: ['good'] } }));
    expect(await submitted).toEqual(['Very helpful', ['good']]);
    const reply = await fake.waitForResponse(submitId);
    expect(reply.callbackType).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(reply.body).toMatchObject({ content: 'Thanks: Very helpful', flags: MessageFlags.Ephemeral });
    expect(fake.originalResponse(submitId)?.ephemeral).toBe(true);

    // The fake mirrors the shown modal and rejects fields it did not have.
    expect(() => fake.modalSubmitInteraction({ customId: 'feedback-modal', fields: { answer: 'x', rating: ['bad'], other: 'y' } })).toThrow(/no field/);
    expect(() => fake.modalSubmitInteraction({ customId: 'feedback-modal', fields: { answer: 'x' } })).toThrow(/required field "rating"/);
  });

  it('autocomplete: respond() is callback type 8 with the choices', async () => {
    const done = handleNext(async (interaction) => {
      if (!interaction.isAutocomplete()) throw new Error('expected autocomplete');
      const focused = interaction.options.getFocused(true);
      expect(focused).toMatchObject({ name: 'topic', value: 'cal' });
      await interaction.respond([
        { name: 'Calculus', value: 'calculus' },
        { name: 'Calligraphy', value: 'calligraphy' },
      ]);
    });
    const id = fake.sendInteraction(fake.autocompleteInteraction({ name: 'ask', focused: 'topic', options: { question: 'x', topic: 'cal' } }));
    await done;
    const callback = await fake.waitForResponse(id);
    expect(callback.callbackType).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(callback.body.choices).toEqual([
      { name: 'Calculus', value: 'calculus' },
      { name: 'Calligraphy', value: 'calligraphy' },
    ]);
  });

  it('subcommands and integer options are typed from the registered schema', async () => {
    const done = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
      return [interaction.options.getSubcommand(), interaction.options.getInteger('count')] as const;
    });
    fake.sendInteraction(fake.chatInputInteraction({ name: 'review', subcommand: 'next', options: { count: 3 }, member: fake.members.teacher }));
    expect(await done).toEqual(['next', 3]);
  });

  it('followUp with an attachment is recorded as multipart with the file content', async () => {
    const done = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.reply('Here are your notes');
      return interaction.followUp({
        content: 'notes attached',
        files: [new AttachmentBuilder(Buffer.from('# Derivatives\nd/dx x^2 = 2x\n'), { name: 'notes.md' })],
      });
    });
    const id = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'notes please' } }));
    const followUpMessage = await done;
    const followUp = await fake.waitForFollowUp(id);
    expect(followUp.request.bodyType).toBe('multipart');
    expect(followUp.request.query.wait).toBe('true');
    expect(followUp.body.content).toBe('notes attached');
    expect(followUp.files).toHaveLength(1);
    expect(followUp.files[0]).toMatchObject({ field: 'files[0]', name: 'notes.md' });
    expect(followUp.files[0]?.content.toString()).toBe('# Derivatives\nd/dx x^2 = 2x\n');
    expect(fake.interactionResponses(id).map((r) => r.kind)).toEqual(['callback', 'followUp']);

    const stored = fake.followUps(id)[0]!;
    expect(followUpMessage.id).toBe(stored.id);
    expect(followUpMessage.attachments.first()?.name).toBe('notes.md');
    // The fake CDN serves the uploaded bytes.
    const downloaded = await fetch(followUpMessage.attachments.first()!.url);
    expect(await downloaded.text()).toBe('# Derivatives\nd/dx x^2 = 2x\n');
  });

  it('quirk: the first followUp after deferReply replaces the "thinking..." message', async () => {
    const done = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const first = await interaction.followUp({ content: 'first' });
      const second = await interaction.followUp({ content: 'second' });
      return [first.id, second.id];
    });
    const id = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'q' } }));
    const [firstId, secondId] = await done;
    const original = fake.originalResponse(id)!;
    expect(firstId).toBe(original.id);
    expect(original.message.content).toBe('first');
    expect(original.ephemeral).toBe(true);
    expect(secondId).not.toBe(original.id);
    expect(fake.followUps(id).map((m) => m.id)).toEqual([secondId]);
  });

  it('a single 500 is retried transparently; a persistent 500 on editReply surfaces as HTTPError and the client survives', async () => {
    const once500 = fake.failNext({ method: 'PATCH', pathPattern: '/webhooks/:app/:token/messages/@original', status: 500 });
    const retried = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.deferReply();
      await interaction.editReply('worked after a retry');
    });
    const retriedId = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'q' } }));
    await retried;
    expect(once500.hits).toBe(1);
    expect(fake.interactionResponses(retriedId, { includeFailed: true }).map((r) => `${r.kind}:${r.status}`)).toEqual(['callback:204', 'editOriginal:500', 'editOriginal:200']);

    const persistent = fake.failNext({ method: 'PATCH', pathPattern: '/webhooks/*', status: 500, times: Infinity });
    const failed = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.deferReply();
      try {
        await interaction.editReply('never arrives');
        return null;
      } catch (error) {
        return error;
      }
    });
    const failedId = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'q' } }));
    const error = await failed;
    persistent.cancel();
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 500, method: 'PATCH' });
    expect(persistent.hits).toBe(4); // 1 + rest.retries (3)
    expect(fake.interactionResponses(failedId).map((r) => r.kind)).toEqual(['callback']);

    // The client is still alive.
    const alive = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.reply('still here');
    });
    const aliveId = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'q' } }));
    await alive;
    expect((await fake.waitForResponse(aliveId)).body.content).toBe('still here');
  });

  it('a 429 on editReply is waited out and retried by discord.js', async () => {
    const rateLimits: RateLimitData[] = [];
    const onRateLimited = (data: RateLimitData): void => {
      rateLimits.push(data);
    };
    client.rest.on('rateLimited', onRateLimited);
    const fault = fake.failNext({ method: 'PATCH', pathPattern: '/webhooks/:app/:token/messages/@original', status: 429, retryAfter: 0.25 });
    const done = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.deferReply();
      await interaction.editReply('after the rate limit');
    });
    const id = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'q' } }));
    await done;
    client.rest.off('rateLimited', onRateLimited);
    expect(fault.hits).toBe(1);
    const attempts = fake.interactionResponses(id, { includeFailed: true }).filter((r) => r.kind === 'editOriginal');
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(attempts[0]?.request.status).toBe(429);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(250);
    expect(rateLimits.length).toBeGreaterThanOrEqual(1);
    expect(fake.originalResponse(id)?.message.content).toBe('after the rate limit');
  });

  it('Discord-like errors: validation (50035), late acknowledgement (10062), double acknowledgement (40060)', async () => {
    const invalid = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.deferReply();
      return interaction.editReply({ content: 'x'.repeat(2001) }).catch((e: unknown) => e);
    });
    fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'q' } }));
    const validationError = await invalid;
    expect(validationError).toMatchObject({ status: 400, code: 50035 });
    expect((validationError as DiscordAPIError).rawError).toMatchObject({
      errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
    });

    const twice = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.reply('first');
      return client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 4, data: { content: 'again' } }, auth: false }).catch((e: unknown) => e);
    });
    fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'q' } }));
    expect(await twice).toMatchObject({ status: 400, code: 40060 });

    const late = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await sleep(150);
      return interaction.deferReply().catch((e: unknown) => e);
    });
    fake.setInteractionTimeout(100);
    fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'q' } }));
    const lateError = await late;
    fake.setInteractionTimeout(3000);
    expect(lateError).toMatchObject({ status: 404, code: 10062, message: 'Unknown interaction' });
  });

  it('MESSAGE_CREATE builder: a mention of the bot keeps its content without the MessageContent intent', async () => {
    const received: Message[] = [];
    const onMessage = (message: Message): void => {
      if (message.author.id !== client.user?.id) received.push(message);
    };
    client.on(Events.MessageCreate, onMessage);
    fake.sendMessage({ content: 'what is an integral?', mentionBot: true });
    fake.sendMessage({ content: 'just chatting' });
    await fake.waitFor(() => received.length >= 2, { description: 'two messageCreate events' });
    client.off(Events.MessageCreate, onMessage);
    expect(received[0]?.content).toBe(`<@${fake.botUser.id}> what is an integral?`);
    expect(received[0]?.mentions.users.has(fake.botUser.id)).toBe(true);
    expect(received[1]?.content).toBe(''); // no MessageContent intent and no mention
  });

  it('forced disconnect -> RESUME with the session id, missed events replayed, interactions still handled', async () => {
    const session = fake.gatewayConnections[0]?.sessionId;
    expect(session).toBeTruthy();
    const resumedEvent = once(client, Events.ShardResume);

    fake.disconnect();
    // Dispatched while the socket is down: buffered and replayed after RESUME.
    const missed = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.reply('handled after resume');
    });
    const missedId = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'during outage' } }));

    await fake.waitForResume(1, { timeoutMs: 5000 });
    await resumedEvent;
    await missed;
    expect(fake.resumeCount).toBe(1);
    expect(fake.identifyCount).toBe(1);
    const resume = fake.gatewayFrames.find((f) => f.direction === 'in' && f.op === GatewayOpcodes.Resume);
    expect(resume?.d).toMatchObject({ session_id: session, token: fake.token });
    const resumedConnection = fake.gatewayConnections.at(-1)!;
    expect(resumedConnection.url).toBe('/resume?v=10&encoding=json');
    expect((await fake.waitForResponse(missedId)).body.content).toBe('handled after resume');

    const after = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
      await interaction.reply('after resume');
    });
    const afterId = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'after' } }));
    await after;
    expect((await fake.waitForResponse(afterId)).ok).toBe(true);

    // op 7 RECONNECT: the client closes with 4200 and resumes again.
    fake.requestReconnect();
    await fake.waitForResume(2, { timeoutMs: 5000 });
    expect(fake.identifyCount).toBe(1);

    // Sequence numbers of the session increase by exactly one per dispatch, across the resumes.
    const seqs = fake.gatewayFrames.filter((f) => f.direction === 'out' && f.op === GatewayOpcodes.Dispatch).map((f) => f.s!);
    expect(seqs.length).toBeGreaterThan(3);
    seqs.forEach((s, i) => expect(s).toBe(seqs[0]! + i));
  });

  it('client.destroy() and close() leave no open handles', async () => {
    expect(unexpectedInteractions).toHaveLength(0);
    fake.assertNoUnhandledRequests();
    await client.destroy();
    await fake.waitFor(() => fake.openSockets === 0, { description: 'gateway socket closed' });
    await fake.close();
    // Sockets close asynchronously; give them a moment.
    const deadline = Date.now() + 2000;
    let handles = countHandles();
    const leaked = (): string[] => ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'].filter((name) => (handles[name] ?? 0) > (baselineHandles[name] ?? 0));
    while (leaked().length > 0 && Date.now() < deadline) {
      await sleep(20);
      handles = countHandles();
    }
    expect({ leaked: leaked(), handles }).toEqual({ leaked: [], handles });
  });
});
