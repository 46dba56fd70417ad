/**
 * Starts the REAL bot (createBot + the real Engine over the real corpus, offline model, index in a
 * temporary folder) against the fake Discord, and checks what it sends against Discord's limits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { InteractionResponseType, type APIAllowedMentions, type ComponentType, type APIEmbed } from 'discord.js';
import { createBot, type Bot, type BotOptions } from '../../src/bot/bot.js';
import type { GuideEngine } from '../../src/bot/services.js';
import { loadConfig, type Config } from '../../src/config.js';
import { Engine } from '../../src/engine.js';
import { createLogger, type Logger } from '../../src/log.js';
import { registerCommands } from '../../scripts/register.js';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions, type LooseJson, type RecordedRequest } from './fake-discord.js';

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../../corpus');

/** The environment of a bot run as a child process over the real corpus with the offline model: nothing else of this process's environment leaks in. */
export function botProcessEnv(indexDir: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODEL_ID: 'offline', CORPUS_DIR, INDEX_DIR: indexDir };
}

/** One line pino wrote: its level and message, a serialised error, and whatever fields the call bound or passed. */
export interface LogLine {
  level: number;
  msg?: string;
  /** An error logged as `err` (pino's standard error serialiser). */
  err?: { type: string; message: string; stack: string };
  [field: string]: unknown;
}

/** Log lines the bot wrote, parsed (pino JSON). */
export interface LogSink {
  lines: LogLine[];
  logger: Logger;
}

export function captureLogs(level = 'debug'): LogSink {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  return { lines, logger: createLogger(level, stream) };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The real engine over the real corpus with the offline model, its index built in a temporary folder. */
export async function openTestEngine(logger: Logger = createLogger('silent')): Promise<{ engine: Engine; indexDir: string }> {
  const indexDir = tempDir('guidebot-index-');
  const config = loadConfig({ MODEL_ID: 'offline', CORPUS_DIR, INDEX_DIR: indexDir, LOG_LEVEL: 'silent' });
  const engine = await Engine.open({ config, logger });
  return { engine, indexDir };
}

export interface Harness {
  fake: FakeDiscord;
  bot: Bot;
  config: Config;
  logs: LogSink;
  close(): Promise<void>;
}

export interface HarnessOptions {
  engine: GuideEngine;
  fakeOptions?: FakeDiscordOptions;
  bot?: Partial<Omit<BotOptions, 'engine' | 'config' | 'logger'>>;
  env?: Record<string, string>;
  /** Register the commands on the fake (so it validates interaction options against them). Default true. */
  register?: boolean;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const fake = await startFakeDiscord({ heartbeatIntervalMs: 1000, ...options.fakeOptions });
  const config = loadConfig({
    MODEL_ID: 'offline',
    CORPUS_DIR,
    ...fake.botEnv,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  if (options.register ?? true) {
    await registerCommands({ token: fake.token, applicationId: fake.applicationId, guildId: fake.guild.id, apiUrl: fake.apiUrl });
  }
  const logs = captureLogs();
  const bot = createBot({ config, engine: options.engine, logger: logs.logger, ...options.bot });
  await bot.start();
  return {
    fake,
    bot,
    config,
    logs,
    async close() {
      await bot.stop(2000);
      await fake.close();
    },
  };
}

// ── What the bot sent ─────────────────────────────────────────────────────────────────────────

export interface Outgoing {
  request: RecordedRequest;
  kind: string;
  body: LooseJson;
}

const MESSAGE_CALLBACKS = new Set<number>([InteractionResponseType.ChannelMessageWithSource, InteractionResponseType.UpdateMessage]);

/** Every message the bot created or edited (interaction replies, updates, edits, follow-ups, channel messages). */
export function outgoingMessages(fake: FakeDiscord): Outgoing[] {
  const out: Outgoing[] = [];
  for (const request of fake.requests) {
    const body = request.body;
    if (!body) continue;
    if (request.responseKind === 'callback' && request.callbackType !== null && MESSAGE_CALLBACKS.has(request.callbackType)) {
      out.push({ request, kind: `callback ${request.callbackType}`, body: (body.data ?? {}) as LooseJson });
    } else if (request.responseKind === 'editOriginal' || request.responseKind === 'followUp' || request.responseKind === 'editFollowUp') {
      out.push({ request, kind: request.responseKind, body });
    } else if (request.method === 'POST' && /^\/channels\/\d+\/messages$/.test(request.path)) {
      out.push({ request, kind: 'channel message', body });
    }
  }
  return out;
}

/** Every other callback the bot sent: autocomplete results (type 8) and modals (type 9). */
export function outgoingCallbacks(fake: FakeDiscord, type: InteractionResponseType): LooseJson[] {
  return fake.requests.filter((r) => r.responseKind === 'callback' && r.callbackType === type).map((r) => (r.body?.data ?? {}) as LooseJson);
}

const len = (value: unknown) => (typeof value === 'string' ? value.length : 0);

/**
 * Discord's documented limits, written out independently of src/bot/limits.ts, checked against one
 * outgoing message body. Returns the violations (empty when the message is fine).
 */
export function limitViolations(body: LooseJson): string[] {
  const problems: string[] = [];
  if (len(body.content) > 2000) problems.push(`content ${len(body.content)} > 2000`);
  const embeds = (body.embeds ?? []) as APIEmbed[];
  if (embeds.length > 10) problems.push(`${embeds.length} embeds > 10`);
  let total = 0;
  embeds.forEach((embed, i) => {
    const check = (what: string, value: unknown, max: number) => {
      total += len(value);
      if (len(value) > max) problems.push(`embed ${i} ${what} ${len(value)} > ${max}`);
    };
    check('title', embed.title, 256);
    check('description', embed.description, 4096);
    check('footer', embed.footer?.text, 2048);
    check('author', embed.author?.name, 256);
    const fields = embed.fields ?? [];
    if (fields.length > 25) problems.push(`embed ${i} has ${fields.length} fields > 25`);
    fields.forEach((field, j) => {
      check(`field ${j} name`, field.name, 256);
      check(`field ${j} value`, field.value, 1024);
    });
  });
  if (total > 6000) problems.push(`embeds total ${total} > 6000`);
  const rows = (body.components ?? []) as LooseJson[];
  if (rows.length > 5) problems.push(`${rows.length} action rows > 5`);
  const ids = new Set<unknown>();
  rows.forEach((row, i) => {
    const components = (row.components ?? []) as LooseJson[];
    if (components.length > 5) problems.push(`row ${i} has ${components.length} components > 5`);
    for (const component of components) {
      if (len(component.label) > 80) problems.push(`button label "${component.label}" > 80`);
      if (component.custom_id !== undefined) {
        if (len(component.custom_id) > 100) problems.push(`custom_id ${component.custom_id} > 100`);
        if (ids.has(component.custom_id)) problems.push(`duplicate custom_id ${component.custom_id}`);
        ids.add(component.custom_id);
      }
    }
  });
  return problems;
}

/** True when the message may not ping anyone. */
export function mentionsAreSafe(body: LooseJson): boolean {
  const allowed = body.allowed_mentions as APIAllowedMentions | undefined;
  return (
    allowed !== undefined && Array.isArray(allowed.parse) && allowed.parse.length === 0 && (allowed.users ?? []).length === 0 && (allowed.roles ?? []).length === 0 && allowed.replied_user !== true
  );
}

/** Embed text with Discord markdown escapes removed (to compare with the guide's words). */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\*_`~|>#\-[\]().+!:<@])/g, '$1');
}

export function embedText(body: LooseJson): string {
  return ((body.embeds ?? []) as APIEmbed[])
    .map((embed) => [embed.title, embed.description, ...(embed.fields ?? []).flatMap((f) => [f.name, f.value]), embed.footer?.text].filter(Boolean).join('\n'))
    .join('\n');
}

/** What the tests read of a component in a message's action rows (a button, mostly). */
export interface SentComponent {
  type: ComponentType;
  custom_id?: string;
  label?: string;
  disabled?: boolean;
}

export function buttonsOf(body: LooseJson): SentComponent[] {
  return ((body.components ?? []) as LooseJson[]).flatMap((row) => (row.components ?? []) as SentComponent[]);
}

export const EPHEMERAL = 64;
