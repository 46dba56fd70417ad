import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSettingError, SCHEMA_VERSION, schemaVersion, Store, StoreError } from '../../src/store/index.js';
import { CHANNEL, CHANNEL_2, GUILD, removeTempDirs, TEACHER, tempDir, USER, USER_2 } from './helpers.js';

afterEach(removeTempDirs);

describe('Store facade', () => {
  it('groups the modules over one database and survives a reopen', async () => {
    const file = path.join(tempDir(), 'data', 'guidebot.db');
    const store = await Store.open(file, { defaults: { rateLimitPerUser: 8, rateLimitWindowSeconds: 45 } });
    expect(await schemaVersion(store.db)).toBe(SCHEMA_VERSION);
    expect(await store.settings.get(GUILD)).toMatchObject({ rateLimitPerUser: 8, rateLimitWindowSeconds: 45, answerVisibility: 'public' });
    expect(await store.settings.setAnswerVisibility(GUILD, 'private')).toMatchObject({ answerVisibility: 'private', rateLimitPerUser: 8 });
    await expect(store.settings.setRateLimit(GUILD, 0, 10)).rejects.toThrow(InvalidSettingError);
    await store.progress.set(GUILD, USER, 'part-one');

    const logId = await store.log.logQuestion({ guildId: GUILD, channelId: CHANNEL, userId: USER, userName: 'Kathy', question: 'Who is Ruth?', answered: true, latencyMs: 40 });
    expect(await store.feedback.vote(logId, USER_2, true)).toBe('created');
    expect(await store.feedback.counts(logId)).toEqual({ helpful: 1, notHelpful: 0, total: 1 });
    const review = await store.reviews.create({ logId, guildId: GUILD, originChannelId: CHANNEL, askerId: USER, question: 'Who is Ruth?', payload: { text: 'x' }, queueChannelId: CHANNEL_2 });
    const gap = await store.gaps.record({ guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'What is a completion?' });
    const note = await store.notes.create({ guildId: GUILD, authorId: TEACHER, authorName: 'Ms L', text: 'Completing means dying after donations.' });
    expect((await store.gaps.markAnswered(gap.gapId, note.id)).userIds).toEqual([USER]);
    expect((await store.stats.get(GUILD, { days: 1 })).questions).toBe(1);
    expect(await store.export.logCsv(GUILD, { days: 1 })).toContain('Who is Ruth?');
    await store.close();
    await store.close(); // twice is fine
    expect(store.open).toBe(false);

    const again = await Store.open(file);
    expect((await again.reviews.listPending(GUILD)).map((item) => item.id)).toEqual([review.id]);
    expect(await again.reviews.decide(review.id, { decision: 'approved', teacherId: TEACHER })).toMatchObject({ ok: true });
    expect((await again.log.get(logId))?.reviewOutcome).toBe('approved');
    expect((await again.privacy.forgetUser(GUILD, USER)).questionLog).toBe(1);
    expect((await again.privacy.purgeOlderThan(90)).total).toBe(0);
    await again.close();
  });

  it('Store.open reports startup problems as StoreError', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'guidebot.db');
    fs.writeFileSync(file, 'this is not a database, just some text that is long enough to have a header'.repeat(3));
    await expect(Store.open(file)).rejects.toThrow(StoreError);
  });
});
