import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSettingError, SCHEMA_VERSION, Store, StoreError, userVersion } from '../../src/store/index.js';
import { CHANNEL, CHANNEL_2, GUILD, removeTempDirs, TEACHER, tempDir, USER, USER_2 } from './helpers.js';

afterEach(removeTempDirs);

describe('Store facade', () => {
  it('groups the modules over one database and survives a reopen', () => {
    const file = path.join(tempDir(), 'data', 'guidebot.db');
    const store = Store.open(file, { defaults: { rateLimitPerUser: 8, rateLimitWindowSeconds: 45 } });
    expect(userVersion(store.db)).toBe(SCHEMA_VERSION);
    expect(store.settings.get(GUILD)).toMatchObject({ rateLimitPerUser: 8, rateLimitWindowSeconds: 45, answerVisibility: 'public' });
    expect(store.settings.setAnswerVisibility(GUILD, 'private')).toMatchObject({ answerVisibility: 'private', rateLimitPerUser: 8 });
    expect(() => store.settings.setRateLimit(GUILD, 0, 10)).toThrow(InvalidSettingError);
    store.progress.set(GUILD, USER, 'part-one');

    const logId = store.log.logQuestion({ guildId: GUILD, channelId: CHANNEL, userId: USER, userName: 'Kathy', question: 'Who is Ruth?', answered: true, latencyMs: 40 });
    expect(store.feedback.vote(logId, USER_2, true)).toBe('created');
    expect(store.feedback.counts(logId)).toEqual({ helpful: 1, notHelpful: 0, total: 1 });
    const review = store.reviews.create({ logId, guildId: GUILD, originChannelId: CHANNEL, askerId: USER, question: 'Who is Ruth?', payload: { text: 'x' }, queueChannelId: CHANNEL_2 });
    const gap = store.gaps.record({ guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'What is a completion?' });
    const note = store.notes.create({ guildId: GUILD, authorId: TEACHER, authorName: 'Ms L', text: 'Completing means dying after donations.' });
    expect(store.gaps.markAnswered(gap.gapId, note.id).userIds).toEqual([USER]);
    expect(store.stats.get(GUILD, { days: 1 }).questions).toBe(1);
    expect(store.export.logCsv(GUILD, { days: 1 })).toContain('Who is Ruth?');
    store.close();
    store.close(); // twice is fine
    expect(store.open).toBe(false);

    const again = Store.open(file);
    expect(again.reviews.listPending(GUILD).map((item) => item.id)).toEqual([review.id]);
    expect(again.reviews.decide(review.id, { decision: 'approved', teacherId: TEACHER })).toMatchObject({ ok: true });
    expect(again.log.get(logId)?.reviewOutcome).toBe('approved');
    expect(again.privacy.forgetUser(GUILD, USER).questionLog).toBe(1);
    expect(again.privacy.purgeOlderThan(90).total).toBe(0);
    again.close();
  });

  it('Store.open reports startup problems as StoreError', () => {
    const dir = tempDir();
    const file = path.join(dir, 'guidebot.db');
    fs.writeFileSync(file, 'this is not a database, just some text that is long enough to have a header'.repeat(3));
    expect(() => Store.open(file)).toThrow(StoreError);
  });
});
