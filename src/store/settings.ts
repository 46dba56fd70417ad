import { z } from 'zod';
import type { SqlDatabase } from './sql.js';
import { InvalidSettingError } from './errors.js';
import { parseWith, SNOWFLAKE, snowflake } from './validate.js';

export type AnswerVisibility = 'public' | 'private';
export type ReviewMode = 'off' | 'on';
export type SpoilerMode = 'off' | 'tag' | 'progress';

export interface GuildSettings {
  guildId: string;
  /** Channels where /ask may be used; empty means everywhere. */
  allowedChannelIds: string[];
  answerVisibility: AnswerVisibility;
  reviewMode: ReviewMode;
  /** Where answers wait for a teacher when reviewMode is 'on'. */
  reviewChannelId: string | null;
  spoilerMode: SpoilerMode;
  rateLimitPerUser: number;
  rateLimitWindowSeconds: number;
  teacherRoleId: string | null;
  /** null when the guild has never changed a setting. */
  updatedAt: number | null;
}

/** Values used where a guild has not chosen; the rate limits normally come from RATE_LIMIT_* in the config. */
export interface SettingsDefaults {
  rateLimitPerUser: number;
  rateLimitWindowSeconds: number;
}

export const DEFAULT_RATE_LIMIT: SettingsDefaults = { rateLimitPerUser: 5, rateLimitWindowSeconds: 30 };
export const MAX_ALLOWED_CHANNELS = 500;
export const RATE_LIMIT_BOUNDS = { perUser: { min: 1, max: 1000 }, windowSeconds: { min: 1, max: 86_400 } } as const;

const channelId = z.string().regex(SNOWFLAKE, 'Channel ids must be Discord ids (17 to 20 digits).');
const rateLimit = (label: string, min: number, max: number) =>
  z
    .number({ error: `${label} must be a number.` })
    .int(`${label} must be a whole number.`)
    .min(min, `${label} must be between ${min} and ${max}.`)
    .max(max, `${label} must be between ${min} and ${max}.`);

/** A partial update. `null` resets a nullable field (rate limits go back to the configured default). */
export const settingsPatchSchema = z
  .object({
    allowedChannelIds: z.array(channelId).max(MAX_ALLOWED_CHANNELS, `At most ${MAX_ALLOWED_CHANNELS} channels can be allowed.`),
    answerVisibility: z.enum(['public', 'private'], { error: 'Answer visibility must be "public" or "private".' }),
    reviewMode: z.enum(['off', 'on'], { error: 'Review mode must be "off" or "on".' }),
    reviewChannelId: z.string().regex(SNOWFLAKE, 'The review queue channel must be a Discord channel id.').nullable(),
    spoilerMode: z.enum(['off', 'tag', 'progress'], { error: 'Spoiler mode must be "off", "tag" or "progress".' }),
    rateLimitPerUser: rateLimit('The number of questions per user', RATE_LIMIT_BOUNDS.perUser.min, RATE_LIMIT_BOUNDS.perUser.max).nullable(),
    rateLimitWindowSeconds: rateLimit('The rate limit window (seconds)', RATE_LIMIT_BOUNDS.windowSeconds.min, RATE_LIMIT_BOUNDS.windowSeconds.max).nullable(),
    teacherRoleId: z.string().regex(SNOWFLAKE, 'The teacher role must be a Discord role id.').nullable(),
  })
  .partial()
  .strict();

export type SettingsPatch = z.input<typeof settingsPatchSchema>;

export interface UpdateOptions {
  now?: number;
  /** Used for the returned settings. */
  defaults?: SettingsDefaults;
}

interface SettingsRow {
  guild_id: string;
  allowed_channel_ids: string;
  answer_visibility: AnswerVisibility;
  review_mode: ReviewMode;
  review_channel_id: string | null;
  spoiler_mode: SpoilerMode;
  rate_limit_per_user: number | null;
  rate_limit_window_seconds: number | null;
  teacher_role_id: string | null;
  updated_at: number;
}

/** The stored values of a guild (null rate limits mean "default"), before defaults are applied. */
interface StoredSettings {
  allowedChannelIds: string[];
  answerVisibility: AnswerVisibility;
  reviewMode: ReviewMode;
  reviewChannelId: string | null;
  spoilerMode: SpoilerMode;
  rateLimitPerUser: number | null;
  rateLimitWindowSeconds: number | null;
  teacherRoleId: string | null;
}

const EMPTY: StoredSettings = {
  allowedChannelIds: [],
  answerVisibility: 'public',
  reviewMode: 'off',
  reviewChannelId: null,
  spoilerMode: 'off',
  rateLimitPerUser: null,
  rateLimitWindowSeconds: null,
  teacherRoleId: null,
};

async function readRow(db: SqlDatabase, guildId: string): Promise<SettingsRow | undefined> {
  return db.get('SELECT * FROM guild_settings WHERE guild_id = ?', [guildId]);
}

function stored(row: SettingsRow | undefined): StoredSettings {
  if (row === undefined) return { ...EMPTY, allowedChannelIds: [] };
  return {
    allowedChannelIds: JSON.parse(row.allowed_channel_ids) as string[],
    answerVisibility: row.answer_visibility,
    reviewMode: row.review_mode,
    reviewChannelId: row.review_channel_id,
    spoilerMode: row.spoiler_mode,
    rateLimitPerUser: row.rate_limit_per_user,
    rateLimitWindowSeconds: row.rate_limit_window_seconds,
    teacherRoleId: row.teacher_role_id,
  };
}

function guild(value: unknown): string {
  try {
    return snowflake(value, 'guildId');
  } catch (error) {
    throw new InvalidSettingError('guildId', (error as Error).message);
  }
}

/** The guild's settings, with defaults for anything it has not set (also when it has no row at all). */
export async function getSettings(db: SqlDatabase, guildId: string, defaults: SettingsDefaults = DEFAULT_RATE_LIMIT): Promise<GuildSettings> {
  const row = await readRow(db, guild(guildId));
  const values = stored(row);
  return {
    guildId,
    ...values,
    rateLimitPerUser: values.rateLimitPerUser ?? defaults.rateLimitPerUser,
    rateLimitWindowSeconds: values.rateLimitWindowSeconds ?? defaults.rateLimitWindowSeconds,
    updatedAt: row?.updated_at ?? null,
  };
}

/**
 * Validates and applies a partial update atomically. On invalid input an InvalidSettingError with a
 * friendly message is thrown and nothing changes.
 */
export async function updateSettings(db: SqlDatabase, guildId: string, patch: SettingsPatch, options: UpdateOptions = {}): Promise<GuildSettings> {
  guild(guildId);
  const valid = parseWith(settingsPatchSchema, patch, (field, message) => new InvalidSettingError(field, message));
  await db.transaction(async () => {
    const next: StoredSettings = { ...stored(await readRow(db, guildId)) };
    for (const [key, value] of Object.entries(valid) as Array<[keyof StoredSettings, unknown]>) {
      if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
    }
    next.allowedChannelIds = [...new Set(next.allowedChannelIds)];
    if (next.reviewMode === 'on' && next.reviewChannelId === null) {
      throw new InvalidSettingError('reviewChannelId', 'Review mode needs a queue channel: choose the channel where teachers review answers.');
    }
    await db.run(
      `INSERT INTO guild_settings (guild_id, allowed_channel_ids, answer_visibility, review_mode, review_channel_id, spoiler_mode,
         rate_limit_per_user, rate_limit_window_seconds, teacher_role_id, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (guild_id) DO UPDATE SET
         allowed_channel_ids = excluded.allowed_channel_ids, answer_visibility = excluded.answer_visibility,
         review_mode = excluded.review_mode, review_channel_id = excluded.review_channel_id, spoiler_mode = excluded.spoiler_mode,
         rate_limit_per_user = excluded.rate_limit_per_user, rate_limit_window_seconds = excluded.rate_limit_window_seconds,
         teacher_role_id = excluded.teacher_role_id, updated_at = excluded.updated_at`,
      [
        guildId,
        JSON.stringify(next.allowedChannelIds),
        next.answerVisibility,
        next.reviewMode,
        next.reviewChannelId,
        next.spoilerMode,
        next.rateLimitPerUser,
        next.rateLimitWindowSeconds,
        next.teacherRoleId,
        options.now ?? Date.now(),
      ],
    );
  });
  return getSettings(db, guildId, options.defaults);
}

export async function setAllowedChannels(db: SqlDatabase, guildId: string, channelIds: string[], options: UpdateOptions = {}): Promise<GuildSettings> {
  return updateSettings(db, guildId, { allowedChannelIds: channelIds }, options);
}

export async function allowChannel(db: SqlDatabase, guildId: string, channelId: string, options: UpdateOptions = {}): Promise<GuildSettings> {
  return db.transaction(async () => {
    const current = (await getSettings(db, guildId, options.defaults)).allowedChannelIds;
    return updateSettings(db, guildId, { allowedChannelIds: [...current, channelId] }, options);
  });
}

export async function disallowChannel(db: SqlDatabase, guildId: string, channelId: string, options: UpdateOptions = {}): Promise<GuildSettings> {
  return db.transaction(async () => {
    const current = (await getSettings(db, guildId, options.defaults)).allowedChannelIds;
    return updateSettings(db, guildId, { allowedChannelIds: current.filter((id) => id !== channelId) }, options);
  });
}

export async function setAnswerVisibility(db: SqlDatabase, guildId: string, visibility: AnswerVisibility, options: UpdateOptions = {}): Promise<GuildSettings> {
  return updateSettings(db, guildId, { answerVisibility: visibility }, options);
}

/** Turning review on requires a queue channel; turning it off keeps the remembered channel. */
export async function setReviewMode(db: SqlDatabase, guildId: string, mode: ReviewMode, queueChannelId?: string | null, options: UpdateOptions = {}): Promise<GuildSettings> {
  return updateSettings(db, guildId, queueChannelId === undefined ? { reviewMode: mode } : { reviewMode: mode, reviewChannelId: queueChannelId }, options);
}

export async function setSpoilerMode(db: SqlDatabase, guildId: string, mode: SpoilerMode, options: UpdateOptions = {}): Promise<GuildSettings> {
  return updateSettings(db, guildId, { spoilerMode: mode }, options);
}

/** Pass null to go back to the configured default. */
export async function setRateLimit(db: SqlDatabase, guildId: string, perUser: number | null, windowSeconds: number | null, options: UpdateOptions = {}): Promise<GuildSettings> {
  return updateSettings(db, guildId, { rateLimitPerUser: perUser, rateLimitWindowSeconds: windowSeconds }, options);
}

export async function setTeacherRole(db: SqlDatabase, guildId: string, roleId: string | null, options: UpdateOptions = {}): Promise<GuildSettings> {
  return updateSettings(db, guildId, { teacherRoleId: roleId }, options);
}

/** Whether /ask may be used in this channel. */
export function isChannelAllowed(settings: GuildSettings, channelId: string): boolean {
  return settings.allowedChannelIds.length === 0 || settings.allowedChannelIds.includes(channelId);
}
