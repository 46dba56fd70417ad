import { beforeEach, expect, it } from 'vitest';
import type { SqlDatabase } from '../../src/store/sql.js';
import { InvalidSettingError } from '../../src/store/errors.js';
import {
  allowChannel,
  disallowChannel,
  getSettings,
  isChannelAllowed,
  setAnswerVisibility,
  setRateLimit,
  setReviewMode,
  setSpoilerMode,
  setTeacherRole,
  updateSettings,
  type SettingsPatch,
} from '../../src/store/settings.js';
import { CHANNEL, CHANNEL_2, GUILD, describeEachBackend, memoryDb, OTHER_GUILD } from './helpers.js';

const ROLE = '500000000000000001';
let db: SqlDatabase;
beforeEach(async () => {
  db = await memoryDb();
});

async function rowCount(): Promise<number> {
  return ((await db.get('SELECT count(*) AS n FROM guild_settings')) as { n: number }).n;
}

describeEachBackend('settings', () => {
  it('returns defaults when the guild has no row', async () => {
    expect(await getSettings(db, GUILD)).toEqual({
      guildId: GUILD,
      allowedChannelIds: [],
      answerVisibility: 'public',
      reviewMode: 'off',
      reviewChannelId: null,
      spoilerMode: 'off',
      rateLimitPerUser: 5,
      rateLimitWindowSeconds: 30,
      teacherRoleId: null,
      updatedAt: null,
    });
    expect(await rowCount()).toBe(0);
  });

  it('configured defaults apply to rate limits the guild has not set', async () => {
    expect(await getSettings(db, GUILD, { rateLimitPerUser: 9, rateLimitWindowSeconds: 60 })).toMatchObject({ rateLimitPerUser: 9, rateLimitWindowSeconds: 60 });
    await setRateLimit(db, GUILD, 3, null);
    expect(await getSettings(db, GUILD, { rateLimitPerUser: 9, rateLimitWindowSeconds: 60 })).toMatchObject({ rateLimitPerUser: 3, rateLimitWindowSeconds: 60 });
  });

  it('updates are stored per guild and merge with earlier ones', async () => {
    await setAnswerVisibility(db, GUILD, 'private');
    await setSpoilerMode(db, GUILD, 'progress');
    await setTeacherRole(db, GUILD, ROLE);
    const after = await setReviewMode(db, GUILD, 'on', CHANNEL_2);
    expect(after).toMatchObject({ answerVisibility: 'private', spoilerMode: 'progress', teacherRoleId: ROLE, reviewMode: 'on', reviewChannelId: CHANNEL_2 });
    expect(after.updatedAt).toEqual(expect.any(Number));
    expect((await getSettings(db, OTHER_GUILD)).answerVisibility).toBe('public');
    expect((await setTeacherRole(db, GUILD, null)).teacherRoleId).toBeNull();
    expect(await setReviewMode(db, GUILD, 'off')).toMatchObject({ reviewMode: 'off', reviewChannelId: CHANNEL_2 });
  });

  it('allowed channels: empty means everywhere, add/remove without duplicates', async () => {
    expect(isChannelAllowed(await getSettings(db, GUILD), CHANNEL)).toBe(true);
    await allowChannel(db, GUILD, CHANNEL);
    await allowChannel(db, GUILD, CHANNEL);
    const settings = await allowChannel(db, GUILD, CHANNEL_2);
    expect(settings.allowedChannelIds).toEqual([CHANNEL, CHANNEL_2]);
    expect(isChannelAllowed(settings, '200000000000000099')).toBe(false);
    expect((await disallowChannel(db, GUILD, CHANNEL)).allowedChannelIds).toEqual([CHANNEL_2]);
  });

  const invalid: Array<[string, SettingsPatch, RegExp]> = [
    ['zero per-user limit', { rateLimitPerUser: 0 }, /between 1 and 1000/],
    ['negative per-user limit', { rateLimitPerUser: -5 }, /between 1 and 1000/],
    ['huge per-user limit', { rateLimitPerUser: 1_000_000 }, /between 1 and 1000/],
    ['fractional limit', { rateLimitPerUser: 2.5 }, /whole number/],
    ['zero window', { rateLimitWindowSeconds: 0 }, /between 1 and 86400/],
    ['huge window', { rateLimitWindowSeconds: 10 ** 9 }, /between 1 and 86400/],
    ['NaN window', { rateLimitWindowSeconds: Number.NaN }, /number/],
    ['bad visibility', { answerVisibility: 'secret' as 'public' }, /"public" or "private"/],
    ['bad spoiler mode', { spoilerMode: 'all' as 'off' }, /"off", "tag" or "progress"/],
    ['bad channel id', { allowedChannelIds: ['general'] }, /Discord ids/],
    ['review on without a queue channel', { reviewMode: 'on' }, /queue channel/],
    ['unknown field', { colour: 'red' } as SettingsPatch, /.+/],
  ];

  it.each(invalid)('rejects %s with a friendly InvalidSettingError and changes nothing', async (_name, patch, message) => {
    await updateSettings(db, GUILD, { answerVisibility: 'private', rateLimitPerUser: 7 }, { now: 1000 });
    const before = await db.all('SELECT * FROM guild_settings');
    let caught: unknown;
    try {
      await updateSettings(db, GUILD, { spoilerMode: 'tag', ...patch }, { now: 2000 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidSettingError);
    expect((caught as Error).message).toMatch(message);
    expect(await db.all('SELECT * FROM guild_settings')).toEqual(before);
  });

  it('an invalid update on a guild without settings creates no row', async () => {
    await expect(setRateLimit(db, GUILD, 0, 0)).rejects.toThrow(InvalidSettingError);
    expect(await rowCount()).toBe(0);
  });

  it('rejects a guild id that is not a snowflake', async () => {
    await expect(getSettings(db, 'abc')).rejects.toThrow(InvalidSettingError);
  });
});
