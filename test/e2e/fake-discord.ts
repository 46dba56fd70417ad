/**
 * A small but faithful fake of the Discord HTTP API (v10) and Gateway, for end-to-end tests that
 * drive a REAL discord.js v14 `Client`.
 *
 * ```ts
 * const fake = await startFakeDiscord({ heartbeatIntervalMs: 500 });
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], ...fake.clientOptions() });
 * await client.login(fake.token);
 * const id = fake.sendInteraction(fake.chatInputInteraction({ name: 'ask', options: { question: 'Why?' } }));
 * const callback = await fake.waitForResponse(id);   // the interaction callback (type 4/5/...)
 * const edit = await fake.waitForEdit(id);           // PATCH .../messages/@original
 * await client.destroy();
 * await fake.close();
 * ```
 *
 * What it models (details in the JSDoc of each method):
 * - REST: gateway/bot, users/@me, applications/@me, command registration (global + guild),
 *   interaction callbacks (types 4-9, `with_response`), interaction webhooks (@original and follow-ups),
 *   channel messages (create/edit/fetch/delete, typing, reactions), direct messages (`POST /users/@me/channels`,
 *   then post in the DM channel; `directMessages(userId)`, `closeDirectMessages(userId)` -> 403 50007),
 *   channels, guild channels/roles/members, a tiny CDN for attachments. Bot routes require `Authorization: Bot <token>`; interaction routes do not.
 *   Discord-shaped errors (`{ message, code, errors? }`), permission checks with channel overwrites,
 *   message/embeds/components/command validation, 3 s interaction-acknowledgement deadline.
 * - Gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME with replay, intents gating,
 *   MESSAGE_CREATE/UPDATE/DELETE for messages the bot creates, forced disconnects.
 * - Recording of every request with high resolution timestamps, wait helpers, fault injection, latency.
 *
 * discord.js behaviours worth knowing when writing tests against this fake:
 * - Interaction callbacks go to `POST /interactions/:id/:token/callback?with_response=false` (`true` with
 *   `withResponse: true`, answered 200 with `{ interaction, resource }`); autocomplete `respond()` sends no query.
 *   Callbacks and webhook routes are sent WITHOUT an Authorization header.
 * - Routes arrive percent-encoded: `/webhooks/:app/:token/messages/%40original` (`@me` -> `%40me`).
 * - @discordjs/rest retries 5xx and network errors `rest.retries` (3) times, immediately: a single 500 is
 *   invisible to the bot. 429s are waited out using `retry-after` / `x-ratelimit-reset-after` and retried.
 * - The first `followUp()` after `deferReply()` replaces the "thinking..." message (same id, keeps the deferral's
 *   ephemerality); later follow-ups are new messages. Interactions must be acknowledged within 3 s.
 * - After a dropped socket the client waits 500 ms, then RESUMEs at `resume_gateway_url`. A fresh IDENTIFY from
 *   the same Client within 5 s of the previous one waits 5-6.5 s (identify throttle), so prefer resumable drops.
 * - Destroy the Client before `close()`, otherwise it keeps trying to reconnect.
 * - discord.js v14.28 emits `clientReady` (the `ready` event name is deprecated).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionContextType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  OverwriteType,
  PermissionFlagsBits,
} from 'discord.js';
import type {
  APIAllowedMentions,
  APIApplicationCommand,
  APIApplicationCommandAutocompleteInteraction,
  APIApplicationCommandInteractionDataOption,
  APIApplicationCommandOption,
  APIApplicationCommandOptionChoice,
  APIAttachment,
  APIChatInputApplicationCommandInteraction,
  APIEmbed,
  APIGuildMember,
  APIInteraction,
  APIInteractionDataResolved,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APIMessageComponentSelectMenuInteraction,
  APIModalSubmissionComponent,
  APIModalSubmitInteraction,
  APIOverwrite,
  APIRole,
  APIUser,
  GatewayGuildCreateDispatchData,
  GuildMemberFlags,
  RoleFlags,
  UserFlags,
} from 'discord.js';

// ───────────────────────────────────────────────────────────────────────────────────────────────
// Public types
// ───────────────────────────────────────────────────────────────────────────────────────────────

/** A permission bitfield: a bigint (e.g. `PermissionFlagsBits.ManageGuild`), a number, or a decimal string. */
export type PermissionInput = bigint | number | string;

/** A JSON object whose shape the test knows better than the type system. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseJson = { [key: string]: any };

export interface FakeDiscordOptions {
  /** Bot token the client must log in with. Default: a random, realistically shaped token. */
  token?: string;
  /** Username of the bot user. Default `GuideBot`. */
  botUsername?: string;
  /** Name of the (single) guild. Default `Study Hall`. */
  guildName?: string;
  /** HELLO heartbeat interval in ms. Default 3000 (Discord uses ~41250). */
  heartbeatIntervalMs?: number;
  /** Artificial latency before every REST response, fixed ms or a function of the request. Default 0. */
  latencyMs?: number | ((request: RecordedRequest) => number);
  /**
   * Delay after a request was carried out (the message edited, the reply shown) and before its
   * response is sent, fixed ms or a function of the request (with its route and interaction tagged).
   * Unlike `latencyMs`, the user has already seen the result while the bot waits. Default 0.
   */
  responseDelayMs?: number | ((request: RecordedRequest) => number);
  /**
   * How long after dispatch an interaction may still receive its initial callback (Discord: 3 s). After it, the
   * callback gets `404 Unknown interaction (10062)`. `null` disables the deadline. Default 3000.
   */
  interactionTimeoutMs?: number | null;
  /** Which privileged intents are enabled in the "developer portal". IDENTIFY with others closes with 4014. Default: all. */
  privilegedIntents?: { guildMembers?: boolean; guildPresences?: boolean; messageContent?: boolean };
  /** Permissions of the bot's managed role. Default: a typical invite (view, send, embed, attach, history, react...). */
  botPermissions?: PermissionInput;
  /** Validate message/embed/component/modal/command payloads like Discord does (400 Invalid Form Body). Default true. */
  validatePayloads?: boolean;
  /** Optional debug sink (one line per request/gateway frame). */
  log?: (line: string) => void;
  /** How long an idle HTTP connection stays open. Default 5000 (Node's default); a load test raises it, as Discord's edge keeps connections longer. */
  keepAliveTimeoutMs?: number;
  /** The id of the fake guild (default: a fresh snowflake). Tests that shard choose it, since `(id >> 22) % shards` says which shard gets it. */
  guildId?: string;
  /**
   * More servers the bot is in, with no channels of their own: interactions sent with their `guildId` use the fake
   * guild's channels. Each is announced (READY, GUILD_CREATE) to the shard that owns it.
   */
  extraGuildIds?: string[];
  /** `shards` in GET /gateway/bot, the shard count Discord recommends. Default 1. */
  recommendedShards?: number;
}

export interface RecordedFile {
  /** Multipart field name, e.g. `files[0]`. */
  field: string;
  /** File name from the multipart part (or from `attachments[].filename`). */
  name: string;
  contentType: string;
  content: Buffer;
  /** Snowflake of the attachment created from this file, once stored on a message. */
  attachmentId?: string;
}

export type InteractionResponseKind = 'callback' | 'editOriginal' | 'fetchOriginal' | 'deleteOriginal' | 'followUp' | 'editFollowUp' | 'fetchFollowUp' | 'deleteFollowUp';

export interface RecordedRequest {
  /** 1-based order of arrival. */
  seq: number;
  /** `performance.now()` when the request arrived (ms, sub-ms resolution). */
  at: number;
  /** `process.hrtime.bigint()` when the request arrived (ns). */
  hrtime: bigint;
  method: string;
  /** Path after `/api/v10`, without the query string, e.g. `/interactions/123/abc/callback`. */
  path: string;
  /** The full request target as received, e.g. `/api/v10/interactions/123/abc/callback?with_response=false`. */
  url: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Matched route template, e.g. `PATCH /webhooks/:applicationId/:token/messages/:messageId`; null if unknown. */
  route: string | null;
  params: Record<string, string>;
  bodyType: 'none' | 'json' | 'multipart' | 'other';
  /** Parsed JSON body, or the parsed `payload_json` part of a multipart body. */
  body: LooseJson | null;
  files: RecordedFile[];
  /** `performance.now()` when the request was carried out, if its response was then held back (`responseDelayMs`). */
  carriedOutAt?: number;
  /** Response status; 0 while the request is in flight. */
  status: number;
  responseBody: unknown;
  /** `performance.now()` when the response was written. */
  respondedAt: number | null;
  /** True when the response came from `failNext`. */
  injectedFault: boolean;
  /** True when the route is unknown to the fake (404 `{ message: '404: Not Found', code: 0 }`). */
  unhandled: boolean;
  /** Set when the fake itself crashed handling the request (answered 500); a bug in the fake. */
  internalError: string | null;
  /** Set for interaction callback / webhook requests. */
  interactionId: string | null;
  responseKind: InteractionResponseKind | null;
  callbackType: InteractionResponseType | null;
  /** Message created/edited/fetched/deleted by this request, if any. */
  messageId: string | null;
}

/** Known fields of message-ish request bodies (interaction callback `data`, webhook and channel message bodies). */
export interface RecordedMessageBody extends LooseJson {
  content?: string;
  embeds?: APIEmbed[];
  components?: LooseJson[];
  allowed_mentions?: APIAllowedMentions;
  flags?: number;
  attachments?: Array<{ id: string | number; filename?: string; description?: string }>;
  /** Autocomplete result (callback type 8). */
  choices?: APIApplicationCommandOptionChoice[];
  /** Modal (callback type 9). */
  custom_id?: string;
  title?: string;
}

export interface InteractionResponseRecord {
  kind: InteractionResponseKind;
  interactionId: string;
  /** Callback type for `kind === 'callback'`, else null. */
  callbackType: InteractionResponseType | null;
  /** For callbacks: the callback's `data` (or `{}`); for webhook requests: the (payload_json) body. */
  body: RecordedMessageBody;
  files: RecordedFile[];
  messageId: string | null;
  status: number;
  ok: boolean;
  /** `performance.now()` at arrival. */
  at: number;
  /** Callback query `with_response=true`. */
  withResponse: boolean;
  request: RecordedRequest;
}

export type MessageSource = 'channel' | 'interaction' | 'followUp' | 'component' | 'injected';

export interface StoredMessage {
  id: string;
  channelId: string;
  source: MessageSource;
  interactionId: string | null;
  /** Current API representation, exactly what REST returns. */
  message: APIMessage;
  /** Body of the request that created it (null for injected messages). */
  createBody: RecordedMessageBody | null;
  /** Every file ever uploaded to this message. */
  files: RecordedFile[];
  /** Previous versions, oldest first. */
  history: APIMessage[];
  deleted: boolean;
  ephemeral: boolean;
}

export interface FakeMember {
  id: string;
  user: APIUser;
  roles: string[];
  nick: string | null;
  joinedAt: string;
  /** If set, interaction payloads use this instead of the permissions computed from roles and overwrites. */
  permissionsOverride: bigint | null;
}

export interface FakeChannel {
  id: string;
  name: string;
  type: ChannelType.GuildText | ChannelType.GuildCategory | ChannelType.GuildAnnouncement | ChannelType.PublicThread | ChannelType.PrivateThread;
  parentId: string | null;
  position: number;
  topic: string | null;
  permissionOverwrites: APIOverwrite[];
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  preferredLocale: string;
  roles: { everyone: APIRole; teacher: APIRole; bot: APIRole };
  channels: {
    category: FakeChannel;
    /** Everyone (incl. the bot) can read and post. */
    general: FakeChannel;
    /** Hidden from @everyone; visible to the Teacher role; the bot can read and post. */
    reviewQueue: FakeChannel;
    /** @everyone is denied SendMessages; the bot too, so posting returns 403 Missing Permissions (50013). */
    readOnly: FakeChannel;
  };
}

export interface InteractionBaseOptions {
  /** Invoking member (default: `fake.members.student`). */
  member?: FakeMember;
  /** Override `member.permissions` (default: computed from roles and channel overwrites). */
  permissions?: PermissionInput;
  /** Override the member's role ids. */
  roles?: string[];
  /** Channel the interaction happens in (default `guild.channels.general`). */
  channelId?: string;
  /** Guild id; pass `null` for a DM interaction (payload has `user`, no `member`). Default: the fake guild. */
  guildId?: string | null;
  /** User locale (default `en-US`). */
  locale?: string;
  guildLocale?: string;
}

export interface FakeAttachmentInput {
  attachment: { filename: string; content?: Buffer | string; contentType?: string };
}

/** An option value: plain JS values are typed from the registered command schema, else inferred. */
export type OptionValueInput = string | number | boolean | FakeAttachmentInput | { type: ApplicationCommandOptionType; value: string | number | boolean };

export interface ChatInputInteractionOptions extends InteractionBaseOptions {
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  options?: Record<string, OptionValueInput>;
  /** Command id (default: the registered command's id, else a fresh snowflake). */
  commandId?: string;
  /** Validate options against the registered command (unknown/missing required -> throws). Default true. */
  validate?: boolean;
}

export interface AutocompleteInteractionOptions extends ChatInputInteractionOptions {
  /** Name of the focused option; its value is sent as a string (what the user typed so far). */
  focused: string;
}

export interface ComponentInteractionOptions extends InteractionBaseOptions {
  customId: string;
  /** The message carrying the component: a stored message id, an API message, or omitted (a bot message is created). */
  message?: string | APIMessage | StoredMessage;
}

export interface SelectInteractionOptions extends ComponentInteractionOptions {
  values: string[];
}

export interface ModalSubmitInteractionOptions extends InteractionBaseOptions {
  customId: string;
  /**
   * Values by custom id: a string for a text input, a string array for a select (string/user/role/channel/
   * mentionable select or file upload) inside a label.
   */
  fields: Record<string, string | string[]>;
  /**
   * Component layout. Default: mirrors the last modal shown with this custom id (action rows or labels),
   * else `actionRow` (legacy rows, `{type:1, components:[{type:4,...}]}`); `label` = `{type:18, component}`.
   */
  layout?: 'actionRow' | 'label';
  /** For modals opened from a component: the message the component was on. */
  message?: string | APIMessage | StoredMessage;
}

export interface MessageCreateOptions {
  content: string;
  author?: FakeMember;
  channelId?: string;
  /** Prefix the content with a mention of the bot (`<@botId> `). */
  mentionBot?: boolean;
  /** Reply to this message id. */
  replyTo?: string;
}

/** Gateway MESSAGE_CREATE payload for a guild message. */
export type FakeMessageCreateData = APIMessage & {
  guild_id: string;
  member: Omit<APIGuildMember, 'user'>;
  mentions: Array<APIUser & { member?: Omit<APIGuildMember, 'user'> }>;
};

export interface FaultSpec {
  /** HTTP method to match (any if omitted). */
  method?: string;
  /**
   * Path after `/api/v10` (no query). String = template where `:name` matches one segment and `*` anything,
   * e.g. `/webhooks/:app/:token/messages/@original`; or a RegExp tested against the path.
   */
  pathPattern: string | RegExp;
  status: number;
  /** Response JSON (default: Discord-shaped for the status). */
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1). `Infinity` = until cancelled. */
  times?: number;
  /** 429 only: seconds to wait (header `retry-after` and body `retry_after`). Default 0.2. */
  retryAfter?: number;
  /** 429 only: global rate limit (`x-ratelimit-global: true`). */
  global?: boolean;
  /** Destroy the socket instead of answering (network error). */
  dropConnection?: boolean;
  /**
   * Carry the request out first (message sent, interaction acknowledged…), then answer with this
   * fault anyway, as Discord sometimes does with a 500: a retry then meets the state the first
   * attempt left (e.g. 40060 "already acknowledged").
   */
  afterCarryingOut?: boolean;
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** How many requests this fault has answered. */
  readonly hits: number;
  readonly remaining: number;
  cancel(): void;
}

export interface GatewayFrame {
  direction: 'in' | 'out';
  connectionId: number;
  at: number;
  /** The frame's opcode; inbound frames may carry an unknown one (the fake closes those with 4001). */
  op: GatewayOpcodes;
  t: string | null;
  s: number | null;
  d: unknown;
}

export interface GatewayConnectionInfo {
  id: number;
  /** Request target of the upgrade, e.g. `/?v=10&encoding=json`. */
  url: string;
  query: Record<string, string>;
  openedAt: number;
  closedAt: number | null;
  closeCode: number | null;
  sessionId: string | null;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  payload: APIInteraction;
  /** `performance.now()` when dispatched. */
  dispatchedAt: number;
  channelId: string | null;
  guildId: string | null;
  acknowledged: boolean;
  callbackType: InteractionResponseType | null;
  originalMessageId: string | null;
  followUpIds: string[];
  ephemeral: boolean;
}

export interface WaitOptions {
  timeoutMs?: number;
}

export interface InteractionWaitOptions<T> extends WaitOptions {
  /** Only records for which this returns true count. */
  predicate?: (record: T) => boolean;
  /** Resolve on the nth matching record (1-based, default 1). */
  nth?: number;
}

// ───────────────────────────────────────────────────────────────────────────────────────────────
// Helpers
// ───────────────────────────────────────────────────────────────────────────────────────────────

const DISCORD_EPOCH = 1420070400000n;
let lastSnowflake = 0n;
let snowflakeIncrement = 0n;

const isThread = (channel: FakeChannel) => channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread;

/** A fresh, strictly increasing snowflake (timestamp-based like Discord's). */
export function snowflake(): string {
  const ts = BigInt(Date.now()) - DISCORD_EPOCH;
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  let id = (ts << 22n) | (1n << 17n) | (1n << 12n) | snowflakeIncrement;
  if (id <= lastSnowflake) id = lastSnowflake + 1n;
  lastSnowflake = id;
  return id.toString();
}

function interactionToken(id: string): string {
  return Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
}

const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((acc, bit) => acc | bit, 0n);

const P = PermissionFlagsBits;

const DEFAULT_EVERYONE_PERMISSIONS =
  P.ViewChannel |
  P.SendMessages |
  P.SendMessagesInThreads |
  P.CreatePublicThreads |
  P.CreatePrivateThreads |
  P.EmbedLinks |
  P.AttachFiles |
  P.AddReactions |
  P.UseExternalEmojis |
  P.UseExternalStickers |
  P.ReadMessageHistory |
  P.UseApplicationCommands |
  P.CreateInstantInvite |
  P.ChangeNickname |
  P.Connect |
  P.Speak |
  P.Stream |
  P.UseVAD |
  P.SendVoiceMessages |
  P.SendPolls |
  P.UseExternalApps;

const DEFAULT_BOT_PERMISSIONS = P.ViewChannel | P.SendMessages | P.SendMessagesInThreads | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory | P.AddReactions | P.UseExternalEmojis;

function toBigInt(p: PermissionInput): bigint {
  return typeof p === 'bigint' ? p : BigInt(p);
}

const PRIVILEGED = {
  guildMembers: GatewayIntentBits.GuildMembers as number,
  guildPresences: GatewayIntentBits.GuildPresences as number,
  messageContent: GatewayIntentBits.MessageContent as number,
};

const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === 'number')
  .reduce((acc, v) => acc | v, 0);

function isRecord(value: unknown): value is LooseJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nowIso(): string {
  return new Date().toISOString().replace('Z', '000+00:00');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function templateToRegExp(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => (segment === '*' ? '.*' : segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\*/g, '.*')))
    .join('/');
  return new RegExp(`^${source}$`);
}

interface MultipartPart {
  /** The `name` of the part's Content-Disposition. */
  name: string;
  /** The `filename` of the part's Content-Disposition; `null` for a plain field. */
  filename: string | null;
  /** The part's Content-Type, `''` when it has none. */
  contentType: string;
  content: Buffer;
}

/**
 * Split a `multipart/form-data` body (RFC 7578, as undici's FormData serialises it) into its parts. Names and
 * file names are decoded like the WHATWG multipart parser does (`%0A`, `%0D`, `%22`). Throws on a malformed body.
 */
function parseMultipart(raw: Buffer, contentType: string): MultipartPart[] {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) throw new Error('multipart/form-data without a boundary');
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const decode = (value: string) => value.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%22/g, '"');
  const parts: MultipartPart[] = [];
  let at = raw.indexOf(delimiter);
  if (at === -1) throw new Error('multipart body without its boundary');
  for (;;) {
    at += delimiter.length;
    const after = raw.toString('latin1', at, at + 2);
    if (after === '--') return parts;
    if (after !== '\r\n') throw new Error('malformed multipart boundary line');
    const headerEnd = raw.indexOf('\r\n\r\n', at + 2);
    if (headerEnd === -1) throw new Error('multipart part without the end of its headers');
    const next = raw.indexOf(`\r\n${delimiter}`, headerEnd + 4);
    if (next === -1) throw new Error('multipart body without its closing boundary');
    let disposition = '';
    let partType = '';
    for (const line of raw.toString('utf8', at + 2, headerEnd).split('\r\n')) {
      const colon = line.indexOf(':');
      const header = line.slice(0, colon).trim().toLowerCase();
      if (header === 'content-disposition') disposition = line.slice(colon + 1);
      else if (header === 'content-type') partType = line.slice(colon + 1).trim();
    }
    const name = /;\s*name="([^"]*)"/i.exec(disposition);
    if (!/^\s*form-data\s*(;|$)/i.test(disposition) || !name) throw new Error('multipart part without a form-data name');
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition);
    parts.push({ name: decode(name[1]!), filename: filename ? decode(filename[1]!) : null, contentType: partType, content: Buffer.from(raw.subarray(headerEnd + 4, next)) });
    at = next + 2;
  }
}

/** Nested Discord validation error object (`{ field: { _errors: [{ code, message }] } }`). */
type FormErrors = { [key: string]: FormErrors | Array<{ code: string; message: string }> };

class Validation {
  readonly errors: FormErrors = {};
  count = 0;
  add(path: Array<string | number>, code: string, message: string): void {
    let node = this.errors;
    for (const key of path) {
      const k = String(key);
      const next = node[k];
      if (next === undefined || Array.isArray(next)) {
        const created: FormErrors = {};
        node[k] = created;
        node = created;
      } else {
        node = next;
      }
    }
    const list = (node._errors as Array<{ code: string; message: string }> | undefined) ?? [];
    list.push({ code, message });
    node._errors = list;
    this.count++;
  }
  maxLength(path: Array<string | number>, value: unknown, max: number): void {
    if (typeof value === 'string' && value.length > max) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    } else if (Array.isArray(value) && value.length > max) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    }
  }
  requiredString(path: Array<string | number>, value: unknown, min: number, max: number): void {
    if (value === undefined || value === null) {
      this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    } else if (typeof value !== 'string') {
      this.add(path, 'STRING_TYPE_CONVERT', 'Could not interpret value as string.');
    } else if (value.length < min || value.length > max) {
      this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    }
  }
}

/** A Discord-shaped error response, thrown by route handlers and answered as `status` with `body`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
    this.name = 'HttpError';
  }
}

function discordError(status: number, code: number, message: string, errors?: FormErrors): HttpError {
  return new HttpError(status, errors ? { message, code, errors } : { message, code });
}

const Errors = {
  unauthorized: () => discordError(401, 0, '401: Unauthorized'),
  notFound: () => discordError(404, 0, '404: Not Found'),
  unknownChannel: () => discordError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => discordError(404, 10004, 'Unknown Guild'),
  unknownMember: () => discordError(404, 10007, 'Unknown Member'),
  unknownMessage: () => discordError(404, 10008, 'Unknown Message'),
  unknownUser: () => discordError(404, 10013, 'Unknown User'),
  unknownWebhook: () => discordError(404, 10015, 'Unknown Webhook'),
  unknownCommand: () => discordError(404, 10063, 'Unknown application command'),
  unknownInteraction: () => discordError(404, 10062, 'Unknown interaction'),
  alreadyAcknowledged: () => discordError(400, 40060, 'Interaction has already been acknowledged.'),
  missingAccess: () => discordError(403, 50001, 'Missing Access'),
  missingPermissions: () => discordError(403, 50013, 'Missing Permissions'),
  emptyMessage: () => discordError(400, 50006, 'Cannot send an empty message'),
  cannotEditOthers: () => discordError(403, 50005, 'Cannot edit a message authored by another user'),
  invalidForm: (v: Validation) => discordError(400, 50035, 'Invalid Form Body', v.errors),
  invalidJson: () => discordError(400, 50109, 'The request body contains invalid JSON.'),
};

/** A request body as parsed from its bytes, with the Discord error to answer if it could not be. */
interface ParsedBody {
  type: RecordedRequest['bodyType'];
  body: RecordedRequest['body'];
  files: RecordedFile[];
  error?: HttpError;
}

interface RouteContext {
  req: RecordedRequest;
  params: Record<string, string>;
  body: LooseJson | null;
  files: RecordedFile[];
}

interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  keys: string[];
  auth: boolean;
  handler: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
}

interface InteractionState extends InteractionRecord {
  userId: string;
  sourceMessageId: string | null;
  deferredLoading: boolean;
  commandName: string | null;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  shard: [number, number];
  buffer: Array<{ op: 0; t: string; s: number; d: unknown }>;
  socket: WebSocket | null;
  connection: ConnectionState | null;
  invalidated: boolean;
}

interface ConnectionState {
  info: GatewayConnectionInfo;
  socket: WebSocket;
  session: Session | null;
}

interface Waiter {
  check: () => boolean;
  reject: (error: Error) => void;
}

// ───────────────────────────────────────────────────────────────────────────────────────────────
// The fake
// ───────────────────────────────────────────────────────────────────────────────────────────────

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly guild: FakeGuild;
  /** Pre-made guild members: the guild owner, a Teacher (ManageGuild via role), a plain student, and the bot. */
  readonly members: { owner: FakeMember; teacher: FakeMember; student: FakeMember; bot: FakeMember };
  readonly heartbeatIntervalMs: number;

  #port = 0;
  #server: Server;
  #wss: WebSocketServer;
  #options: FakeDiscordOptions;
  #latency: FakeDiscordOptions['latencyMs'];
  #responseDelay: FakeDiscordOptions['responseDelayMs'];
  #validate: boolean;
  #interactionTimeoutMs: number | null;

  #requests: RecordedRequest[] = [];
  #faults: Array<{ spec: FaultSpec; regex: RegExp; remaining: number; hits: number }> = [];
  #waiters = new Set<Waiter>();
  #closed = false;

  #roles = new Map<string, APIRole>();
  #channels = new Map<string, FakeChannel>();
  #membersById = new Map<string, FakeMember>();
  #users = new Map<string, APIUser>();
  #messages = new Map<string, StoredMessage>();
  #channelMessages = new Map<string, string[]>();
  /** DM channels the bot opened (`POST /users/@me/channels`), by channel id -> recipient user id. */
  #dmChannels = new Map<string, string>();
  #dmsClosed = new Set<string>();
  #interactions = new Map<string, InteractionState>();
  #interactionsByToken = new Map<string, InteractionState>();
  #modalsShown = new Map<string, RecordedMessageBody>();
  #cdn = new Map<string, { content: Buffer; contentType: string }>();
  #globalCommands: APIApplicationCommand[] | null = null;
  #guildCommands = new Map<string, APIApplicationCommand[]>();
  #reactions: Array<{ channelId: string; messageId: string; emoji: string; at: number }> = [];

  #sessions = new Map<string, Session>();
  #connections: ConnectionState[] = [];
  #frames: GatewayFrame[] = [];
  #connectionSeq = 0;
  #identifyCount = 0;
  #resumeCount = 0;
  #heartbeatCount = 0;
  #routes: Route[] = [];

  constructor(options: FakeDiscordOptions = {}) {
    this.#options = options;
    this.#latency = options.latencyMs;
    this.#responseDelay = options.responseDelayMs;
    this.#validate = options.validatePayloads ?? true;
    this.#interactionTimeoutMs = options.interactionTimeoutMs === undefined ? 3000 : options.interactionTimeoutMs;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3000;

    this.applicationId = snowflake();
    const botId = this.applicationId; // bots created after 2016 share the application id
    this.token = options.token ?? `${Buffer.from(botId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
    this.botUser = {
      id: botId,
      username: options.botUsername ?? 'GuideBot',
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
      flags: 0 as UserFlags,
      public_flags: 0 as UserFlags,
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
      collectibles: null,
      primary_guild: null,
    };
    this.#users.set(botId, this.botUser);

    // Guild, roles, members, channels
    const guildId = options.guildId ?? snowflake();
    const ownerUser = this.#makeUser('owner');
    const everyone = this.#makeRole(guildId, '@everyone', DEFAULT_EVERYONE_PERMISSIONS, 0);
    const teacher = this.#makeRole(snowflake(), 'Teacher', P.ManageGuild, 2);
    const botRole = this.#makeRole(snowflake(), this.botUser.username, options.botPermissions === undefined ? DEFAULT_BOT_PERMISSIONS : toBigInt(options.botPermissions), 1, {
      managed: true,
      tags: { bot_id: botId },
    });
    const category = this.#makeChannel({ name: 'study', type: ChannelType.GuildCategory, position: 0 });
    const general = this.#makeChannel({ name: 'general', parentId: category.id, position: 0, topic: 'Ask the guide bot' });
    const reviewQueue = this.#makeChannel({
      name: 'review-queue',
      parentId: category.id,
      position: 1,
      topic: 'Answers waiting for a teacher',
      permissionOverwrites: [
        { id: guildId, type: OverwriteType.Role, allow: '0', deny: P.ViewChannel.toString() },
        { id: teacher.id, type: OverwriteType.Role, allow: (P.ViewChannel | P.SendMessages).toString(), deny: '0' },
        {
          id: botRole.id,
          type: OverwriteType.Role,
          allow: (P.ViewChannel | P.SendMessages | P.EmbedLinks | P.ReadMessageHistory).toString(),
          deny: '0',
        },
      ],
    });
    const readOnly = this.#makeChannel({
      name: 'announcements',
      parentId: category.id,
      position: 2,
      topic: 'Read only',
      permissionOverwrites: [{ id: guildId, type: OverwriteType.Role, allow: '0', deny: P.SendMessages.toString() }],
    });
    this.guild = {
      id: guildId,
      name: options.guildName ?? 'Study Hall',
      ownerId: ownerUser.id,
      preferredLocale: 'en-US',
      roles: { everyone, teacher, bot: botRole },
      channels: { category, general, reviewQueue, readOnly },
    };
    this.members = {
      owner: this.#addMemberFromUser(ownerUser, []),
      teacher: this.#addMemberFromUser(this.#makeUser('teacher'), [teacher.id]),
      student: this.#addMemberFromUser(this.#makeUser('student'), []),
      bot: this.#addMemberFromUser(this.botUser, [botRole.id]),
    };

    this.#registerRoutes();
    this.#server = createServer((req, res) => {
      this.#handleHttp(req, res).catch((error: unknown) => {
        this.#log(`internal error for ${req.method} ${req.url}: ${String(error instanceof Error ? error.stack : error)}`);
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
        }
      });
    });
    this.#server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
    this.#wss = new WebSocketServer({ noServer: true });
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#handleUpgrade(req, socket, head));
  }

  /** Start listening on 127.0.0.1 with an ephemeral port. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  get port(): number {
    return this.#port;
  }
  /** Value for discord.js `rest.api`, e.g. `http://127.0.0.1:PORT/api`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }
  /** The environment that points a bot process at this fake: its token, application id and API URL. */
  get botEnv(): { DISCORD_TOKEN: string; DISCORD_APPLICATION_ID: string; DISCORD_API_URL: string } {
    return { DISCORD_TOKEN: this.token, DISCORD_APPLICATION_ID: this.applicationId, DISCORD_API_URL: this.apiUrl };
  }
  /** Gateway URL returned by `GET /gateway/bot`. discord.js connects to `${gatewayUrl}?v=10&encoding=json`. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }
  /** `resume_gateway_url` sent in READY (a different path, so tests can tell resumes apart). */
  get resumeGatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}/resume`;
  }
  /** Base URL of the fake CDN serving uploaded/injected attachments. */
  get cdnUrl(): string {
    return `http://127.0.0.1:${this.#port}/cdn`;
  }

  /** Options to spread into `new Client({ intents, ...fake.clientOptions() })`. */
  clientOptions(): { rest: { api: string } } {
    return { rest: { api: this.apiUrl } };
  }

  // ── Inspection ───────────────────────────────────────────────────────────────────────────────

  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }
  /** Requests to routes the fake does not know (answered 404). */
  get unhandledRequests(): readonly RecordedRequest[] {
    return this.#requests.filter((r) => r.unhandled);
  }
  get identifyCount(): number {
    return this.#identifyCount;
  }
  get resumeCount(): number {
    return this.#resumeCount;
  }
  get heartbeatCount(): number {
    return this.#heartbeatCount;
  }
  get gatewayFrames(): readonly GatewayFrame[] {
    return this.#frames;
  }
  get gatewayConnections(): readonly GatewayConnectionInfo[] {
    return this.#connections.map((c) => c.info);
  }
  /** Number of currently open gateway sockets. */
  get openSockets(): number {
    return this.#connections.filter((c) => c.info.closedAt === null).length;
  }
  /** Last commands registered globally with PUT (or built up with POST/PATCH/DELETE); null if never. */
  get globalCommands(): readonly APIApplicationCommand[] | null {
    return this.#globalCommands;
  }
  /** Commands registered for a guild (default: the fake guild); null if never. */
  guildCommands(guildId: string = this.guild.id): readonly APIApplicationCommand[] | null {
    return this.#guildCommands.get(guildId) ?? null;
  }
  get reactions(): ReadonlyArray<{ channelId: string; messageId: string; emoji: string; at: number }> {
    return this.#reactions;
  }

  /** Throw if any request hit an unknown route (or crashed the fake). */
  assertNoUnhandledRequests(): void {
    const unhandled = this.unhandledRequests;
    if (unhandled.length > 0) {
      throw new Error(`FakeDiscord: ${unhandled.length} request(s) to unknown routes:\n${unhandled.map((r) => `  ${r.method} ${r.url}`).join('\n')}`);
    }
    const crashed = this.#requests.filter((r) => r.internalError !== null);
    if (crashed.length > 0) {
      throw new Error(`FakeDiscord: internal error(s) (bug in the fake):\n${crashed.map((r) => `  ${r.method} ${r.path}: ${r.internalError}`).join('\n')}`);
    }
  }

  /** Forget recorded requests and gateway frames (state such as messages is kept). */
  clearRequests(): void {
    this.#requests = [];
    this.#frames = [];
  }

  setLatency(latency: FakeDiscordOptions['latencyMs']): void {
    this.#latency = latency;
  }

  /** Change the delay between carrying out a request and answering it (see `responseDelayMs`). */
  setResponseDelay(delay: FakeDiscordOptions['responseDelayMs']): void {
    this.#responseDelay = delay;
  }

  /** Change the interaction acknowledgement deadline (`null` disables it). Applies to callbacks made from now on. */
  setInteractionTimeout(ms: number | null): void {
    this.#interactionTimeoutMs = ms;
  }

  interaction(id: string): InteractionRecord | undefined {
    const state = this.#interactions.get(id);
    return state ? { ...state, followUpIds: [...state.followUpIds] } : undefined;
  }

  /**
   * Callback + webhook requests for an interaction, in arrival order. By default only successful (2xx) ones;
   * pass `{ includeFailed: true }` to also see e.g. the 429/500 attempts.
   */
  interactionResponses(interactionId: string, options: { includeFailed?: boolean } = {}): InteractionResponseRecord[] {
    const out: InteractionResponseRecord[] = [];
    for (const req of this.#requests) {
      if (req.interactionId !== interactionId || req.responseKind === null || req.status === 0) continue;
      const ok = req.status >= 200 && req.status < 300;
      if (!ok && !options.includeFailed) continue;
      const body = req.responseKind === 'callback' ? (isRecord(req.body) && isRecord(req.body.data) ? req.body.data : {}) : isRecord(req.body) ? req.body : {};
      out.push({
        kind: req.responseKind,
        interactionId,
        callbackType: req.callbackType,
        body: body,
        files: req.files,
        messageId: req.messageId,
        status: req.status,
        ok,
        at: req.at,
        withResponse: req.query.with_response === 'true',
        request: req,
      });
    }
    return out;
  }

  message(id: string): StoredMessage | undefined {
    return this.#messages.get(id);
  }

  /** Messages in a channel, oldest first (deleted ones excluded unless asked). Ephemeral messages are included only if asked. */
  channelMessages(channelId: string, options: { includeDeleted?: boolean; includeEphemeral?: boolean } = {}): StoredMessage[] {
    return (this.#channelMessages.get(channelId) ?? [])
      .map((id) => this.#messages.get(id))
      .filter((m): m is StoredMessage => m !== undefined)
      .filter((m) => (options.includeDeleted || !m.deleted) && (options.includeEphemeral || !m.ephemeral));
  }

  /** The message behind `@original` for an interaction, if any. */
  originalResponse(interactionId: string): StoredMessage | undefined {
    const id = this.#interactions.get(interactionId)?.originalMessageId;
    return id ? this.#messages.get(id) : undefined;
  }

  followUps(interactionId: string): StoredMessage[] {
    return (this.#interactions.get(interactionId)?.followUpIds ?? []).map((id) => this.#messages.get(id)).filter((m): m is StoredMessage => m !== undefined);
  }

  /** Direct messages the bot sent to a user, oldest first. */
  directMessages(userId: string): StoredMessage[] {
    const channelId = [...this.#dmChannels].find(([, recipient]) => recipient === userId)?.[0];
    return channelId ? this.channelMessages(channelId) : [];
  }

  /** Make direct messages to this user fail like Discord does when they closed them (403 50007). */
  closeDirectMessages(userId: string, closed = true): void {
    if (closed) this.#dmsClosed.add(userId);
    else this.#dmsClosed.delete(userId);
  }

  /** Current permissions of a member, optionally in a channel (overwrites applied). */
  permissionsOf(member: FakeMember, channelId?: string): bigint {
    return this.#computePermissions(member, channelId ? this.#channels.get(channelId) : undefined, member.roles);
  }

  // ── Waiting ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Resolve with the first truthy value of `check()`, re-evaluated after every request and gateway frame (and
   * polled every `pollIntervalMs`, default 5, so it also works for client-side conditions).
   * Rejects after `timeoutMs` (default 5000) with `description` and a summary of recent traffic.
   */
  waitFor<T>(check: () => T | undefined | null | false, options: WaitOptions & { description?: string; pollIntervalMs?: number } = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const description = options.description ?? 'condition';
    const first = check();
    if (first !== undefined && first !== null && first !== false) return Promise.resolve(first);
    if (this.#closed) return Promise.reject(new Error(`FakeDiscord is closed; cannot wait for ${description}`));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const value = check();
          if (value === undefined || value === null || value === false) return false;
          clearTimeout(timer);
          clearInterval(poll);
          this.#waiters.delete(waiter);
          resolve(value);
          return true;
        },
        reject: (error) => {
          clearTimeout(timer);
          clearInterval(poll);
          this.#waiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiter.reject(new Error(`FakeDiscord: timed out after ${timeoutMs}ms waiting for ${description}.\n${this.describeRecentActivity()}`));
      }, timeoutMs);
      // Also poll, so conditions on client-side state (e.g. events a discord.js Client emitted) resolve promptly.
      const poll = setInterval(() => {
        try {
          waiter.check();
        } catch (error) {
          waiter.reject(error instanceof Error ? error : new Error(String(error)));
        }
      }, options.pollIntervalMs ?? 5);
      this.#waiters.add(waiter);
    });
  }

  /** Wait for a (completed) request matching the predicate. */
  waitForRequest(predicate: (req: RecordedRequest) => boolean, options: WaitOptions & { description?: string } = {}): Promise<RecordedRequest> {
    return this.waitFor(() => this.#requests.find((r) => r.status !== 0 && predicate(r)), {
      ...options,
      description: options.description ?? 'a matching request',
    });
  }

  /** Wait for the nth (default first) interaction response record of the given kinds. */
  waitForInteractionResponse(
    interactionId: string,
    kinds: InteractionResponseKind[],
    options: InteractionWaitOptions<InteractionResponseRecord> & { includeFailed?: boolean } = {},
  ): Promise<InteractionResponseRecord> {
    const nth = options.nth ?? 1;
    return this.waitFor(
      () => {
        const matches = this.interactionResponses(interactionId, { includeFailed: options.includeFailed ?? false }).filter(
          (r) => kinds.includes(r.kind) && (options.predicate ? options.predicate(r) : true),
        );
        return matches[nth - 1];
      },
      {
        timeoutMs: options.timeoutMs,
        description: `${nth > 1 ? `#${nth} ` : ''}${kinds.join('/')} for interaction ${interactionId}${this.#describeInteraction(interactionId)}`,
      },
    );
  }

  /** The successful initial callback (`POST /interactions/:id/:token/callback`). */
  waitForResponse(interactionId: string, options: InteractionWaitOptions<InteractionResponseRecord> = {}): Promise<InteractionResponseRecord> {
    return this.waitForInteractionResponse(interactionId, ['callback'], options);
  }

  /** A successful edit (`PATCH /webhooks/:app/:token/messages/@original` or of a follow-up). */
  waitForEdit(interactionId: string, options: InteractionWaitOptions<InteractionResponseRecord> = {}): Promise<InteractionResponseRecord> {
    return this.waitForInteractionResponse(interactionId, ['editOriginal', 'editFollowUp'], options);
  }

  /** A successful follow-up (`POST /webhooks/:app/:token`). */
  waitForFollowUp(interactionId: string, options: InteractionWaitOptions<InteractionResponseRecord> = {}): Promise<InteractionResponseRecord> {
    return this.waitForInteractionResponse(interactionId, ['followUp'], options);
  }

  /** A successful `DELETE` of @original or a follow-up. */
  waitForDelete(interactionId: string, options: InteractionWaitOptions<InteractionResponseRecord> = {}): Promise<InteractionResponseRecord> {
    return this.waitForInteractionResponse(interactionId, ['deleteOriginal', 'deleteFollowUp'], options);
  }

  /**
   * A message the bot created in a channel via `POST /channels/:id/messages` (nth, default first, matching).
   * With `includeInteractionMessages`, non-ephemeral interaction replies/follow-ups in that channel count too.
   */
  waitForChannelMessage(channelId: string, options: InteractionWaitOptions<StoredMessage> & { includeInteractionMessages?: boolean } = {}): Promise<StoredMessage> {
    const nth = options.nth ?? 1;
    return this.waitFor(
      () => {
        const matches = this.channelMessages(channelId, { includeDeleted: true }).filter(
          (m) => (m.source === 'channel' || (options.includeInteractionMessages && (m.source === 'interaction' || m.source === 'followUp'))) && (options.predicate ? options.predicate(m) : true),
        );
        return matches[nth - 1];
      },
      { timeoutMs: options.timeoutMs, description: `${nth > 1 ? `#${nth} ` : ''}bot message in channel ${this.#channelLabel(channelId)}` },
    );
  }

  /** Wait for the nth (default first) client->server gateway frame with this opcode. */
  waitForGatewayOp(op: GatewayOpcodes, options: InteractionWaitOptions<GatewayFrame> = {}): Promise<GatewayFrame> {
    const nth = options.nth ?? 1;
    return this.waitFor(() => this.#frames.filter((f) => f.direction === 'in' && f.op === op && (options.predicate ? options.predicate(f) : true))[nth - 1], {
      timeoutMs: options.timeoutMs,
      description: `gateway op ${GatewayOpcodes[op]} (${op}) from the client`,
    });
  }

  /** Wait until `resumeCount >= n` and the RESUMED dispatch was sent. */
  waitForResume(n = 1, options: WaitOptions = {}): Promise<true> {
    return this.waitFor(() => this.#resumeCount >= n && this.#frames.filter((f) => f.direction === 'out' && f.t === 'RESUMED').length >= n, { ...options, description: `resume #${n}` });
  }

  /** Human readable summary of recent traffic (used in timeout errors). */
  describeRecentActivity(limit = 15): string {
    const reqs = this.#requests.slice(-limit).map((r) => {
      const extra = r.responseKind ? ` [${r.responseKind}${r.callbackType !== null ? ` type ${r.callbackType}` : ''}]` : '';
      const err = r.status >= 400 && isRecord(r.responseBody) ? ` ${JSON.stringify(r.responseBody).slice(0, 160)}` : '';
      return `  #${r.seq} +${r.at.toFixed(1)}ms ${r.method} ${r.path} -> ${r.status || 'pending'}${extra}${err}`;
    });
    const frames = this.#frames.slice(-limit).map((f) => `  ${f.direction === 'in' ? '<-' : '->'} op ${f.op}${f.t ? ` ${f.t}` : ''}${f.s !== null ? ` s=${f.s}` : ''}`);
    return `Recent requests (${this.#requests.length} total):\n${reqs.join('\n') || '  (none)'}\nRecent gateway frames:\n${frames.join('\n') || '  (none)'}`;
  }

  // ── Fault injection ──────────────────────────────────────────────────────────────────────────

  /**
   * Make the next matching request(s) fail. For 429 the fake sends what Discord sends:
   * `retry-after`, `x-ratelimit-limit/remaining/reset/reset-after/bucket/scope` (+ `x-ratelimit-global`) headers
   * and `{ message: 'You are being rate limited.', retry_after, global }`.
   *
   * NOTE: @discordjs/rest retries 5xx responses and network errors up to `rest.retries` (default 3) times,
   * so a single 500 is invisible to the bot; use `times: 4` (or `Infinity`) to surface it.
   */
  failNext(spec: FaultSpec): FaultHandle {
    const entry = {
      spec,
      regex: typeof spec.pathPattern === 'string' ? templateToRegExp(spec.pathPattern) : spec.pathPattern,
      remaining: spec.times ?? 1,
      hits: 0,
    };
    this.#faults.push(entry);
    return {
      spec,
      get hits() {
        return entry.hits;
      },
      get remaining() {
        return entry.remaining;
      },
      cancel: () => {
        entry.remaining = 0;
      },
    };
  }

  clearFaults(): void {
    this.#faults = [];
  }

  // ── Guild state ──────────────────────────────────────────────────────────────────────────────

  /** Add a guild member (dispatches GUILD_MEMBER_ADD to sessions with the GuildMembers intent). */
  addMember(spec: { username: string; roles?: string[]; nick?: string; permissions?: PermissionInput; globalName?: string }): FakeMember {
    const user = this.#makeUser(spec.username, spec.globalName);
    const member = this.#addMemberFromUser(user, spec.roles ?? []);
    member.nick = spec.nick ?? null;
    if (spec.permissions !== undefined) member.permissionsOverride = toBigInt(spec.permissions);
    this.#dispatchToSessions(GatewayDispatchEvents.GuildMemberAdd, { ...this.#memberApi(member), guild_id: this.guild.id }, GatewayIntentBits.GuildMembers);
    return member;
  }

  /** Add a role (dispatches GUILD_ROLE_CREATE). */
  addRole(spec: { name: string; permissions?: PermissionInput }): APIRole {
    const role = this.#makeRole(snowflake(), spec.name, toBigInt(spec.permissions ?? 0n), this.#roles.size);
    this.#dispatchToSessions(GatewayDispatchEvents.GuildRoleCreate, { guild_id: this.guild.id, role }, GatewayIntentBits.Guilds);
    return role;
  }

  /**
   * Add a text channel (dispatches CHANNEL_CREATE). `botCanView: false` / `botCanSend: false` add member
   * overwrites for the bot so REST returns 403 Missing Access (50001) / Missing Permissions (50013).
   */
  addChannel(spec: { name: string; topic?: string; parentId?: string | null; permissionOverwrites?: APIOverwrite[]; botCanView?: boolean; botCanSend?: boolean }): FakeChannel {
    const overwrites = [...(spec.permissionOverwrites ?? [])];
    let deny = 0n;
    if (spec.botCanView === false) deny |= P.ViewChannel;
    if (spec.botCanSend === false) deny |= P.SendMessages;
    if (deny) overwrites.push({ id: this.botUser.id, type: OverwriteType.Member, allow: '0', deny: deny.toString() });
    const channel = this.#makeChannel({
      name: spec.name,
      parentId: spec.parentId === undefined ? this.guild.channels.category.id : spec.parentId,
      position: this.#channels.size,
      topic: spec.topic ?? null,
      permissionOverwrites: overwrites,
    });
    this.#dispatchToSessions(GatewayDispatchEvents.ChannelCreate, this.#channelApi(channel, true), GatewayIntentBits.Guilds);
    return channel;
  }

  /**
   * Add a thread in a channel (its `parentId`), with the parent's permissions. `announce` (default
   * true) dispatches THREAD_CREATE, so the client caches it; with `false` the client only learns of
   * it from the `channel` of an interaction payload.
   */
  addThread(spec: { name: string; parentId: string; private?: boolean; announce?: boolean }): FakeChannel {
    const parent = this.#channels.get(spec.parentId);
    if (!parent) throw new Error(`unknown parent channel id ${spec.parentId}`);
    const thread = this.#makeChannel({
      name: spec.name,
      type: spec.private ? ChannelType.PrivateThread : ChannelType.PublicThread,
      parentId: parent.id,
      position: 0,
      permissionOverwrites: parent.permissionOverwrites,
    });
    if (spec.announce !== false) {
      this.#dispatchToSessions(GatewayDispatchEvents.ThreadCreate, { ...this.#channelApi(thread, true), newly_created: true }, GatewayIntentBits.Guilds);
    }
    return thread;
  }

  channel(id: string): FakeChannel | undefined {
    return this.#channels.get(id);
  }

  member(id: string): FakeMember | undefined {
    return this.#membersById.get(id);
  }

  // ── Payload builders ─────────────────────────────────────────────────────────────────────────

  /** A real-shaped `APPLICATION_COMMAND` (type 2) chat input interaction. */
  chatInputInteraction(opts: ChatInputInteractionOptions): APIChatInputApplicationCommandInteraction {
    const { data } = this.#commandData(opts, null);
    return this.#baseInteraction(InteractionType.ApplicationCommand, opts, data) as APIChatInputApplicationCommandInteraction;
  }

  /** A real-shaped `APPLICATION_COMMAND_AUTOCOMPLETE` (type 4) interaction; `focused` names the focused option. */
  autocompleteInteraction(opts: AutocompleteInteractionOptions): APIApplicationCommandAutocompleteInteraction {
    const { data } = this.#commandData(opts, opts.focused);
    return this.#baseInteraction(InteractionType.ApplicationCommandAutocomplete, opts, data) as APIApplicationCommandAutocompleteInteraction;
  }

  /** A real-shaped `MESSAGE_COMPONENT` (type 3) button interaction. */
  buttonInteraction(opts: ComponentInteractionOptions): APIMessageComponentButtonInteraction {
    const message = this.#componentMessage(opts, ComponentType.Button);
    return this.#baseInteraction(InteractionType.MessageComponent, opts, { custom_id: opts.customId, component_type: ComponentType.Button }, message) as APIMessageComponentButtonInteraction;
  }

  /** A real-shaped string select interaction. */
  stringSelectInteraction(opts: SelectInteractionOptions): APIMessageComponentSelectMenuInteraction {
    const message = this.#componentMessage(opts, ComponentType.StringSelect);
    return this.#baseInteraction(
      InteractionType.MessageComponent,
      opts,
      { custom_id: opts.customId, component_type: ComponentType.StringSelect, values: opts.values },
      message,
    ) as APIMessageComponentSelectMenuInteraction;
  }

  /** A real-shaped `MODAL_SUBMIT` (type 5) interaction with text input values. */
  modalSubmitInteraction(opts: ModalSubmitInteractionOptions): APIModalSubmitInteraction {
    const shown = this.#modalsShown.get(opts.customId);
    const components: APIModalSubmissionComponent[] = [];
    let componentId = 1;
    const remaining = new Set(Object.keys(opts.fields));
    const submitted = (inner: LooseJson): LooseJson => {
      const customId = String(inner.custom_id);
      remaining.delete(customId);
      const value = opts.fields[customId];
      if (value === undefined && inner.required !== false) {
        throw new Error(`modalSubmitInteraction: required field "${customId}" of modal "${opts.customId}" has no value`);
      }
      const type: ComponentType = typeof inner.type === 'number' ? inner.type : ComponentType.TextInput;
      if (type === ComponentType.TextInput) {
        if (Array.isArray(value)) throw new Error(`modalSubmitInteraction: field "${customId}" is a text input; pass a string`);
        return { type, id: componentId++, custom_id: customId, value: value ?? '' };
      }
      return { type, id: componentId++, custom_id: customId, values: value === undefined ? [] : Array.isArray(value) ? value : [value] };
    };
    if (shown && Array.isArray(shown.components) && opts.layout === undefined) {
      // Mirror the modal the bot showed (same layout, component types and ids order).
      for (const top of shown.components) {
        if (top.type === ComponentType.ActionRow && Array.isArray(top.components)) {
          const rowId = componentId++;
          components.push({ type: ComponentType.ActionRow, id: rowId, components: (top.components as LooseJson[]).map(submitted) } as APIModalSubmissionComponent);
        } else if (top.type === ComponentType.Label && isRecord(top.component)) {
          const labelId = componentId++;
          components.push({ type: ComponentType.Label, id: labelId, component: submitted(top.component) } as APIModalSubmissionComponent);
        } else if (top.type === ComponentType.TextDisplay) {
          components.push({ type: ComponentType.TextDisplay, id: componentId++ });
        }
      }
      if (remaining.size > 0) {
        throw new Error(`modalSubmitInteraction: modal "${opts.customId}" shown by the bot has no field(s) ${[...remaining].join(', ')}`);
      }
    } else {
      for (const [customId, value] of Object.entries(opts.fields)) {
        if ((opts.layout ?? 'actionRow') === 'label' || Array.isArray(value)) {
          const labelId = componentId++;
          const inner = submitted({ custom_id: customId, type: Array.isArray(value) ? ComponentType.StringSelect : ComponentType.TextInput });
          components.push({ type: ComponentType.Label, id: labelId, component: inner } as APIModalSubmissionComponent);
        } else {
          const rowId = componentId++;
          components.push({
            type: ComponentType.ActionRow,
            id: rowId,
            components: [submitted({ custom_id: customId, type: ComponentType.TextInput })],
          } as APIModalSubmissionComponent);
        }
      }
    }
    const message = opts.message === undefined ? undefined : this.#resolveMessageInput(opts.message, opts.channelId);
    return this.#baseInteraction(InteractionType.ModalSubmit, opts, { custom_id: opts.customId, components }, message) as APIModalSubmitInteraction;
  }

  /** A gateway MESSAGE_CREATE payload for a member's message (optionally mentioning the bot). */
  messageCreate(opts: MessageCreateOptions): FakeMessageCreateData {
    const author = opts.author ?? this.members.student;
    const channelId = opts.channelId ?? this.guild.channels.general.id;
    const content = opts.mentionBot ? `<@${this.botUser.id}> ${opts.content}` : opts.content;
    const referenced = opts.replyTo ? this.#messages.get(opts.replyTo) : undefined;
    const base = this.#buildMessage({
      id: snowflake(),
      channelId,
      author: author.user,
      body: { content },
      attachments: [],
      type: opts.replyTo ? MessageType.Reply : MessageType.Default,
      flags: 0,
    });
    if (opts.replyTo) {
      base.message_reference = { type: 0, message_id: opts.replyTo, channel_id: channelId, guild_id: this.guild.id };
      base.referenced_message = referenced?.message ?? null;
    }
    return {
      ...base,
      guild_id: this.guild.id,
      member: this.#partialMember(author),
      mentions: base.mentions.map((u) => {
        const m = this.#membersById.get(u.id);
        return m ? { ...u, member: this.#partialMember(m) } : u;
      }),
    };
  }

  // ── Gateway dispatch ─────────────────────────────────────────────────────────────────────────

  /**
   * Dispatch INTERACTION_CREATE and register the interaction (id/token) so callbacks and webhooks work.
   * Returns the interaction id. Throws if no gateway session exists yet. It goes to the shard that owns its guild,
   * `(guild_id >> 22) % shard count` (shard 0 for direct messages), or to `shard` when given (as after a reshard,
   * when a server's events move to another shard).
   */
  sendInteraction(payload: APIInteraction, shard?: number): string {
    if (this.#interactions.has(payload.id)) throw new Error(`sendInteraction: interaction ${payload.id} was already sent`);
    const messageId = 'message' in payload && payload.message ? payload.message.id : null;
    const user = payload.member?.user ?? payload.user;
    const state: InteractionState = {
      id: payload.id,
      token: payload.token,
      type: payload.type,
      payload,
      dispatchedAt: performance.now(),
      channelId: payload.channel?.id ?? null,
      guildId: payload.guild_id ?? null,
      acknowledged: false,
      callbackType: null,
      originalMessageId: null,
      followUpIds: [],
      ephemeral: false,
      userId: user?.id ?? '0',
      sourceMessageId: messageId,
      deferredLoading: false,
      commandName: payload.type === InteractionType.ApplicationCommand || payload.type === InteractionType.ApplicationCommandAutocomplete ? payload.data.name : null,
    };
    this.#requireSession('sendInteraction');
    this.#interactions.set(state.id, state);
    this.#interactionsByToken.set(state.token, state);
    this.dispatch(GatewayDispatchEvents.InteractionCreate, payload, shard);
    return state.id;
  }

  /** Store and dispatch a member's MESSAGE_CREATE (content is stripped for sessions without MessageContent, unless it mentions the bot). */
  sendMessage(input: MessageCreateOptions | FakeMessageCreateData): FakeMessageCreateData {
    const data = 'id' in input ? input : this.messageCreate(input);
    this.#requireSession('sendMessage');
    this.#storeMessage({
      id: data.id,
      channelId: data.channel_id,
      source: 'injected',
      interactionId: null,
      message: data,
      createBody: null,
      files: [],
      history: [],
      deleted: false,
      ephemeral: false,
    });
    this.#dispatchToSessions(GatewayDispatchEvents.MessageCreate, data, GatewayIntentBits.GuildMessages, (session) => this.#applyContentIntent(session, data));
    return data;
  }

  /**
   * Send a raw dispatch to every gateway session (ignores intents). While a session's socket is down the event
   * is buffered and replayed on RESUME. Returns the number of sessions it was queued for.
   */
  dispatch(event: string, data: unknown, shard?: number): number {
    return this.#dispatchToSessions(event, data, null, undefined, shard);
  }

  /**
   * Drop every gateway connection once. Without `code` the TCP socket is destroyed (the client sees 1006 and
   * RESUMEs). With a close code the socket is closed cleanly with it (e.g. 4000 -> resume, 1000 -> re-identify,
   * 4004 -> fatal). Sessions stay resumable.
   */
  disconnect(code?: number, reason = 'FakeDiscord.disconnect'): void {
    for (const conn of this.#connections) {
      if (conn.info.closedAt !== null) continue;
      if (code === undefined) conn.socket.terminate();
      else conn.socket.close(code, reason);
    }
  }

  /** Send op 7 RECONNECT (the client closes and resumes). */
  requestReconnect(): void {
    for (const conn of this.#openConnections()) this.#send(conn, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
  }

  /** Send op 9 INVALID_SESSION (with `resumable=false` the session is dropped and the client re-identifies). */
  invalidateSession(resumable = false): void {
    for (const conn of this.#openConnections()) {
      if (!resumable && conn.session) conn.session.invalidated = true;
      this.#send(conn, { op: GatewayOpcodes.InvalidSession, d: resumable, s: null, t: null });
    }
  }

  /** Stop: reject pending waits, drop sockets, close the server. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of [...this.#waiters]) waiter.reject(new Error('FakeDiscord was closed while waiting'));
    for (const conn of this.#connections) {
      if (conn.info.closedAt === null) conn.socket.terminate();
    }
    this.#wss.close();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  // ───────────────────────────────────────────────────────────────────────────────────────────
  // Internals: entities
  // ───────────────────────────────────────────────────────────────────────────────────────────

  #makeUser(username: string, globalName?: string): APIUser {
    const user: APIUser = {
      id: snowflake(),
      username,
      discriminator: '0',
      global_name: globalName ?? username[0]!.toUpperCase() + username.slice(1),
      avatar: null,
      public_flags: 0 as UserFlags,
      flags: 0 as UserFlags,
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
      collectibles: null,
      primary_guild: null,
    };
    this.#users.set(user.id, user);
    return user;
  }

  #makeRole(id: string, name: string, permissions: bigint, position: number, extra: Partial<APIRole> = {}): APIRole {
    const role: APIRole = {
      id,
      name,
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- Discord still returns `color` in role objects and APIRole requires it.
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions: permissions.toString(),
      managed: false,
      mentionable: false,
      flags: 0 as RoleFlags,
      ...extra,
    };
    this.#roles.set(id, role);
    return role;
  }

  #makeChannel(spec: { name: string; type?: FakeChannel['type']; parentId?: string | null; position: number; topic?: string | null; permissionOverwrites?: APIOverwrite[] }): FakeChannel {
    const channel: FakeChannel = {
      id: snowflake(),
      name: spec.name,
      type: spec.type ?? ChannelType.GuildText,
      parentId: spec.parentId ?? null,
      position: spec.position,
      topic: spec.topic ?? null,
      permissionOverwrites: spec.permissionOverwrites ?? [],
    };
    this.#channels.set(channel.id, channel);
    return channel;
  }

  #addMemberFromUser(user: APIUser, roles: string[]): FakeMember {
    const member: FakeMember = { id: user.id, user, roles, nick: null, joinedAt: nowIso(), permissionsOverride: null };
    this.#membersById.set(user.id, member);
    return member;
  }

  #partialMember(member: FakeMember): Omit<APIGuildMember, 'user'> {
    const { user: _user, ...rest } = this.#memberApi(member);
    return rest;
  }

  #memberApi(member: FakeMember): APIGuildMember {
    return {
      user: member.user,
      nick: member.nick,
      avatar: null,
      banner: null,
      roles: [...member.roles],
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    };
  }

  #channelApi(channel: FakeChannel, includeGuildId: boolean): LooseJson {
    const base: LooseJson = {
      id: channel.id,
      type: channel.type,
      name: channel.name,
      position: channel.position,
      permission_overwrites: channel.permissionOverwrites,
      flags: 0,
    };
    if (includeGuildId) base.guild_id = this.guild.id;
    if (channel.type === ChannelType.GuildCategory) return base;
    if (isThread(channel)) {
      return {
        ...base,
        parent_id: channel.parentId,
        owner_id: this.members.student.id,
        member_count: 1,
        message_count: 0,
        total_message_sent: 0,
        rate_limit_per_user: 0,
        last_message_id: null,
        thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: nowIso(), locked: false, create_timestamp: nowIso() },
      };
    }
    const ids = this.#channelMessages.get(channel.id) ?? [];
    return {
      ...base,
      parent_id: channel.parentId,
      topic: channel.topic,
      nsfw: false,
      rate_limit_per_user: 0,
      last_message_id: ids[ids.length - 1] ?? null,
      icon_emoji: null,
      theme_color: null,
    };
  }

  #guildApi(session: Session | null): GatewayGuildCreateDispatchData {
    const withMembers = session ? (session.intents & GatewayIntentBits.GuildMembers) !== 0 : true;
    const members = withMembers ? [...this.#membersById.values()] : [this.members.bot];
    const data = {
      id: this.guild.id,
      name: this.guild.name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      owner_id: this.guild.ownerId,
      region: 'us-east',
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 1,
      default_message_notifications: 1,
      explicit_content_filter: 2,
      roles: [...this.#roles.values()],
      emojis: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: this.guild.channels.general.id,
      system_channel_flags: 0,
      rules_channel_id: null,
      max_presences: null,
      max_members: 500000,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: this.guild.preferredLocale,
      public_updates_channel_id: null,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: 0,
      stickers: [],
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
      // GUILD_CREATE extra fields
      joined_at: this.members.bot.joinedAt,
      large: false,
      unavailable: false,
      member_count: this.#membersById.size,
      voice_states: [],
      members: members.map((m) => this.#memberApi(m)),
      channels: [...this.#channels.values()].filter((c) => !isThread(c)).map((c) => this.#channelApi(c, false)),
      threads: [...this.#channels.values()].filter((c) => isThread(c)).map((c) => this.#channelApi(c, true)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      lazy: true,
      nsfw: false,
      application_command_counts: {},
      embedded_activities: [],
      version: Date.now(),
    };
    return data as unknown as GatewayGuildCreateDispatchData;
  }

  #applicationApi(): LooseJson {
    let flags = 0;
    const priv = this.#options.privilegedIntents;
    if (priv?.guildPresences ?? true) flags |= 1 << 13;
    if (priv?.guildMembers ?? true) flags |= 1 << 15;
    if (priv?.messageContent ?? true) flags |= 1 << 19;
    return {
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: 'Fake application',
      summary: '',
      type: null,
      hook: true,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: createHash('sha256').update(this.applicationId).digest('hex'),
      flags,
      owner: this.members.owner.user,
      team: null,
      bot: this.botUser,
      redirect_uris: [],
      interactions_endpoint_url: null,
      role_connections_verification_url: null,
      tags: [],
      install_params: { scopes: ['bot', 'applications.commands'], permissions: this.guild.roles.bot.permissions },
      integration_types_config: { '0': {} },
      approximate_guild_count: 1,
      approximate_user_install_count: 0,
      event_webhooks_status: 1,
      event_webhooks_types: [],
      event_webhooks_url: null,
    };
  }

  #computePermissions(member: FakeMember, channel: FakeChannel | undefined, roles: string[]): bigint {
    if (member.id === this.guild.ownerId) return ALL_PERMISSIONS;
    let perms = toBigInt(this.guild.roles.everyone.permissions);
    for (const roleId of roles) {
      const role = this.#roles.get(roleId);
      if (role) perms |= toBigInt(role.permissions);
    }
    if (perms & P.Administrator) return ALL_PERMISSIONS;
    if (!channel) return perms;
    const overwrites = [...channel.permissionOverwrites];
    // Categories' overwrites are not inherited automatically (only when "synced"; we copy explicitly if needed).
    const everyoneOw = overwrites.find((o) => o.id === this.guild.id);
    if (everyoneOw) {
      perms &= ~toBigInt(everyoneOw.deny);
      perms |= toBigInt(everyoneOw.allow);
    }
    let allow = 0n;
    let deny = 0n;
    for (const o of overwrites) {
      if (o.type === OverwriteType.Role && o.id !== this.guild.id && roles.includes(o.id)) {
        allow |= toBigInt(o.allow);
        deny |= toBigInt(o.deny);
      }
    }
    perms &= ~deny;
    perms |= allow;
    const memberOw = overwrites.find((o) => o.type === OverwriteType.Member && o.id === member.id);
    if (memberOw) {
      perms &= ~toBigInt(memberOw.deny);
      perms |= toBigInt(memberOw.allow);
    }
    if (!(perms & P.ViewChannel)) return 0n;
    if (!(perms & P.SendMessages)) perms &= ~(P.MentionEveryone | P.SendTTSMessages | P.AttachFiles | P.EmbedLinks);
    return perms;
  }

  #botPermissionsIn(channelId: string): bigint {
    return this.#computePermissions(this.members.bot, this.#channels.get(channelId), this.members.bot.roles);
  }

  #channelLabel(channelId: string): string {
    const c = this.#channels.get(channelId);
    return c ? `#${c.name} (${channelId})` : channelId;
  }

  // ───────────────────────────────────────────────────────────────────────────────────────────
  // Internals: interaction payloads
  // ───────────────────────────────────────────────────────────────────────────────────────────

  #findCommand(name: string, guildId: string | null): APIApplicationCommand | undefined {
    const guildCmds = guildId ? this.#guildCommands.get(guildId) : undefined;
    return (
      guildCmds?.find((c) => c.name === name && (c.type ?? 1) === ApplicationCommandType.ChatInput) ??
      this.#globalCommands?.find((c) => c.name === name && (c.type ?? 1) === ApplicationCommandType.ChatInput)
    );
  }

  #commandData(opts: ChatInputInteractionOptions, focused: string | null): { data: LooseJson } {
    const guildId = opts.guildId === undefined ? this.guild.id : opts.guildId;
    const registered = this.#findCommand(opts.name, guildId);
    const validate = (opts.validate ?? true) && registered !== undefined;
    const where = `command /${opts.name}${opts.subcommandGroup ? ` ${opts.subcommandGroup}` : ''}${opts.subcommand ? ` ${opts.subcommand}` : ''}`;

    // Locate the schema level the leaf options live at.
    let schemaOptions: APIApplicationCommandOption[] | undefined = registered?.options;
    if (registered && opts.subcommandGroup) {
      const group = schemaOptions?.find((o) => o.type === ApplicationCommandOptionType.SubcommandGroup && o.name === opts.subcommandGroup);
      if (!group && validate) throw new Error(`chatInputInteraction: ${where}: no subcommand group "${opts.subcommandGroup}" registered`);
      schemaOptions = group && 'options' in group ? group.options : undefined;
    }
    if (registered && opts.subcommand) {
      const sub = schemaOptions?.find((o) => o.type === ApplicationCommandOptionType.Subcommand && o.name === opts.subcommand);
      if (!sub && validate) throw new Error(`chatInputInteraction: ${where}: no subcommand "${opts.subcommand}" registered`);
      schemaOptions = sub && 'options' in sub ? sub.options : undefined;
    } else if (validate && schemaOptions?.some((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup)) {
      throw new Error(`chatInputInteraction: ${where}: the registered command requires a subcommand`);
    }

    const resolved: APIInteractionDataResolved = {};
    const leaf: LooseJson[] = [];
    const channelId = opts.channelId ?? this.guild.channels.general.id;
    for (const [name, input] of Object.entries(opts.options ?? {})) {
      const schema = schemaOptions?.find((o) => o.name === name);
      if (!schema && validate) {
        throw new Error(`chatInputInteraction: ${where} has no option "${name}" (registered: ${(schemaOptions ?? []).map((o) => o.name).join(', ') || 'none'})`);
      }
      const { type, value } = this.#resolveOptionValue(name, input, schema?.type, resolved, channelId);
      if (name === focused) {
        leaf.push({ type, name, value: String(value), focused: true });
      } else {
        leaf.push({ type, name, value });
      }
    }
    if (focused !== null && !(focused in (opts.options ?? {}))) {
      const schema = schemaOptions?.find((o) => o.name === focused);
      leaf.push({ type: schema?.type ?? ApplicationCommandOptionType.String, name: focused, value: '', focused: true });
    }
    if (validate && focused === null) {
      for (const o of schemaOptions ?? []) {
        if ('required' in o && o.required && !(o.name in (opts.options ?? {}))) {
          throw new Error(`chatInputInteraction: ${where}: required option "${o.name}" missing`);
        }
      }
    }

    let options: LooseJson[] = leaf;
    if (opts.subcommand) options = [{ type: ApplicationCommandOptionType.Subcommand, name: opts.subcommand, options }];
    if (opts.subcommandGroup) options = [{ type: ApplicationCommandOptionType.SubcommandGroup, name: opts.subcommandGroup, options }];

    const data: LooseJson = {
      id: opts.commandId ?? registered?.id ?? snowflake(),
      name: opts.name,
      type: ApplicationCommandType.ChatInput,
    };
    if (options.length > 0) data.options = options as APIApplicationCommandInteractionDataOption[];
    if (Object.keys(resolved).length > 0) data.resolved = resolved;
    if (registered?.guild_id) data.guild_id = registered.guild_id;
    return { data };
  }

  #resolveOptionValue(
    name: string,
    input: OptionValueInput,
    schemaType: ApplicationCommandOptionType | undefined,
    resolved: APIInteractionDataResolved,
    channelId: string,
  ): { type: ApplicationCommandOptionType; value: string | number | boolean } {
    if (typeof input === 'object' && 'attachment' in input) {
      const id = snowflake();
      const content = Buffer.from(input.attachment.content ?? '');
      const contentType = input.attachment.contentType ?? 'application/octet-stream';
      const url = this.#cdnStore(channelId, id, input.attachment.filename, content, contentType);
      resolved.attachments = {
        ...resolved.attachments,
        [id]: {
          id,
          filename: input.attachment.filename,
          size: content.length,
          url,
          proxy_url: url,
          content_type: contentType,
          ephemeral: true,
        },
      };
      return { type: ApplicationCommandOptionType.Attachment, value: id };
    }
    let type: ApplicationCommandOptionType;
    let value: string | number | boolean;
    if (typeof input === 'object') {
      type = input.type;
      value = input.value;
    } else {
      value = input;
      type =
        schemaType ??
        (typeof input === 'boolean'
          ? ApplicationCommandOptionType.Boolean
          : typeof input === 'number'
            ? Number.isInteger(input)
              ? ApplicationCommandOptionType.Integer
              : ApplicationCommandOptionType.Number
            : ApplicationCommandOptionType.String);
    }
    const id = String(value);
    switch (type) {
      case ApplicationCommandOptionType.User:
      case ApplicationCommandOptionType.Mentionable: {
        const user = this.#users.get(id);
        const role = this.#roles.get(id);
        if (user) {
          resolved.users = { ...resolved.users, [id]: user };
          const member = this.#membersById.get(id);
          if (member) {
            const { user: _u, ...m } = this.#memberApi(member);
            resolved.members = {
              ...resolved.members,
              [id]: { ...m, permissions: this.#computePermissions(member, this.#channels.get(channelId), member.roles).toString() },
            };
          }
        } else if (role && type === ApplicationCommandOptionType.Mentionable) {
          resolved.roles = { ...resolved.roles, [id]: role };
        } else {
          throw new Error(`option "${name}": unknown user${type === ApplicationCommandOptionType.Mentionable ? '/role' : ''} id ${id}`);
        }
        return { type, value: id };
      }
      case ApplicationCommandOptionType.Role: {
        const role = this.#roles.get(id);
        if (!role) throw new Error(`option "${name}": unknown role id ${id}`);
        resolved.roles = { ...resolved.roles, [id]: role };
        return { type, value: id };
      }
      case ApplicationCommandOptionType.Channel: {
        const channel = this.#channels.get(id);
        if (!channel) throw new Error(`option "${name}": unknown channel id ${id}`);
        const apiChannel = this.#channelApi(channel, false);
        resolved.channels = {
          ...resolved.channels,
          [id]: {
            id,
            name: channel.name,
            type: channel.type,
            permissions: this.#botPermissionsIn(id).toString(),
            ...(apiChannel.parent_id !== undefined ? { parent_id: apiChannel.parent_id } : {}),
          },
        };
        return { type, value: id };
      }
      case ApplicationCommandOptionType.Integer:
      case ApplicationCommandOptionType.Number:
        return { type, value: typeof value === 'number' ? value : Number(value) };
      case ApplicationCommandOptionType.Boolean:
        return { type, value: Boolean(value) };
      default:
        return { type, value: typeof value === 'string' ? value : String(value) };
    }
  }

  #resolveMessageInput(input: string | APIMessage | StoredMessage, channelId?: string): APIMessage {
    if (typeof input === 'string') {
      const stored = this.#messages.get(input);
      if (!stored) throw new Error(`unknown message id ${input}`);
      return stored.message;
    }
    if ('message' in input && 'source' in input) return input.message;
    const api = input;
    if (!this.#messages.has(api.id)) {
      this.#storeMessage({
        id: api.id,
        channelId: api.channel_id ?? channelId ?? this.guild.channels.general.id,
        source: 'component',
        interactionId: null,
        message: api,
        createBody: null,
        files: [],
        history: [],
        deleted: false,
        ephemeral: ((api.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
      });
    }
    return api;
  }

  #componentMessage(opts: ComponentInteractionOptions, kind: ComponentType.Button | ComponentType.StringSelect): APIMessage {
    if (opts.message !== undefined) return this.#resolveMessageInput(opts.message, opts.channelId);
    const channelId = opts.channelId ?? this.guild.channels.general.id;
    const component =
      kind === ComponentType.Button
        ? { type: ComponentType.Button, id: 2, custom_id: opts.customId, style: 1, label: 'Button' }
        : { type: ComponentType.StringSelect, id: 2, custom_id: opts.customId, options: [{ label: 'Option', value: 'option' }] };
    const message = this.#buildMessage({
      id: snowflake(),
      channelId,
      author: this.botUser,
      body: { content: 'Message with a component', components: [{ type: ComponentType.ActionRow, id: 1, components: [component] }] },
      attachments: [],
      type: MessageType.Default,
      flags: 0,
    });
    this.#storeMessage({
      id: message.id,
      channelId,
      source: 'component',
      interactionId: null,
      message,
      createBody: null,
      files: [],
      history: [],
      deleted: false,
      ephemeral: false,
    });
    return message;
  }

  #baseInteraction(type: InteractionType, opts: InteractionBaseOptions, data: LooseJson, message?: APIMessage): APIInteraction {
    const guildId = opts.guildId === undefined ? this.guild.id : opts.guildId;
    const member = opts.member ?? this.members.student;
    const roles = opts.roles ?? member.roles;
    const id = snowflake();
    const token = interactionToken(id);
    const locale = opts.locale ?? 'en-US';
    const payload: LooseJson = {
      app_permissions: '0',
      application_id: this.applicationId,
      attachment_size_limit: 10485760,
      data,
      entitlements: [],
      id,
      locale,
      token,
      type,
      version: 1,
    };
    if (guildId !== null) {
      const channelId = opts.channelId ?? this.guild.channels.general.id;
      const channel = this.#channels.get(channelId);
      if (!channel) throw new Error(`unknown channel id ${channelId}`);
      const perms = opts.permissions !== undefined ? toBigInt(opts.permissions) : (member.permissionsOverride ?? this.#computePermissions(member, channel, roles));
      payload.guild = { id: guildId, locale: this.guild.preferredLocale, features: [] };
      payload.guild_id = guildId;
      payload.guild_locale = opts.guildLocale ?? this.guild.preferredLocale;
      payload.channel = { ...this.#channelApi(channel, true), permissions: perms.toString() };
      payload.channel_id = channelId;
      payload.member = {
        ...this.#memberApi({ ...member, roles }),
        permissions: perms.toString(),
        unusual_dm_activity_until: null,
      } as APIInteractionGuildMember;
      payload.app_permissions = this.#botPermissionsIn(channelId).toString();
      payload.authorizing_integration_owners = { [ApplicationIntegrationType.GuildInstall]: guildId };
      payload.context = InteractionContextType.Guild;
    } else {
      const channelId = opts.channelId ?? snowflake();
      payload.channel = { id: channelId, type: ChannelType.DM, flags: 0, last_message_id: null, recipients: [member.user] };
      payload.channel_id = channelId;
      payload.user = member.user;
      payload.app_permissions = (P.AddReactions | P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory | P.UseExternalEmojis).toString();
      payload.authorizing_integration_owners = { [ApplicationIntegrationType.GuildInstall]: '0' };
      payload.context = InteractionContextType.BotDM;
    }
    if (message) payload.message = message;
    return payload as APIInteraction;
  }

  // ───────────────────────────────────────────────────────────────────────────────────────────
  // Internals: messages
  // ───────────────────────────────────────────────────────────────────────────────────────────

  #cdnStore(channelId: string, attachmentId: string, filename: string, content: Buffer, contentType: string): string {
    const path = `/attachments/${channelId}/${attachmentId}/${encodeURIComponent(filename)}`;
    this.#cdn.set(path, { content, contentType });
    return `${this.cdnUrl}${path}`;
  }

  #storeMessage(stored: StoredMessage): void {
    this.#messages.set(stored.id, stored);
    const list = this.#channelMessages.get(stored.channelId) ?? [];
    list.push(stored.id);
    this.#channelMessages.set(stored.channelId, list);
  }

  #mentionsFor(content: string, allowed: APIAllowedMentions | undefined): { users: APIUser[]; roles: string[]; everyone: boolean } {
    const parse = allowed?.parse ?? (allowed ? [] : ['users', 'roles', 'everyone']);
    const userIds = new Set<string>();
    for (const m of content.matchAll(/<@!?(\d{17,20})>/g)) userIds.add(m[1]!);
    const roleIds = new Set<string>();
    for (const m of content.matchAll(/<@&(\d{17,20})>/g)) roleIds.add(m[1]!);
    const users = [...userIds]
      .filter((id) => parse.includes('users') || (allowed?.users ?? []).includes(id))
      .map((id) => this.#users.get(id))
      .filter((u): u is APIUser => u !== undefined);
    const roles = [...roleIds].filter((id) => parse.includes('roles') || (allowed?.roles ?? []).includes(id));
    const everyone = /@(everyone|here)/.test(content) && parse.includes('everyone');
    return { users, roles, everyone };
  }

  #buildAttachments(channelId: string, body: RecordedMessageBody, files: RecordedFile[], existing: APIAttachment[], ephemeral: boolean): APIAttachment[] {
    const declared = Array.isArray(body.attachments) ? body.attachments : undefined;
    const kept = declared ? existing.filter((a) => declared.some((d) => String(d.id) === a.id)) : existing;
    const created: APIAttachment[] = [];
    files.forEach((file, index) => {
      const key = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(index);
      const decl = declared?.find((d) => String(d.id) === key);
      const id = snowflake();
      const filename = decl?.filename ?? file.name;
      file.attachmentId = id;
      const url = this.#cdnStore(channelId, id, filename, file.content, file.contentType);
      const attachment: APIAttachment = {
        id,
        filename,
        size: file.content.length,
        url,
        proxy_url: url,
        content_type: file.contentType,
        ...(decl?.description ? { description: decl.description } : {}),
        ...(ephemeral ? { ephemeral: true } : {}),
      };
      created.push(attachment);
    });
    return [...kept, ...created];
  }

  #buildMessage(params: {
    id: string;
    channelId: string;
    author: APIUser;
    body: RecordedMessageBody;
    attachments: APIAttachment[];
    type: MessageType;
    flags: number;
    webhookId?: string;
    interaction?: InteractionState;
  }): APIMessage {
    const content = typeof params.body.content === 'string' ? params.body.content : '';
    const mentions = this.#mentionsFor(content, params.body.allowed_mentions);
    const message: APIMessage = {
      type: params.type,
      content,
      mentions: mentions.users,
      mention_roles: mentions.roles,
      attachments: params.attachments,
      embeds: Array.isArray(params.body.embeds) ? params.body.embeds.map((e) => ({ type: 'rich', ...e }) as APIEmbed) : [],
      timestamp: nowIso(),
      edited_timestamp: null,
      flags: params.flags,
      components: (Array.isArray(params.body.components) ? params.body.components : []) as APIMessage['components'],
      id: params.id,
      channel_id: params.channelId,
      author: params.author,
      pinned: false,
      mention_everyone: mentions.everyone,
      tts: params.body.tts === true,
    };
    if (params.body.nonce !== undefined) message.nonce = params.body.nonce as string;
    if (params.webhookId) {
      message.webhook_id = params.webhookId;
      message.application_id = this.applicationId;
    }
    const state = params.interaction;
    if (state) {
      const user = this.#users.get(state.userId) ?? this.botUser;
      const meta: LooseJson = {
        id: state.id,
        type: state.type,
        user,
        authorizing_integration_owners: (state.payload as LooseJson).authorizing_integration_owners ?? {},
      };
      if (state.commandName) {
        meta.name = state.commandName;
        meta.command_type = ApplicationCommandType.ChatInput;
      }
      if (state.sourceMessageId) meta.interacted_message_id = state.sourceMessageId;
      message.interaction_metadata = meta as APIMessage['interaction_metadata'];
    }
    return message;
  }

  /** Create a message from a request body, store it, dispatch MESSAGE_CREATE if visible. */
  #createMessage(params: {
    channelId: string;
    body: RecordedMessageBody;
    files: RecordedFile[];
    type: MessageType;
    flags: number;
    source: MessageSource;
    interaction?: InteractionState;
  }): StoredMessage {
    const id = snowflake();
    const ephemeral = (params.flags & MessageFlags.Ephemeral) !== 0;
    const attachments = this.#buildAttachments(params.channelId, params.body, params.files, [], ephemeral);
    const message = this.#buildMessage({
      id,
      channelId: params.channelId,
      author: this.botUser,
      body: params.body,
      attachments,
      type: params.type,
      flags: params.flags,
      webhookId: params.interaction ? this.applicationId : undefined,
      interaction: params.interaction,
    });
    if (params.body.message_reference && isRecord(params.body.message_reference)) {
      const refId = String(params.body.message_reference.message_id);
      message.message_reference = { type: 0, message_id: refId, channel_id: params.channelId, guild_id: this.guild.id };
      message.referenced_message = this.#messages.get(refId)?.message ?? null;
    }
    const stored: StoredMessage = {
      id,
      channelId: params.channelId,
      source: params.source,
      interactionId: params.interaction?.id ?? null,
      message,
      createBody: params.body,
      files: [...params.files],
      history: [],
      deleted: false,
      ephemeral,
    };
    this.#storeMessage(stored);
    if (!ephemeral) {
      this.#dispatchToSessions(GatewayDispatchEvents.MessageCreate, this.#gatewayMessage(message), GatewayIntentBits.GuildMessages, () =>
        this.#channelVisibleToBot(params.channelId) ? this.#gatewayMessage(message) : null,
      );
    }
    return stored;
  }

  #applyEdit(stored: StoredMessage, body: RecordedMessageBody, files: RecordedFile[], options: { clearLoading?: boolean; markEdited?: boolean } = {}): void {
    const prev = stored.message;
    stored.history.push(prev);
    const next: APIMessage = { ...prev };
    if ('content' in body) next.content = typeof body.content === 'string' ? body.content : '';
    if ('embeds' in body) next.embeds = Array.isArray(body.embeds) ? body.embeds.map((e) => ({ type: 'rich', ...e }) as APIEmbed) : [];
    if ('components' in body) next.components = (Array.isArray(body.components) ? body.components : []) as APIMessage['components'];
    if ('attachments' in body || files.length > 0) {
      next.attachments = this.#buildAttachments(stored.channelId, body, files, prev.attachments, stored.ephemeral);
      stored.files.push(...files);
    }
    let flags = prev.flags ?? 0;
    if (typeof body.flags === 'number') {
      // Only SUPPRESS_EMBEDS (and IS_COMPONENTS_V2 once set) can change on edit.
      flags = (flags & ~MessageFlags.SuppressEmbeds) | (body.flags & MessageFlags.SuppressEmbeds) | (body.flags & MessageFlags.IsComponentsV2);
    }
    if (options.clearLoading) flags &= ~MessageFlags.Loading;
    next.flags = flags;
    if ('content' in body || 'allowed_mentions' in body) {
      const mentions = this.#mentionsFor(next.content, body.allowed_mentions);
      next.mentions = mentions.users;
      next.mention_roles = mentions.roles;
      next.mention_everyone = mentions.everyone;
    }
    if (options.markEdited ?? true) next.edited_timestamp = nowIso();
    stored.message = next;
    if (!stored.ephemeral) {
      this.#dispatchToSessions(GatewayDispatchEvents.MessageUpdate, this.#gatewayMessage(next), GatewayIntentBits.GuildMessages, () =>
        this.#channelVisibleToBot(stored.channelId) ? this.#gatewayMessage(next) : null,
      );
    }
  }

  #deleteMessage(stored: StoredMessage): void {
    stored.deleted = true;
    if (!stored.ephemeral) {
      this.#dispatchToSessions(GatewayDispatchEvents.MessageDelete, { id: stored.id, channel_id: stored.channelId, guild_id: this.guild.id }, GatewayIntentBits.GuildMessages, () =>
        this.#channelVisibleToBot(stored.channelId) ? { id: stored.id, channel_id: stored.channelId, guild_id: this.guild.id } : null,
      );
    }
  }

  #gatewayMessage(message: APIMessage): LooseJson {
    return {
      ...message,
      guild_id: this.guild.id,
      member: message.author.id === this.botUser.id ? this.#partialMember(this.members.bot) : undefined,
      mentions: message.mentions.map((u) => {
        const m = this.#membersById.get(u.id);
        return m ? { ...u, member: this.#partialMember(m) } : u;
      }),
    };
  }

  #channelVisibleToBot(channelId: string): boolean {
    return !this.#channels.has(channelId) || (this.#botPermissionsIn(channelId) & P.ViewChannel) !== 0n;
  }

  #applyContentIntent(session: Session, data: FakeMessageCreateData): unknown {
    if (!this.#channelVisibleToBot(data.channel_id)) return null;
    if (session.intents & GatewayIntentBits.MessageContent) return data;
    const mentionsBot = data.mentions.some((u) => u.id === this.botUser.id);
    if (data.author.id === this.botUser.id || mentionsBot) return data;
    return { ...data, content: '', embeds: [], attachments: [], components: [] };
  }

  // ───────────────────────────────────────────────────────────────────────────────────────────
  // Internals: validation
  // ───────────────────────────────────────────────────────────────────────────────────────────

  #validateMessage(v: Validation, prefix: Array<string | number>, body: RecordedMessageBody, files: RecordedFile[], creating: boolean): HttpError | null {
    if (!this.#validate) return null;
    const flags = typeof body.flags === 'number' ? body.flags : 0;
    const v2 = (flags & MessageFlags.IsComponentsV2) !== 0;
    if (body.content !== undefined && body.content !== null) v.maxLength([...prefix, 'content'], body.content, 2000);
    if (v2 && typeof body.content === 'string' && body.content.length > 0) {
      v.add([...prefix, 'content'], 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2");
    }
    if (Array.isArray(body.embeds)) {
      v.maxLength([...prefix, 'embeds'], body.embeds, 10);
      let total = 0;
      const len = (x: unknown): number => (typeof x === 'string' ? x.length : 0);
      body.embeds.forEach((rawEmbed, i) => {
        const p = [...prefix, 'embeds', i];
        if (!isRecord(rawEmbed)) {
          v.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
          return;
        }
        const embed = rawEmbed;
        v.maxLength([...p, 'title'], embed.title, 256);
        v.maxLength([...p, 'description'], embed.description, 4096);
        v.maxLength([...p, 'footer', 'text'], embed.footer?.text, 2048);
        v.maxLength([...p, 'author', 'name'], embed.author?.name, 256);
        v.maxLength([...p, 'fields'], embed.fields, 25);
        total += len(embed.title) + len(embed.description) + len(embed.footer?.text) + len(embed.author?.name);
        (Array.isArray(embed.fields) ? embed.fields : []).forEach((field, j) => {
          v.requiredString([...p, 'fields', j, 'name'], field?.name, 1, 256);
          v.requiredString([...p, 'fields', j, 'value'], field?.value, 1, 1024);
          total += len(field?.name) + len(field?.value);
        });
      });
      if (total > 6000) v.add([...prefix, 'embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
    }
    if (Array.isArray(body.components) && !v2) {
      v.maxLength([...prefix, 'components'], body.components, 5);
      body.components.forEach((row, i) => {
        if (!isRecord(row) || row.type !== ComponentType.ActionRow) {
          v.add([...prefix, 'components', i, 'type'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'Top-level components must be action rows unless IS_COMPONENTS_V2 is set');
          return;
        }
        const inner = Array.isArray(row.components) ? (row.components as LooseJson[]) : [];
        if (inner.length < 1 || inner.length > 5) {
          v.add([...prefix, 'components', i, 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
        }
        inner.forEach((c, j) => {
          const p = [...prefix, 'components', i, 'components', j];
          if (c.type === ComponentType.Button && c.style !== 5 && c.style !== 6) v.requiredString([...p, 'custom_id'], c.custom_id, 1, 100);
          if (c.type === ComponentType.Button) v.maxLength([...p, 'label'], c.label, 80);
          if (c.type !== ComponentType.Button && c.type !== undefined) v.requiredString([...p, 'custom_id'], c.custom_id, 1, 100);
        });
      });
    }
    const allowed = body.allowed_mentions;
    if (isRecord(allowed) && Array.isArray(allowed.parse)) {
      for (const kind of ['users', 'roles'] as const) {
        const list = allowed[kind];
        if (allowed.parse.includes(kind as never) && Array.isArray(list) && list.length > 0) {
          v.add([...prefix, 'allowed_mentions'], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`);
        }
      }
    }
    if (v.count > 0) return Errors.invalidForm(v);
    if (creating) {
      const hasContent = typeof body.content === 'string' && body.content.trim().length > 0;
      const hasOther =
        (Array.isArray(body.embeds) && body.embeds.length > 0) ||
        (Array.isArray(body.components) && body.components.length > 0) ||
        files.length > 0 ||
        (Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0) ||
        body.poll !== undefined;
      if (!hasContent && !hasOther) return Errors.emptyMessage();
    }
    return null;
  }

  #validateModal(data: RecordedMessageBody): HttpError | null {
    if (!this.#validate) return null;
    const v = new Validation();
    v.requiredString(['data', 'title'], data.title, 1, 45);
    v.requiredString(['data', 'custom_id'], data.custom_id, 1, 100);
    const comps = Array.isArray(data.components) ? data.components : [];
    if (comps.length < 1 || comps.length > 5) v.add(['data', 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
    comps.forEach((c, i) => {
      if (c.type === ComponentType.ActionRow) {
        const inner = Array.isArray(c.components) ? (c.components as LooseJson[]) : [];
        inner.forEach((t, j) => {
          v.requiredString(['data', 'components', i, 'components', j, 'custom_id'], t.custom_id, 1, 100);
          v.requiredString(['data', 'components', i, 'components', j, 'label'], t.label, 1, 45);
        });
      } else if (c.type === ComponentType.Label) {
        v.requiredString(['data', 'components', i, 'label'], c.label, 1, 45);
        if (isRecord(c.component)) v.requiredString(['data', 'components', i, 'component', 'custom_id'], c.component.custom_id, 1, 100);
      }
    });
    return v.count > 0 ? Errors.invalidForm(v) : null;
  }

  #validateChoices(data: RecordedMessageBody): HttpError | null {
    if (!this.#validate) return null;
    const v = new Validation();
    const choices = data.choices;
    if (!Array.isArray(choices)) {
      v.add(['data', 'choices'], 'BASE_TYPE_REQUIRED', 'This field is required');
    } else {
      v.maxLength(['data', 'choices'], choices, 25);
      choices.forEach((c, i) => {
        v.requiredString(['data', 'choices', i, 'name'], c.name, 1, 100);
        if (typeof c.value === 'string') v.maxLength(['data', 'choices', i, 'value'], c.value, 100);
      });
    }
    return v.count > 0 ? Errors.invalidForm(v) : null;
  }

  #normalizeCommands(input: unknown, guildId: string | null, existing: readonly APIApplicationCommand[]): APIApplicationCommand[] {
    const v = new Validation();
    if (!Array.isArray(input)) {
      v.add([], 'BASE_TYPE_ARRAY', 'Must be an array');
      throw Errors.invalidForm(v);
    }
    const names = new Set<string>();
    const out = input.map((raw: unknown, i: number) => this.#normalizeCommand(raw, guildId, existing, v, [i], names));
    if (v.count > 0) throw Errors.invalidForm(v);
    return out;
  }

  #normalizeCommand(raw: unknown, guildId: string | null, existing: readonly APIApplicationCommand[], v: Validation, path: Array<string | number>, names?: Set<string>): APIApplicationCommand {
    const cmd = isRecord(raw) ? raw : {};
    const type: ApplicationCommandType = typeof cmd.type === 'number' ? cmd.type : ApplicationCommandType.ChatInput;
    const name = typeof cmd.name === 'string' ? cmd.name : '';
    if (this.#validate) {
      if (type === ApplicationCommandType.ChatInput) {
        if (!/^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u.test(name) || name !== name.toLowerCase()) {
          v.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
        }
        v.requiredString([...path, 'description'], cmd.description, 1, 100);
        this.#validateCommandOptions(v, [...path, 'options'], cmd.options);
      } else {
        v.requiredString([...path, 'name'], name, 1, 32);
      }
      const key = `${type}:${name}`;
      if (names?.has(key)) v.add([...path, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
      names?.add(key);
    }
    const previous = existing.find((c) => c.name === name && (c.type ?? ApplicationCommandType.ChatInput) === type);
    const command: LooseJson = {
      id: previous?.id ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      default_member_permissions: cmd.default_member_permissions ?? null,
      type,
      name,
      name_localizations: cmd.name_localizations ?? null,
      description: typeof cmd.description === 'string' ? cmd.description : '',
      description_localizations: cmd.description_localizations ?? null,
      dm_permission: cmd.dm_permission ?? true,
      contexts: cmd.contexts ?? null,
      integration_types: cmd.integration_types ?? [ApplicationIntegrationType.GuildInstall],
      nsfw: cmd.nsfw ?? false,
    };
    if (Array.isArray(cmd.options)) command.options = cmd.options;
    if (guildId) command.guild_id = guildId;
    return command as APIApplicationCommand;
  }

  #validateCommandOptions(v: Validation, path: Array<string | number>, options: unknown): void {
    if (options === undefined || options === null) return;
    if (!Array.isArray(options)) {
      v.add(path, 'BASE_TYPE_ARRAY', 'Must be an array');
      return;
    }
    v.maxLength(path, options, 25);
    let seenOptional = false;
    options.forEach((o: unknown, i: number) => {
      const opt = isRecord(o) ? o : {};
      const p = [...path, i];
      if (typeof opt.name !== 'string' || !/^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u.test(opt.name) || opt.name !== opt.name.toLowerCase()) {
        v.add([...p, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      v.requiredString([...p, 'description'], opt.description, 1, 100);
      if (Array.isArray(opt.choices)) v.maxLength([...p, 'choices'], opt.choices, 25);
      if (opt.autocomplete === true && Array.isArray(opt.choices) && opt.choices.length > 0) {
        v.add([...p, 'autocomplete'], 'APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE', 'Autocomplete cannot be set with choices');
      }
      if (opt.type === ApplicationCommandOptionType.Subcommand || opt.type === ApplicationCommandOptionType.SubcommandGroup) {
        this.#validateCommandOptions(v, [...p, 'options'], opt.options);
      } else if (opt.required === true) {
        if (seenOptional) v.add([...p, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
      } else {
        seenOptional = true;
      }
    });
  }

  // ───────────────────────────────────────────────────────────────────────────────────────────
  // Internals: REST
  // ───────────────────────────────────────────────────────────────────────────────────────────

  #route(method: string, template: string, handler: Route['handler'], auth = true): void {
    const keys: string[] = [];
    const source = template
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          keys.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.#routes.push({ method, template, regex: new RegExp(`^${source}$`), keys, auth, handler });
  }

  #registerRoutes(): void {
    const ok = (body: unknown, status = 200): RouteResult => ({ status, body });
    const noContent = (): RouteResult => ({ status: 204 });

    this.#route('GET', '/gateway', () => ok({ url: this.gatewayUrl }), false);
    this.#route('GET', '/gateway/bot', () =>
      ok({
        url: this.gatewayUrl,
        shards: this.#options.recommendedShards ?? 1,
        session_start_limit: { total: 1000, remaining: 1000 - this.#identifyCount, reset_after: 86_400_000, max_concurrency: 1 },
      }),
    );
    this.#route('GET', '/users/@me', () => ok({ ...this.botUser, verified: true, mfa_enabled: false, email: null, locale: 'en-US' }));
    this.#route('GET', '/users/:userId', ({ params }) => {
      const user = this.#users.get(params.userId!);
      if (!user) throw Errors.unknownUser();
      return ok(user);
    });
    // Direct messages: the bot opens a DM channel with a user, then posts in it like in any channel.
    this.#route('POST', '/users/@me/channels', ({ body }) => {
      const recipientId = isRecord(body) ? String(body.recipient_id ?? '') : '';
      const user = this.#users.get(recipientId);
      if (!user || user.bot) throw discordError(400, 50033, 'Invalid Recipient(s)');
      let channelId = [...this.#dmChannels].find(([, recipient]) => recipient === recipientId)?.[0];
      if (!channelId) {
        channelId = snowflake();
        this.#dmChannels.set(channelId, recipientId);
      }
      return ok({ id: channelId, type: ChannelType.DM, flags: 0, last_message_id: null, recipients: [user] });
    });
    this.#route('GET', '/applications/@me', () => ok(this.#applicationApi()));
    this.#route('GET', '/oauth2/applications/@me', () => ok(this.#applicationApi()));

    // Commands
    const checkApp = (appId: string | undefined): void => {
      if (appId !== this.applicationId) throw Errors.missingAccess();
    };
    const checkGuild = (guildId: string | undefined): string => {
      if (guildId === undefined || (guildId !== this.guild.id && !(this.#options.extraGuildIds ?? []).includes(guildId))) throw Errors.missingAccess();
      return guildId;
    };
    const getList = (guildId: string | null): APIApplicationCommand[] => (guildId ? (this.#guildCommands.get(guildId) ?? []) : (this.#globalCommands ?? []));
    const setList = (guildId: string | null, list: APIApplicationCommand[]): void => {
      if (guildId) this.#guildCommands.set(guildId, list);
      else this.#globalCommands = list;
    };
    for (const scope of ['global', 'guild'] as const) {
      const base = scope === 'global' ? '/applications/:applicationId/commands' : '/applications/:applicationId/guilds/:guildId/commands';
      const guildOf = (params: Record<string, string>): string | null => {
        checkApp(params.applicationId);
        return scope === 'guild' ? checkGuild(params.guildId) : null;
      };
      this.#route('GET', base, ({ params }) => ok(getList(guildOf(params))));
      this.#route('PUT', base, ({ params, body }) => {
        const guildId = guildOf(params);
        const list = this.#normalizeCommands(body, guildId, getList(guildId));
        setList(guildId, list);
        return ok(list);
      });
      this.#route('POST', base, ({ params, body }) => {
        const guildId = guildOf(params);
        const list = getList(guildId);
        const v = new Validation();
        const cmd = this.#normalizeCommand(body, guildId, list, v, []);
        if (v.count > 0) throw Errors.invalidForm(v);
        const existed = list.some((c) => c.id === cmd.id);
        setList(guildId, [...list.filter((c) => c.id !== cmd.id), cmd]);
        return ok(cmd, existed ? 200 : 201);
      });
      this.#route('GET', `${base}/:commandId`, ({ params }) => {
        const cmd = getList(guildOf(params)).find((c) => c.id === params.commandId);
        if (!cmd) throw Errors.unknownCommand();
        return ok(cmd);
      });
      this.#route('PATCH', `${base}/:commandId`, ({ params, body }) => {
        const guildId = guildOf(params);
        const list = getList(guildId);
        const current = list.find((c) => c.id === params.commandId);
        if (!current) throw Errors.unknownCommand();
        const v = new Validation();
        const updated = { ...this.#normalizeCommand({ ...current, ...(isRecord(body) ? body : {}) }, guildId, [current], v, []), id: current.id };
        if (v.count > 0) throw Errors.invalidForm(v);
        setList(
          guildId,
          list.map((c) => (c.id === current.id ? updated : c)),
        );
        return ok(updated);
      });
      this.#route('DELETE', `${base}/:commandId`, ({ params }) => {
        const guildId = guildOf(params);
        const list = getList(guildId);
        if (!list.some((c) => c.id === params.commandId)) throw Errors.unknownCommand();
        setList(
          guildId,
          list.filter((c) => c.id !== params.commandId),
        );
        return noContent();
      });
    }

    // Interactions
    this.#route('POST', '/interactions/:interactionId/:token/callback', (ctx) => this.#handleCallback(ctx), false);
    const webhook = '/webhooks/:applicationId/:token';
    this.#route('POST', webhook, (ctx) => this.#handleFollowUp(ctx), false);
    this.#route('GET', `${webhook}/messages/:messageId`, (ctx) => this.#handleWebhookMessage(ctx, 'GET'), false);
    this.#route('PATCH', `${webhook}/messages/:messageId`, (ctx) => this.#handleWebhookMessage(ctx, 'PATCH'), false);
    this.#route('DELETE', `${webhook}/messages/:messageId`, (ctx) => this.#handleWebhookMessage(ctx, 'DELETE'), false);

    // Channels
    const channelFor = (channelId: string | undefined, need: bigint): FakeChannel => {
      const channel = channelId ? this.#channels.get(channelId) : undefined;
      if (!channel) throw Errors.unknownChannel();
      const perms = this.#botPermissionsIn(channel.id);
      if (!(perms & P.ViewChannel)) throw Errors.missingAccess();
      if ((perms & need) !== need) throw Errors.missingPermissions();
      return channel;
    };
    const channelMessage = (channelId: string, messageId: string | undefined): StoredMessage => {
      const stored = messageId ? this.#messages.get(messageId) : undefined;
      if (!stored || stored.deleted || stored.channelId !== channelId || stored.ephemeral) throw Errors.unknownMessage();
      return stored;
    };
    this.#route('GET', '/channels/:channelId', ({ params }) => ok(this.#channelApi(channelFor(params.channelId, 0n), true)));
    this.#route('GET', '/channels/:channelId/messages', ({ params, req }) => {
      const channel = channelFor(params.channelId, P.ReadMessageHistory);
      const limit = Math.min(100, Number(req.query.limit ?? 50));
      const list = this.channelMessages(channel.id)
        .map((m) => m.message)
        .reverse();
      return ok(list.slice(0, limit));
    });
    this.#route('POST', '/channels/:channelId/messages', ({ params, body, files, req }) => {
      const msgBody = (isRecord(body) ? body : {}) as RecordedMessageBody;
      const recipient = this.#dmChannels.get(params.channelId ?? '');
      if (recipient !== undefined) {
        if (this.#dmsClosed.has(recipient)) throw discordError(403, 50007, 'Cannot send messages to this user');
        const invalid = this.#validateMessage(new Validation(), [], msgBody, files, true);
        if (invalid) throw invalid;
        const message = this.#buildMessage({ id: snowflake(), channelId: params.channelId!, author: this.botUser, body: msgBody, attachments: [], type: MessageType.Default, flags: 0 });
        this.#storeMessage({
          id: message.id,
          channelId: params.channelId!,
          source: 'channel',
          interactionId: null,
          message,
          createBody: msgBody,
          files,
          history: [],
          deleted: false,
          ephemeral: false,
        });
        req.messageId = message.id;
        return ok(message);
      }
      const channel = channelFor(params.channelId, P.SendMessages | (files.length > 0 ? P.AttachFiles : 0n));
      const v = new Validation();
      const invalid = this.#validateMessage(v, [], msgBody, files, true);
      if (invalid) throw invalid;
      const flags = (typeof msgBody.flags === 'number' ? msgBody.flags : 0) & (MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2);
      const stored = this.#createMessage({
        channelId: channel.id,
        body: msgBody,
        files,
        type: msgBody.message_reference ? MessageType.Reply : MessageType.Default,
        flags,
        source: 'channel',
      });
      req.messageId = stored.id;
      return ok(stored.message);
    });
    this.#route('GET', '/channels/:channelId/messages/:messageId', ({ params, req }) => {
      const channel = channelFor(params.channelId, P.ReadMessageHistory);
      const stored = channelMessage(channel.id, params.messageId);
      req.messageId = stored.id;
      return ok(stored.message);
    });
    this.#route('PATCH', '/channels/:channelId/messages/:messageId', ({ params, body, files, req }) => {
      const channel = channelFor(params.channelId, 0n);
      const stored = channelMessage(channel.id, params.messageId);
      const msgBody = (isRecord(body) ? body : {}) as RecordedMessageBody;
      if (stored.message.author.id !== this.botUser.id) {
        const keys = Object.keys(msgBody).filter((k) => msgBody[k] !== undefined);
        if (keys.some((k) => k !== 'flags')) throw Errors.cannotEditOthers();
      }
      const invalid = this.#validateMessage(new Validation(), [], msgBody, files, false);
      if (invalid) throw invalid;
      this.#applyEdit(stored, msgBody, files);
      req.messageId = stored.id;
      return ok(stored.message);
    });
    this.#route('DELETE', '/channels/:channelId/messages/:messageId', ({ params, req }) => {
      const channel = channelFor(params.channelId, 0n);
      const stored = channelMessage(channel.id, params.messageId);
      if (stored.message.author.id !== this.botUser.id && !(this.#botPermissionsIn(channel.id) & P.ManageMessages)) throw Errors.missingPermissions();
      this.#deleteMessage(stored);
      req.messageId = stored.id;
      return noContent();
    });
    this.#route('POST', '/channels/:channelId/typing', ({ params }) => {
      channelFor(params.channelId, P.SendMessages);
      return noContent();
    });
    this.#route('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', ({ params, req }) => {
      const channel = channelFor(params.channelId, P.ReadMessageHistory | P.AddReactions);
      const stored = channelMessage(channel.id, params.messageId);
      this.#reactions.push({ channelId: channel.id, messageId: stored.id, emoji: params.emoji!, at: req.at });
      req.messageId = stored.id;
      return noContent();
    });

    // Guilds
    const guildFor = (guildId: string | undefined): void => {
      if (guildId !== this.guild.id) throw Errors.unknownGuild();
    };
    this.#route('GET', '/guilds/:guildId', ({ params, req }) => {
      guildFor(params.guildId);
      const { channels: _c, members: _m, threads: _t, presences: _p, voice_states: _v, ...guild } = this.#guildApi(null) as unknown as LooseJson;
      if (req.query.with_counts === 'true') {
        guild.approximate_member_count = this.#membersById.size;
        guild.approximate_presence_count = 0;
      }
      return ok(guild);
    });
    this.#route('GET', '/guilds/:guildId/channels', ({ params }) => {
      guildFor(params.guildId);
      // Like GUILD_CREATE, bots get every channel, including ones they cannot view.
      return ok([...this.#channels.values()].filter((c) => !isThread(c)).map((c) => this.#channelApi(c, true)));
    });
    this.#route('GET', '/guilds/:guildId/roles', ({ params }) => {
      guildFor(params.guildId);
      return ok([...this.#roles.values()]);
    });
    this.#route('GET', '/guilds/:guildId/members/:userId', ({ params }) => {
      guildFor(params.guildId);
      const member = this.#membersById.get(params.userId!);
      if (!member) throw Errors.unknownMember();
      return ok(this.#memberApi(member));
    });
  }

  #interactionFromPath(params: Record<string, string>, req: RecordedRequest): InteractionState {
    const state = this.#interactionsByToken.get(params.token ?? '');
    if (!state || params.applicationId !== this.applicationId) throw Errors.unknownWebhook();
    req.interactionId = state.id;
    if (!state.acknowledged) throw Errors.unknownWebhook();
    return state;
  }

  #handleCallback({ params, body, files, req }: RouteContext): RouteResult {
    const state = this.#interactions.get(params.interactionId ?? '');
    if (state) req.interactionId = state.id;
    req.responseKind = 'callback';
    const raw = isRecord(body) ? body : {};
    const type = typeof raw.type === 'number' ? (raw.type as InteractionResponseType) : null;
    req.callbackType = type;
    if (!state || state.token !== params.token) throw Errors.unknownInteraction();
    if (state.acknowledged) throw Errors.alreadyAcknowledged();
    if (this.#interactionTimeoutMs !== null && performance.now() - state.dispatchedAt > this.#interactionTimeoutMs) {
      throw Errors.unknownInteraction();
    }
    const data = (isRecord(raw.data) ? raw.data : {}) as RecordedMessageBody;
    const T = InteractionResponseType;
    const allowed: Record<number, InteractionType[]> = {
      [T.ChannelMessageWithSource]: [InteractionType.ApplicationCommand, InteractionType.MessageComponent, InteractionType.ModalSubmit],
      [T.DeferredChannelMessageWithSource]: [InteractionType.ApplicationCommand, InteractionType.MessageComponent, InteractionType.ModalSubmit],
      [T.DeferredMessageUpdate]: [InteractionType.MessageComponent, InteractionType.ModalSubmit],
      [T.UpdateMessage]: [InteractionType.MessageComponent, InteractionType.ModalSubmit],
      [T.ApplicationCommandAutocompleteResult]: [InteractionType.ApplicationCommandAutocomplete],
      [T.Modal]: [InteractionType.ApplicationCommand, InteractionType.MessageComponent],
    };
    if (type === null || !allowed[type]?.includes(state.type) || ((type === T.DeferredMessageUpdate || type === T.UpdateMessage) && !state.sourceMessageId)) {
      const v = new Validation();
      v.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', `Interaction response type ${String(type)} is not valid for interaction type ${state.type}`);
      throw Errors.invalidForm(v);
    }
    const channelId = state.channelId ?? this.guild.channels.general.id;
    let resourceMessage: APIMessage | null = null;
    switch (type) {
      case T.ChannelMessageWithSource: {
        const invalid = this.#validateMessage(new Validation(), ['data'], data, files, true);
        if (invalid) throw invalid;
        const flags = (typeof data.flags === 'number' ? data.flags : 0) & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2);
        const stored = this.#createMessage({
          channelId,
          body: data,
          files,
          type: state.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default,
          flags,
          source: 'interaction',
          interaction: state,
        });
        state.originalMessageId = stored.id;
        state.ephemeral = stored.ephemeral;
        resourceMessage = stored.message;
        break;
      }
      case T.DeferredChannelMessageWithSource: {
        const flags = MessageFlags.Loading | ((typeof data.flags === 'number' ? data.flags : 0) & MessageFlags.Ephemeral);
        const stored = this.#createMessage({
          channelId,
          body: {},
          files: [],
          type: state.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default,
          flags,
          source: 'interaction',
          interaction: state,
        });
        state.originalMessageId = stored.id;
        state.ephemeral = stored.ephemeral;
        state.deferredLoading = true;
        resourceMessage = stored.message;
        break;
      }
      case T.DeferredMessageUpdate:
      case T.UpdateMessage: {
        const source = state.sourceMessageId ? this.#messages.get(state.sourceMessageId) : undefined;
        if (!source) throw Errors.unknownMessage();
        state.originalMessageId = source.id;
        state.ephemeral = source.ephemeral;
        if (type === T.UpdateMessage) {
          const invalid = this.#validateMessage(new Validation(), ['data'], data, files, false);
          if (invalid) throw invalid;
          this.#applyEdit(source, data, files);
          resourceMessage = source.message;
        }
        break;
      }
      case T.ApplicationCommandAutocompleteResult: {
        const invalid = this.#validateChoices(data);
        if (invalid) throw invalid;
        break;
      }
      case T.Modal: {
        const invalid = this.#validateModal(data);
        if (invalid) throw invalid;
        if (typeof data.custom_id === 'string') this.#modalsShown.set(data.custom_id, data);
        break;
      }
      default:
        // Pong, LaunchActivity and the deprecated PremiumRequired: no interaction accepts them, so the `allowed`
        // check above has already answered 400.
        throw new Error(`callback type ${type} passed validation but has no handler`);
    }
    state.acknowledged = true;
    state.callbackType = type;
    req.messageId = state.originalMessageId;
    if (req.query.with_response === 'true') {
      return {
        status: 200,
        body: {
          interaction: {
            id: state.id,
            type: state.type,
            response_message_id: state.originalMessageId ?? undefined,
            response_message_loading: state.originalMessageId ? state.deferredLoading : undefined,
            response_message_ephemeral: state.originalMessageId ? state.ephemeral : undefined,
          },
          resource: type === T.Modal || type === T.ApplicationCommandAutocompleteResult ? undefined : { type, ...(resourceMessage ? { message: resourceMessage } : {}) },
        },
      };
    }
    return { status: 204 };
  }

  #handleFollowUp({ params, body, files, req }: RouteContext): RouteResult {
    req.responseKind = 'followUp';
    const state = this.#interactionFromPath(params, req);
    const msgBody = (isRecord(body) ? body : {}) as RecordedMessageBody;
    const invalid = this.#validateMessage(new Validation(), [], msgBody, files, true);
    if (invalid) throw invalid;
    let stored: StoredMessage;
    const original = state.originalMessageId ? this.#messages.get(state.originalMessageId) : undefined;
    if (state.deferredLoading && original && !original.deleted) {
      // Discord quirk: the first follow-up after a deferred reply (type 5) replaces the "thinking..." message,
      // keeping the deferral's ephemerality (the follow-up's own ephemeral flag is ignored).
      this.#applyEdit(original, msgBody, files, { clearLoading: true, markEdited: false });
      state.deferredLoading = false;
      stored = original;
    } else {
      const flags = (typeof msgBody.flags === 'number' ? msgBody.flags : 0) & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2);
      stored = this.#createMessage({
        channelId: state.channelId ?? this.guild.channels.general.id,
        body: msgBody,
        files,
        type: MessageType.Default,
        flags,
        source: 'followUp',
        interaction: state,
      });
      state.followUpIds.push(stored.id);
    }
    req.messageId = stored.id;
    return req.query.wait === 'false' ? { status: 204 } : { status: 200, body: stored.message };
  }

  #handleWebhookMessage({ params, body, files, req }: RouteContext, method: 'GET' | 'PATCH' | 'DELETE'): RouteResult {
    const isOriginal = params.messageId === '@original';
    req.responseKind =
      method === 'GET' ? (isOriginal ? 'fetchOriginal' : 'fetchFollowUp') : method === 'PATCH' ? (isOriginal ? 'editOriginal' : 'editFollowUp') : isOriginal ? 'deleteOriginal' : 'deleteFollowUp';
    const state = this.#interactionFromPath(params, req);
    const messageId = isOriginal ? state.originalMessageId : params.messageId!;
    const belongs = isOriginal || messageId === state.originalMessageId || state.followUpIds.includes(messageId ?? '');
    const stored = messageId && belongs ? this.#messages.get(messageId) : undefined;
    if (!stored || stored.deleted) throw Errors.unknownMessage();
    req.messageId = stored.id;
    if (method === 'GET') return { status: 200, body: stored.message };
    if (method === 'DELETE') {
      this.#deleteMessage(stored);
      return { status: 204 };
    }
    const msgBody = (isRecord(body) ? body : {}) as RecordedMessageBody;
    const invalid = this.#validateMessage(new Validation(), [], msgBody, files, false);
    if (invalid) throw invalid;
    const wasLoading = stored.id === state.originalMessageId && state.deferredLoading;
    this.#applyEdit(stored, msgBody, files, { clearLoading: true, markEdited: !wasLoading });
    if (wasLoading) state.deferredLoading = false;
    return { status: 200, body: stored.message };
  }

  async #readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  #parseBody(raw: Buffer, contentType: string): ParsedBody {
    if (raw.length === 0) return { type: 'none', body: null, files: [] };
    if (contentType.startsWith('application/json')) {
      try {
        return { type: 'json', body: JSON.parse(raw.toString('utf8')) as LooseJson, files: [] };
      } catch {
        return { type: 'json', body: null, files: [], error: Errors.invalidJson() };
      }
    }
    if (contentType.startsWith('multipart/form-data')) {
      let body: LooseJson | null = null;
      const files: RecordedFile[] = [];
      for (const part of parseMultipart(raw, contentType)) {
        if (part.filename === null) {
          const value = part.content.toString('utf8');
          if (part.name === 'payload_json') {
            try {
              body = { ...(body ?? {}), ...(JSON.parse(value) as LooseJson) };
            } catch {
              return { type: 'multipart', body: null, files, error: Errors.invalidJson() };
            }
          } else {
            body = { ...(body ?? {}), [part.name]: value };
          }
        } else {
          files.push({ field: part.name, name: part.filename, contentType: part.contentType || 'application/octet-stream', content: part.content });
        }
      }
      return { type: 'multipart', body, files };
    }
    return { type: 'other', body: null, files: [] };
  }

  async #handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const hrtime = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();

    // The tiny CDN for attachments.
    if (url.pathname.startsWith('/cdn/')) {
      const file = this.#cdn.get(url.pathname.slice(4));
      if (!file) {
        res.writeHead(404).end();
      } else {
        res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.content.length }).end(file.content);
      }
      return;
    }

    const raw = await this.#readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, val] of Object.entries(req.headers)) if (val !== undefined) headers[k] = Array.isArray(val) ? val.join(', ') : val;
    let parsed: ParsedBody;
    try {
      parsed = this.#parseBody(raw, headers['content-type'] ?? '');
    } catch {
      parsed = { type: 'other', body: null, files: [], error: discordError(400, 50035, 'Invalid Form Body') };
    }
    // discord-api-types' Routes percent-encode arguments that are not URL-safe, so `@original` arrives as
    // `%40original` and `@me` as `%40me`; Discord decodes path segments, so do we.
    const path = (url.pathname.startsWith('/api/v10/') ? url.pathname.slice('/api/v10'.length) : url.pathname).split('/').map(safeDecode).join('/');
    const record: RecordedRequest = {
      seq: this.#requests.length + 1,
      at,
      hrtime,
      method,
      path,
      url: req.url ?? '/',
      query: Object.fromEntries(url.searchParams.entries()),
      headers,
      route: null,
      params: {},
      bodyType: parsed.type,
      body: parsed.body,
      files: parsed.files,
      status: 0,
      responseBody: undefined,
      respondedAt: null,
      injectedFault: false,
      unhandled: false,
      internalError: null,
      interactionId: null,
      responseKind: null,
      callbackType: null,
      messageId: null,
    };
    this.#requests.push(record);

    const latency = typeof this.#latency === 'function' ? this.#latency(record) : (this.#latency ?? 0);
    if (latency > 0) await sleep(latency);

    let result: RouteResult;
    const fault = this.#faults.find((f) => f.remaining > 0 && (!f.spec.method || f.spec.method.toUpperCase() === method) && f.regex.test(path));
    const route = url.pathname.startsWith('/api/v10/') ? this.#routes.find((r) => r.method === method && r.regex.test(path)) : undefined;
    if (route) {
      record.route = `${route.method} ${route.template}`;
      const m = route.regex.exec(path)!;
      route.keys.forEach((key, i) => {
        record.params[key] = m[i + 1]!;
      });
      this.#tagInteraction(record);
    }
    const carryOutFirst = fault?.spec.afterCarryingOut === true;
    if (fault) {
      fault.remaining--;
      fault.hits++;
      record.injectedFault = true;
    }
    if (fault && !carryOutFirst) {
      if (fault.spec.dropConnection) {
        record.status = -1;
        record.respondedAt = performance.now();
        this.#log(`${method} ${path} -> dropped (fault)`);
        res.socket?.destroy();
        this.#notify();
        return;
      }
      result = this.#faultResult(fault.spec, route);
    } else if (!route) {
      record.unhandled = true;
      result = { status: 404, body: Errors.notFound().body };
    } else if (route.auth && headers.authorization !== `Bot ${this.token}`) {
      result = { status: 401, body: Errors.unauthorized().body };
    } else if (parsed.error) {
      result = { status: parsed.error.status, body: parsed.error.body };
    } else {
      try {
        result = await route.handler({ req: record, params: record.params, body: parsed.body, files: parsed.files });
      } catch (error) {
        if (error instanceof HttpError) {
          result = { status: error.status, body: error.body, headers: error.headers };
        } else {
          result = { status: 500, body: { message: '500: Internal Server Error', code: 0 } };
          record.internalError = String(error instanceof Error ? error.stack : error);
          this.#log(`handler error for ${method} ${path}: ${record.internalError}`);
        }
      }
    }
    if (fault && carryOutFirst) result = this.#faultResult(fault.spec, route);
    const responseDelay = typeof this.#responseDelay === 'function' ? this.#responseDelay(record) : (this.#responseDelay ?? 0);
    if (responseDelay > 0) {
      record.carriedOutAt = performance.now();
      this.#notify();
      await sleep(responseDelay);
    }
    this.#respond(res, record, result, route);
  }

  #tagInteraction(record: RecordedRequest): void {
    // Tag interaction requests early so even faulted/failed attempts show up in interactionResponses().
    const token = record.params.token;
    const state = record.params.interactionId ? this.#interactions.get(record.params.interactionId) : token ? this.#interactionsByToken.get(token) : undefined;
    if (!state) return;
    record.interactionId = state.id;
    if (record.route?.endsWith('/callback')) {
      record.responseKind = 'callback';
      if (isRecord(record.body) && typeof record.body.type === 'number') record.callbackType = record.body.type;
      return;
    }
    const isOriginal = record.params.messageId === '@original';
    if (record.method === 'POST') record.responseKind = 'followUp';
    else if (record.params.messageId !== undefined) {
      const suffix = isOriginal ? 'Original' : 'FollowUp';
      record.responseKind = record.method === 'GET' ? `fetch${suffix}` : record.method === 'PATCH' ? `edit${suffix}` : `delete${suffix}`;
    }
  }

  #faultResult(spec: FaultSpec, route: Route | undefined): RouteResult {
    const headers: Record<string, string> = { ...spec.headers };
    let body = spec.body;
    if (spec.status === 429) {
      const retryAfter = spec.retryAfter ?? 0.2;
      const bucket = createHash('sha1')
        .update(route?.template ?? 'unknown')
        .digest('hex')
        .slice(0, 32);
      headers['retry-after'] ??= String(retryAfter);
      headers['x-ratelimit-limit'] ??= '5';
      headers['x-ratelimit-remaining'] ??= '0';
      headers['x-ratelimit-reset'] ??= ((Date.now() + retryAfter * 1000) / 1000).toFixed(3);
      headers['x-ratelimit-reset-after'] ??= retryAfter.toFixed(3);
      headers['x-ratelimit-bucket'] ??= bucket;
      headers['x-ratelimit-scope'] ??= spec.global ? 'global' : 'user';
      if (spec.global) headers['x-ratelimit-global'] ??= 'true';
      body ??= { message: 'You are being rate limited.', retry_after: retryAfter, global: spec.global ?? false };
    }
    body ??= { message: `${spec.status}: ${STATUS_CODES[spec.status] ?? 'Error'}`, code: 0 };
    return { status: spec.status, body, headers };
  }

  #respond(res: ServerResponse, record: RecordedRequest, result: RouteResult, route: Route | undefined): void {
    const headers: Record<string, string> = {};
    if (route && result.status !== 429) {
      headers['x-ratelimit-bucket'] = createHash('sha1').update(route.template).digest('hex').slice(0, 32);
      headers['x-ratelimit-limit'] = '50';
      headers['x-ratelimit-remaining'] = '49';
      headers['x-ratelimit-reset'] = (Date.now() / 1000 + 1).toFixed(3);
      headers['x-ratelimit-reset-after'] = '1.000';
    }
    Object.assign(headers, result.headers);
    record.status = result.status;
    record.responseBody = result.body;
    record.respondedAt = performance.now();
    if (result.status === 204 || result.body === undefined) {
      // A 204 must not claim a JSON body: @discordjs/rest parses any application/json response as JSON.
      res.writeHead(result.status, headers).end();
    } else {
      const payload = JSON.stringify(result.body);
      res.writeHead(result.status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
    }
    this.#log(`${record.method} ${record.path}${record.url.includes('?') ? `?${record.url.split('?')[1]}` : ''} -> ${result.status}`);
    this.#notify();
  }

  // ───────────────────────────────────────────────────────────────────────────────────────────
  // Internals: gateway
  // ───────────────────────────────────────────────────────────────────────────────────────────

  #handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (url.pathname.startsWith('/api') || this.#closed) {
      socket.destroy();
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, req.url ?? '/', url));
  }

  #onConnection(socket: WebSocket, rawUrl: string, url: URL): void {
    const conn: ConnectionState = {
      socket,
      session: null,
      info: {
        id: ++this.#connectionSeq,
        url: rawUrl,
        query: Object.fromEntries(url.searchParams.entries()),
        openedAt: performance.now(),
        closedAt: null,
        closeCode: null,
        sessionId: null,
      },
    };
    this.#connections.push(conn);
    socket.on('message', (data: RawData, isBinary: boolean) => this.#onFrame(conn, data, isBinary));
    socket.on('close', (code: number) => {
      conn.info.closedAt = performance.now();
      conn.info.closeCode = code;
      const session = conn.session;
      if (session && session.connection === conn) {
        session.socket = null;
        session.connection = null;
        // A client closing with 1000/1001 ends its session (it cannot be resumed).
        if (code === 1000 || code === 1001) session.invalidated = true;
      }
      this.#log(`gateway #${conn.info.id} closed (${code})`);
      this.#notify();
    });
    socket.on('error', () => undefined);
    if (url.searchParams.get('v') !== '10') {
      socket.close(4012, 'Invalid API version');
      return;
    }
    if ((url.searchParams.get('encoding') ?? 'json') !== 'json') {
      socket.close(4002, 'Error while decoding payload.');
      return;
    }
    this.#send(conn, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs, _trace: ['["gateway-prd-fake",{"micros":0}]'] }, s: null, t: null });
  }

  #send(conn: ConnectionState, payload: { op: GatewayOpcodes; d: unknown; s: number | null; t: string | null }): void {
    if (conn.socket.readyState !== WebSocket.OPEN) return;
    this.#frames.push({ direction: 'out', connectionId: conn.info.id, at: performance.now(), op: payload.op, t: payload.t, s: payload.s, d: payload.d });
    conn.socket.send(JSON.stringify(payload));
    this.#log(`gateway #${conn.info.id} -> op ${payload.op}${payload.t ? ` ${payload.t}` : ''}${payload.s !== null ? ` s=${payload.s}` : ''}`);
  }

  #openConnections(): ConnectionState[] {
    return this.#connections.filter((c) => c.info.closedAt === null);
  }

  #onFrame(conn: ConnectionState, data: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown } | null = null;
    try {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      if (!isBinary) payload = JSON.parse(text) as { op?: unknown; d?: unknown };
    } catch {
      payload = null;
    }
    if (!payload || typeof payload.op !== 'number') {
      conn.socket.close(4002, 'Error while decoding payload.');
      return;
    }
    // Any number: opcodes the fake does not know end in the `default` case below.
    const op: GatewayOpcodes = payload.op;
    const d = payload.d;
    this.#frames.push({ direction: 'in', connectionId: conn.info.id, at: performance.now(), op, t: null, s: null, d });
    this.#log(`gateway #${conn.info.id} <- op ${op}`);
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        this.#heartbeatCount++;
        this.#send(conn, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        break;
      case GatewayOpcodes.Identify:
        this.#onIdentify(conn, isRecord(d) ? d : {});
        break;
      case GatewayOpcodes.Resume:
        this.#onResume(conn, isRecord(d) ? d : {});
        break;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!conn.session) conn.socket.close(4003, 'Not authenticated.');
        break;
      default:
        conn.socket.close(4001, 'Unknown opcode.');
    }
    this.#notify();
  }

  #onIdentify(conn: ConnectionState, d: LooseJson): void {
    if (conn.session) {
      conn.socket.close(4005, 'Already authenticated.');
      return;
    }
    if (d.token !== this.token) {
      conn.socket.close(4004, 'Authentication failed.');
      return;
    }
    const intents = typeof d.intents === 'number' ? d.intents : -1;
    if (intents < 0 || (intents & ~ALL_INTENTS) !== 0) {
      conn.socket.close(4013, 'Invalid intent(s).');
      return;
    }
    const priv = this.#options.privilegedIntents;
    const disallowed =
      ((intents & PRIVILEGED.guildMembers) !== 0 && priv?.guildMembers === false) ||
      ((intents & PRIVILEGED.guildPresences) !== 0 && priv?.guildPresences === false) ||
      ((intents & PRIVILEGED.messageContent) !== 0 && priv?.messageContent === false);
    if (disallowed) {
      conn.socket.close(4014, 'Disallowed intent(s).');
      return;
    }
    const shard: [number, number] = Array.isArray(d.shard) && d.shard.length === 2 ? [Number(d.shard[0]), Number(d.shard[1])] : [0, 1];
    if (!Number.isInteger(shard[0]) || !Number.isInteger(shard[1]) || shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) {
      conn.socket.close(4010, 'Invalid shard.');
      return;
    }
    this.#identifyCount++;
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      seq: 0,
      intents,
      shard,
      buffer: [],
      socket: conn.socket,
      connection: conn,
      invalidated: false,
    };
    this.#sessions.set(session.id, session);
    conn.session = session;
    conn.info.sessionId = session.id;
    this.#sessionDispatch(session, GatewayDispatchEvents.Ready, {
      v: 10,
      user_settings: {},
      user: { ...this.botUser, verified: true, mfa_enabled: false, email: null },
      guilds: this.#guildIdsOf(shard).map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.resumeGatewayUrl,
      shard,
      application: { id: this.applicationId, flags: this.#applicationApi().flags as number },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['us-east', 'us-central'],
      auth: {},
      _trace: ['["gateway-prd-fake",{"micros":0}]'],
    });
    if (intents & GatewayIntentBits.Guilds) {
      for (const id of this.#guildIdsOf(shard)) this.#sessionDispatch(session, GatewayDispatchEvents.GuildCreate, id === this.guild.id ? this.#guildApi(session) : this.#extraGuildApi(session, id));
    }
  }

  /** The shard that gets a guild's events: `(guild_id >> 22) % count`. */
  static shardOf(guildId: string, count: number): number {
    return Number((BigInt(guildId) >> 22n) % BigInt(count));
  }

  /** The guilds a shard is told about, the fake guild and the extra ones it owns. */
  #guildIdsOf(shard: [number, number]): string[] {
    return [this.guild.id, ...(this.#options.extraGuildIds ?? [])].filter((id) => FakeDiscord.shardOf(id, shard[1]) === shard[0]);
  }

  /** An extra guild: the fake guild's settings under another id, with only @everyone and the bot. */
  #extraGuildApi(session: Session, id: string): GatewayGuildCreateDispatchData {
    const index = (this.#options.extraGuildIds ?? []).indexOf(id) + 2;
    const everyone = { ...this.guild.roles.everyone, id };
    return {
      ...this.#guildApi(session),
      id,
      name: `${this.guild.name} ${index}`,
      roles: [everyone],
      members: [this.#memberApi({ ...this.members.bot, roles: [] })],
      member_count: 1,
      channels: [],
      threads: [],
    };
  }

  /**
   * Whether a session gets an event: a guild's events go to the shard that owns the guild, direct messages and
   * interactions outside guilds to shard 0, everything else to every shard. `shard` overrides the owner.
   */
  #routesTo(session: Session, t: string, d: unknown, shard?: number): boolean {
    const [id, count] = session.shard;
    if (shard !== undefined) return id === shard;
    if (count === 1) return true;
    const guildId = isRecord(d) && typeof d.guild_id === 'string' ? d.guild_id : t === (GatewayDispatchEvents.GuildCreate as string) && isRecord(d) && typeof d.id === 'string' ? d.id : undefined;
    if (guildId !== undefined) return FakeDiscord.shardOf(guildId, count) === id;
    if (t === (GatewayDispatchEvents.InteractionCreate as string) || t === (GatewayDispatchEvents.MessageCreate as string)) return id === 0;
    return true;
  }

  /** The gateway sessions by shard: `[id, count]` each identified with, and whether it is live. */
  get shardSessions(): Array<{ shard: [number, number]; live: boolean }> {
    return [...this.#sessions.values()].map((session) => ({ shard: session.shard, live: !session.invalidated && session.connection !== null }));
  }

  /**
   * REST requests (matching `filter`, default all) per second: element i counts those that arrived in the i-th second
   * after the first of them. Discord's global limit is 50 per second for requests with the bot token.
   */
  requestsPerSecond(filter: (request: RecordedRequest) => boolean = () => true): number[] {
    const times = this.#requests.filter(filter).map((request) => request.at);
    const counts: number[] = [];
    for (const at of times) {
      const second = Math.floor((at - times[0]!) / 1000);
      while (counts.length <= second) counts.push(0);
      counts[second]! += 1;
    }
    return counts;
  }

  #onResume(conn: ConnectionState, d: LooseJson): void {
    const session = typeof d.session_id === 'string' ? this.#sessions.get(d.session_id) : undefined;
    if (d.token !== this.token) {
      conn.socket.close(4004, 'Authentication failed.');
      return;
    }
    if (!session || session.invalidated) {
      this.#send(conn, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    if (seq > session.seq) {
      conn.socket.close(4007, 'Invalid seq.');
      return;
    }
    if (session.connection && session.connection !== conn) {
      session.connection.socket.terminate();
    }
    this.#resumeCount++;
    session.socket = conn.socket;
    session.connection = conn;
    conn.session = session;
    conn.info.sessionId = session.id;
    for (const frame of session.buffer) {
      if (frame.s > seq) this.#send(conn, frame);
    }
    this.#sessionDispatch(session, GatewayDispatchEvents.Resumed, { _trace: ['["gateway-prd-fake",{"micros":0}]'] });
  }

  #requireSession(what: string): void {
    if (![...this.#sessions.values()].some((s) => !s.invalidated)) {
      throw new Error(`${what}: no gateway session; log the client in first (await client.login(fake.token) and the clientReady event)`);
    }
  }

  #sessionDispatch(session: Session, t: string, d: unknown): void {
    const frame = { op: 0 as const, t, s: ++session.seq, d };
    session.buffer.push(frame);
    if (session.connection) this.#send(session.connection, frame);
  }

  /**
   * Dispatch to every live session. `intent` gates delivery (null = always); `transform` may rewrite or drop
   * (return null) the payload per session.
   */
  #dispatchToSessions(t: string, d: unknown, intent: number | null, transform?: (session: Session) => unknown, shard?: number): number {
    let count = 0;
    for (const session of this.#sessions.values()) {
      if (session.invalidated) continue;
      if (!this.#routesTo(session, t, d, shard)) continue;
      if (intent !== null && (session.intents & intent) === 0) continue;
      const data = transform ? transform(session) : d;
      if (data === null) continue;
      this.#sessionDispatch(session, t, data);
      count++;
    }
    this.#notify();
    return count;
  }

  #describeInteraction(id: string): string {
    const state = this.#interactions.get(id);
    if (!state) return ' (unknown to the fake: was it sent with sendInteraction?)';
    const responses = this.interactionResponses(id, { includeFailed: true })
      .map((r) => `${r.kind}${r.callbackType !== null ? ` type ${r.callbackType}` : ''} -> ${r.status}`)
      .join(', ');
    return ` (${state.commandName ? `/${state.commandName}, ` : ''}acknowledged: ${state.acknowledged}; responses so far: ${responses || 'none'})`;
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) {
      try {
        waiter.check();
      } catch (error) {
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  #log(line: string): void {
    this.#options.log?.(`[fake-discord] ${line}`);
  }
}

/** Create a fake Discord (REST + gateway on one HTTP server) listening on 127.0.0.1:<ephemeral>. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  return new FakeDiscord(options).listen();
}
