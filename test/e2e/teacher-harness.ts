/**
 * Helpers for the teacher-feature end-to-end tests: the real bot (real engine, offline model) with
 * a real store, against the fake Discord, and small drivers for commands, buttons and modals as a
 * teacher or a student. The store is SQLite in a temporary file, or, when the test project sets
 * E2E_STORE=postgres (see vitest.config.ts), a fresh database on the TEST_DATABASE_URL server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InteractionResponseType } from 'discord.js';
import { expect } from 'vitest';
import type { Engine } from '../../src/engine.js';
import { Store } from '../../src/store/index.js';
import { createPostgresDatabase } from '../store/helpers.js';
import { buttonsOf, limitViolations, mentionsAreSafe, outgoingMessages, startHarness, tempDir, type Harness, type HarnessOptions } from './bot-harness.js';
import type { ChatInputInteractionOptions, FakeMember, InteractionResponseRecord, LooseJson, OptionValueInput, PermissionInput, RecordedRequest, StoredMessage } from './fake-discord.js';

export interface TeacherHarness extends Harness {
  store: Store;
  /** The SQLite file; unused on PostgreSQL. */
  dbFile: string;
  /** The PostgreSQL database, when the suite runs on PostgreSQL. */
  postgres?: { url: string; drop(): Promise<void> };
}

/** The backend of this test project's teacher suites. */
export const E2E_STORE: 'sqlite' | 'postgres' = process.env.E2E_STORE === 'postgres' ? 'postgres' : 'sqlite';

const STORE_DEFAULTS = { rateLimitPerUser: 50, rateLimitWindowSeconds: 30 };

/** Starts the bot with a store in a fresh temporary database (see E2E_STORE). */
export async function startTeacherHarness(engine: Engine, options: Partial<HarnessOptions> & { dbFile?: string } = {}): Promise<TeacherHarness> {
  const dbFile = options.dbFile ?? path.join(tempDir('guidebot-db-'), 'guidebot.db');
  let postgres: TeacherHarness['postgres'];
  if (E2E_STORE === 'postgres') {
    const server = process.env.TEST_DATABASE_URL?.trim();
    if (!server) throw new Error('E2E_STORE=postgres needs TEST_DATABASE_URL: start a server with scripts/postgres-for-tests.sh start.');
    postgres = await createPostgresDatabase(server);
  }
  const store = await Store.open(dbFile, { defaults: STORE_DEFAULTS, ...(postgres ? { databaseUrl: postgres.url } : {}) });
  if (store.db.dialect !== E2E_STORE) throw new Error(`the teacher suites were asked for ${E2E_STORE} but the store opened ${store.db.dialect}`);
  const harness = await startHarness({
    engine,
    ...options,
    env: { RATE_LIMIT_PER_USER: '50', RATE_LIMIT_WINDOW_SECONDS: '30', ...options.env },
    bot: { store, ...options.bot },
  });
  return { ...harness, store, dbFile, ...(postgres ? { postgres } : {}) };
}

/** Opens the harness's database again, as a restarted bot would. */
export function reopenStore(h: TeacherHarness): Promise<Store> {
  return Store.open(h.dbFile, { defaults: STORE_DEFAULTS, ...(h.postgres ? { databaseUrl: h.postgres.url } : {}) });
}

/** Removes the harness's database (the SQLite file's folder, or the PostgreSQL database). */
export async function removeDbFile(h: TeacherHarness | undefined): Promise<void> {
  if (!h) return;
  fs.rmSync(path.dirname(h.dbFile), { recursive: true, force: true });
  await h.postgres?.drop();
}

export interface Driver {
  h: TeacherHarness;
  teacher: FakeMember;
  student: FakeMember;
}

export function driver(h: TeacherHarness): Driver {
  return { h, teacher: h.fake.members.teacher, student: h.fake.members.student };
}

/** Sends a slash command and waits for its first response (callback). */
export async function command(
  h: TeacherHarness,
  name: string,
  options: {
    member?: FakeMember;
    subcommand?: string;
    subcommandGroup?: string;
    options?: Record<string, OptionValueInput>;
    channelId?: string;
    guildId?: string | null;
    validate?: boolean;
    permissions?: PermissionInput;
  } = {},
): Promise<{ id: string; callback: InteractionResponseRecord }> {
  const spec: ChatInputInteractionOptions = { name, ...options, member: options.member ?? h.fake.members.student };
  const id = h.fake.sendInteraction(h.fake.chatInputInteraction(spec));
  const callback = await h.fake.waitForResponse(id, { timeoutMs: 10_000 });
  return { id, callback };
}

/** The content of an interaction's first message (the callback, or the edit of a deferred reply). */
export async function reply(h: TeacherHarness, id: string, callback: InteractionResponseRecord): Promise<LooseJson> {
  if (callback.callbackType === InteractionResponseType.DeferredChannelMessageWithSource) return (await h.fake.waitForEdit(id, { timeoutMs: 10_000 })).body;
  return callback.body;
}

/** Runs a command and returns its (first) reply body. */
export async function run(h: TeacherHarness, name: string, options: Parameters<typeof command>[2] = {}): Promise<LooseJson> {
  const { id, callback } = await command(h, name, options);
  return reply(h, id, callback);
}

/** Presses a button on a stored message. */
export async function press(
  h: TeacherHarness,
  customId: string,
  message: string | StoredMessage,
  member: FakeMember,
  channelId?: string,
): Promise<{ id: string; callback: InteractionResponseRecord }> {
  const stored = typeof message === 'string' ? h.fake.message(message) : message;
  const id = h.fake.sendInteraction(
    h.fake.buttonInteraction({ customId, message: typeof message === 'string' ? message : message.id, member, channelId: channelId ?? stored?.channelId ?? h.fake.guild.channels.general.id }),
  );
  const callback = await h.fake.waitForResponse(id, { timeoutMs: 10_000 });
  return { id, callback };
}

/** Submits a modal the bot showed. */
export async function submit(h: TeacherHarness, customId: string, fields: Record<string, string>, member: FakeMember, message?: string): Promise<{ id: string; callback: InteractionResponseRecord }> {
  const channelId = message ? h.fake.message(message)?.channelId : undefined;
  const id = h.fake.sendInteraction(h.fake.modalSubmitInteraction({ customId, fields, member, ...(message ? { message } : {}), ...(channelId ? { channelId } : {}) }));
  const callback = await h.fake.waitForResponse(id, { timeoutMs: 10_000 });
  return { id, callback };
}

export function buttonId(body: LooseJson, label: string | RegExp): string {
  const found = buttonsOf(body).find((button) => (typeof label === 'string' ? button.label === label : label.test(String(button.label))));
  if (!found) throw new Error(`no button ${label} in ${JSON.stringify(buttonsOf(body).map((b) => b.label))}`);
  return String(found.custom_id);
}

/** Asks a question and waits for the answer (the edit of the deferred reply). */
export async function ask(h: TeacherHarness, question: string, member: FakeMember, options: { private?: boolean; channelId?: string } = {}) {
  const { id, callback } = await command(h, 'ask', {
    member,
    options: { question, ...(options.private === undefined ? {} : { private: options.private }) },
    ...(options.channelId ? { channelId: options.channelId } : {}),
  });
  if (callback.callbackType !== InteractionResponseType.DeferredChannelMessageWithSource) return { id, callback, answer: undefined };
  const edit = await h.fake.waitForEdit(id, { timeoutMs: 10_000 });
  return { id, callback, answer: edit.body };
}

/** Polls until `check` passes (for work the bot does after it has answered, like logging). */
export async function eventually<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function embedDescription(body: LooseJson): string {
  return String(((body.embeds ?? []) as LooseJson[])[0]?.description ?? '');
}

/** A direct message to someone who closed their DMs (403 50007): expected where a test closes them. */
export const closedDm = (request: RecordedRequest) => request.status === 403 && (request.responseBody as LooseJson | null)?.code === 50007;

/** Every message the bot sent respects Discord's limits and pings nobody; no request failed unexpectedly. */
export function expectCleanTraffic(h: TeacherHarness, allowedFailures: (request: RecordedRequest) => boolean = () => false): void {
  for (const message of outgoingMessages(h.fake)) {
    expect({ kind: message.kind, problems: limitViolations(message.body) }).toEqual({ kind: message.kind, problems: [] });
    expect(mentionsAreSafe(message.body)).toBe(true);
  }
  const failed = h.fake.requests.filter((request) => request.status >= 400 && !request.injectedFault && !allowedFailures(request));
  expect(failed.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([]);
  h.fake.assertNoUnhandledRequests();
}
