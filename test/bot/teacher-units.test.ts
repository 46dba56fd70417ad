import { PermissionFlagsBits, PermissionsBitField, SnowflakeUtil } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { forgetSummary } from '../../src/bot/commands/forget.js';
import { SlidingWindowRateLimiter } from '../../src/bot/rate-limit.js';
import { isTeacher } from '../../src/bot/teacher/access.js';
import { tokenStillValid } from '../../src/bot/teacher/delivery.js';
import { SqliteFeedbackSink } from '../../src/bot/teacher/feedback-sink.js';
import { GuildRateLimiters } from '../../src/bot/teacher/guild-rate-limit.js';
import { interactionSettings } from '../../src/bot/teacher/interaction-settings.js';
import { channelPointer } from '../../src/bot/teacher/hooks.js';
import { combinedSimilarity, GAP_SIMILARITY_THRESHOLD, NOTE_PASSAGE_SOURCE, noteEngineId, TeacherRuntime } from '../../src/bot/teacher/runtime.js';
import { isExcluded, NOTE_SOURCE } from '../../src/engine.js';
import { readerPartOf, taggedPartsFor } from '../../src/bot/teacher/spoilers.js';
import { hasSpoilerTags, joinWithin, spoilerTag } from '../../src/render/discord.js';
import { createLogger } from '../../src/log.js';
import { Store } from '../../src/store/index.js';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const CHANNEL = '200000000000000001';
const USER = '300000000000000001';
const ROLE = '500000000000000001';
const silent = createLogger('silent');

/** A Discord id created `msAgo` milliseconds ago. */
const idFrom = (msAgo: number) => SnowflakeUtil.generate({ timestamp: Date.now() - msAgo }).toString();

describe('spoiler tags', () => {
  it('wraps each line and escapes any pipe that could close the spoiler', () => {
    expect(spoilerTag('Ruth dies')).toBe('||Ruth dies||');
    expect(spoilerTag('a || b')).toBe('||a \\|\\| b||');
    expect(spoilerTag('already \\|\\| escaped')).toBe('||already \\|\\| escaped||');
    expect(spoilerTag('ends with |')).toBe('||ends with \\|||');
    expect(spoilerTag('> line one\n\n> line two')).toBe('||> line one||\n\n||> line two||');
    // An escaped backslash before a pipe leaves the pipe live: it is escaped too.
    expect(spoilerTag('x\\\\|y')).toBe('||x\\\\\\|y||');
  });

  it('a spoiler is never cut in half when a message is too long (it is left out instead)', () => {
    expect(hasSpoilerTags(spoilerTag('a | b'))).toBe(true);
    expect(hasSpoilerTags('a \\|\\| b')).toBe(false);
    const hidden = spoilerTag('x'.repeat(100));
    expect(joinWithin(['head', hidden], 60)).toBe('head');
    expect(joinWithin(['head', 'y'.repeat(100)], 60)).toMatch(/^head\ny+…$/);
  });

  it('tags Part Two and Three in tag mode, and in progress mode only when the answer is public', () => {
    expect(taggedPartsFor('tag', true)).toEqual(['part-two', 'part-three']);
    expect(taggedPartsFor('progress', false)).toEqual(['part-two', 'part-three']);
    expect(taggedPartsFor('progress', true)).toEqual([]);
    expect(taggedPartsFor('off', false)).toEqual([]);
  });

  it('maps reading progress to the latest part a reader may see', () => {
    expect(readerPartOf(null)).toBe('none');
    expect(readerPartOf('part-one')).toBe('part-one');
    expect(readerPartOf('part-two')).toBe('part-two');
    expect(readerPartOf('part-three')).toBe('part-three');
    expect(readerPartOf('finished')).toBe('part-three');
  });
});

describe('who is a teacher', () => {
  const perms = (...bits: bigint[]) => new PermissionsBitField(bits);
  it('Manage Server (or Administrator) in this channel, or the configured teacher role', () => {
    expect(isTeacher({ memberPermissions: perms(PermissionFlagsBits.ManageGuild), member: null }, null)).toBe(true);
    expect(isTeacher({ memberPermissions: perms(PermissionFlagsBits.Administrator), member: null }, null)).toBe(true);
    expect(isTeacher({ memberPermissions: perms(PermissionFlagsBits.SendMessages), member: null }, null)).toBe(false);
    const member = { roles: [ROLE] } as never;
    expect(isTeacher({ memberPermissions: perms(), member }, { teacherRoleId: ROLE })).toBe(true);
    expect(isTeacher({ memberPermissions: perms(), member }, { teacherRoleId: null })).toBe(false);
    expect(isTeacher({ memberPermissions: null, member: { roles: [] } as never }, { teacherRoleId: ROLE })).toBe(false);
  });
});

describe('grouping unanswered questions', () => {
  const unit = (values: number[]) => {
    const vector = Float32Array.from(values);
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  };
  it('joins rewordings, keeps different questions apart', () => {
    const vectors = new Map([
      ['What car does Rodney drive?', unit([1, 0.1, 0])],
      ['What kind of car does Rodney have?', unit([1, 0.12, 0.01])],
      ['What is the recipe for pancakes?', unit([0.9, 0.2, 0])],
      ['How do I bake bread?', unit([0.92, 0.18, 0])],
    ]);
    const similarity = combinedSimilarity(vectors, 0.85);
    expect(similarity('Who is Keffers?', 'who is keffers')).toBeGreaterThanOrEqual(GAP_SIMILARITY_THRESHOLD);
    expect(similarity('What car does Rodney drive?', 'What kind of car does Rodney have?')).toBeGreaterThanOrEqual(GAP_SIMILARITY_THRESHOLD);
    // High cosine but no shared word: not the same question.
    expect(similarity('What is the recipe for pancakes?', 'How do I bake bread?')).toBeLessThan(GAP_SIMILARITY_THRESHOLD);
    expect(similarity('Who is Keffers?', 'Who is Madame?')).toBeLessThan(GAP_SIMILARITY_THRESHOLD);
  });

  it('embeds each open gap once: a later question embeds only itself, and still groups with the gaps', async () => {
    const store = await Store.open(':memory:');
    const embedded: string[][] = [];
    const vectorOf = (text: string) => Float32Array.from(text.toLowerCase().includes('car') ? [1, 0] : [0, 1]);
    const engine = {
      embed: (texts: string[]) => {
        embedded.push(texts);
        return Promise.resolve(texts.map(vectorOf));
      },
      embedder: { profile: { cosine: { low: 0.2, high: 0.75 } } as never },
    };
    const runtime = new TeacherRuntime({ store, engine, logger: silent, retentionDays: 90 });
    const record = async (question: string) =>
      store.gaps.record({ guildId: GUILD, channelId: CHANNEL, userId: USER, question }, { similarity: await runtime.gapSimilarity(GUILD, question), threshold: GAP_SIMILARITY_THRESHOLD });
    await record('What car does Rodney drive?');
    await record('How do I bake bread?');
    const joined = await record('What sort of car does Rodney own?');
    expect(embedded).toEqual([['How do I bake bread?', 'What car does Rodney drive?'], ['What sort of car does Rodney own?']]);
    expect(joined).toMatchObject({ created: false, count: 2 });
    expect((await store.gaps.list(GUILD)).map((gap) => gap.question).sort()).toEqual(['How do I bake bread?', 'What car does Rodney drive?']);

    // A burst: questions arriving together share one embedding of the gaps they have not seen.
    const fresh = new TeacherRuntime({ store, engine, logger: silent, retentionDays: 90 });
    embedded.length = 0;
    await Promise.all([fresh.gapSimilarity(GUILD, 'Is the car red?'), fresh.gapSimilarity(GUILD, 'Is the bread brown?')]);
    expect(embedded.flat().sort()).toEqual(['How do I bake bread?', 'Is the bread brown?', 'Is the car red?', 'What car does Rodney drive?']);
    await store.close();
  });
});

describe('per-server rate limits', () => {
  it("reads the server's setting on every question and falls back to the default outside servers", async () => {
    const store = await Store.open(':memory:', { defaults: { rateLimitPerUser: 2, rateLimitWindowSeconds: 30 } });
    const fallback = new SlidingWindowRateLimiter({ limit: 2, windowMs: 30_000 });
    const limiters = new GuildRateLimiters(store, fallback);
    expect(await limiters.for(null)).toBe(fallback);
    const take = async () => (await limiters.for(GUILD)).take(USER, 1000).allowed;
    expect([await take(), await take(), await take()]).toEqual([true, true, false]);
    await store.settings.setRateLimit(GUILD, 3, 60);
    expect([await take(), await take(), await take(), await take()]).toEqual([true, true, true, false]);
    // Another server keeps the default.
    expect((await limiters.for(OTHER_GUILD)).take(USER, 1000).allowed).toBe(true);
    await store.close();
  });
});

describe("a server's settings within one interaction", () => {
  it('are read once and shared by its checks; the next interaction reads them again and sees a change', async () => {
    const store = await Store.open(':memory:', { defaults: { rateLimitPerUser: 2, rateLimitWindowSeconds: 30 } });
    let reads = 0;
    const read = store.settings.get;
    store.settings.get = (guildId) => (reads++, read(guildId));
    const limiters = new GuildRateLimiters(store, new SlidingWindowRateLimiter({ limit: 2, windowMs: 30_000 }));
    const first = {};
    await store.settings.setRateLimit(GUILD, 1, 60);
    expect((await limiters.for(GUILD, first)).take(USER, 1000).allowed).toBe(true);
    await store.settings.setRateLimit(GUILD, 3, 60);
    // Its other checks see what its first check read.
    expect((await interactionSettings(store, first, GUILD)).rateLimitPerUser).toBe(1);
    expect(reads).toBe(1);
    const second = {};
    expect((await interactionSettings(store, second, GUILD)).rateLimitPerUser).toBe(3);
    const limiter = await limiters.for(GUILD, second);
    expect(reads).toBe(2);
    expect([limiter.take(USER, 1000).allowed, limiter.take(USER, 1000).allowed, limiter.take(USER, 1000).allowed, limiter.take(USER, 1000).allowed]).toEqual([true, true, true, false]);
    await store.close();
  });
});

describe('SQLite feedback', () => {
  it('keys votes by the logged question, one per user', async () => {
    const store = await Store.open(':memory:');
    const sink = new SqliteFeedbackSink(store, silent);
    const answerId = idFrom(0);
    await store.log.logQuestion({ guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'q', answered: true, latencyMs: 1, answerId });
    const entry = { answerId, userId: USER, helpful: true, guildId: GUILD, at: Date.now() };
    expect(await sink.record(entry)).toBe('recorded');
    expect(await sink.record(entry)).toBe('unchanged');
    expect(await sink.record({ ...entry, helpful: false })).toBe('changed');
    const logId = (await store.log.findByAnswerId(answerId))!.id;
    expect(await store.feedback.counts(logId)).toEqual({ helpful: 0, notHelpful: 1, total: 1 });
    await store.close();
  });

  it('a vote on an answer that is not logged (direct messages, a deleted question, another server) is not kept, and says so', async () => {
    const store = await Store.open(':memory:');
    const sink = new SqliteFeedbackSink(store, silent);
    const answerId = idFrom(0);
    await store.log.logQuestion({ guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'q', answered: true, latencyMs: 1, answerId });
    expect(await sink.record({ answerId: idFrom(10 * 60_000), userId: USER, helpful: true, guildId: GUILD, at: 1 })).toBe('not-kept');
    expect(await sink.record({ answerId, userId: USER, helpful: true, guildId: null, at: 1 })).toBe('not-kept');
    expect(await sink.record({ answerId, userId: USER, helpful: true, guildId: OTHER_GUILD, at: 1 })).toBe('not-kept');
    expect((await store.feedback.counts((await store.log.findByAnswerId(answerId))!.id)).total).toBe(0);
    await store.close();
  });
});

describe('notes and gaps in the runtime', () => {
  it('indexes every stored note at start-up, and leaves other servers’ notes out of answers', async () => {
    const store = await Store.open(':memory:');
    const added: string[] = [];
    const runtime = new TeacherRuntime({
      store,
      engine: { addNote: (note) => Promise.resolve(void added.push(note.id)), removeNote: () => true },
      logger: silent,
      retentionDays: 90,
    });
    const a = await store.notes.create({ guildId: GUILD, authorId: USER, authorName: 'Ms Emily', text: 'Norfolk is the lost corner.' });
    const b = await store.notes.create({ guildId: OTHER_GUILD, authorId: USER, authorName: 'Mr Keffers', text: 'Other server.' });
    await runtime.start();
    runtime.stop();
    expect(added).toEqual([noteEngineId(a), noteEngineId(b)]);
    expect(NOTE_PASSAGE_SOURCE).toBe(NOTE_SOURCE);
    const skip = (passage: { id: string; source: string }, guildId: string | null = GUILD) => isExcluded(passage, runtime.exclusionsFor(guildId));
    expect(skip({ id: noteEngineId(a), source: 'teacher-notes' })).toBe(false);
    expect(skip({ id: noteEngineId(b), source: 'teacher-notes' })).toBe(true);
    expect(skip({ id: 'guide-chunk-1', source: 'never-let-me-go-study-guide.md' })).toBe(false);
    expect(skip({ id: noteEngineId(a), source: 'teacher-notes' }, null)).toBe(true);
    expect(structuredClone(runtime.exclusionsFor(GUILD))).toEqual(runtime.exclusionsFor(GUILD));
    await store.close();
  });

  it('purges old log rows at start-up and keeps a timer that does not hold the process open', async () => {
    const store = await Store.open(':memory:');
    await store.log.logQuestion({ guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'old', answered: true, latencyMs: 1, createdAt: Date.now() - 100 * 86_400_000 });
    await store.log.logQuestion({ guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'new', answered: true, latencyMs: 1 });
    const runtime = new TeacherRuntime({ store, engine: {}, logger: silent, retentionDays: 90 });
    await runtime.start();
    expect((await store.log.list(GUILD)).map((row) => row.question)).toEqual(['new']);
    runtime.stop();
    await store.close();
  });
});

describe('retention', () => {
  it('purges again on its timer, and stops when told', async () => {
    const store = await Store.open(':memory:');
    const runtime = new TeacherRuntime({ store, engine: {}, logger: silent, retentionDays: 1, retentionIntervalMs: 20 });
    await runtime.start();
    const old = () => store.log.logQuestion({ guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'old', answered: true, latencyMs: 1, createdAt: Date.now() - 2 * 86_400_000 });
    await old();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store.log.list(GUILD)).toEqual([]);
    runtime.stop();
    await old();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store.log.list(GUILD)).toHaveLength(1);
    await store.close();
  });
});

describe('small helpers', () => {
  it('an interaction token is used for 14 of its 15 minutes', () => {
    const now = 1_000_000_000;
    expect(tokenStillValid({ token: 't', createdAt: now - 13 * 60_000 }, now)).toBe(true);
    expect(tokenStillValid({ token: 't', createdAt: now - 14.5 * 60_000 }, now)).toBe(false);
    expect(tokenStillValid(undefined, now)).toBe(false);
  });

  it('points students to the allowed channels', () => {
    const settings = { allowedChannelIds: ['1', '2', '3'] } as never;
    expect(channelPointer(settings)).toBe('Questions for Guidebot go in <#1>, <#2> or <#3> in this server. Please ask there.');
    expect(channelPointer({ allowedChannelIds: ['1'] } as never)).toBe('Questions for Guidebot go in <#1> in this server. Please ask there.');
  });

  it('says how many rows /forget deleted', () => {
    expect(forgetSummary({ questionLog: 2, feedback: 1, reviews: 0, gapAsks: 1, gaps: 1, readingProgress: 1, total: 6 })).toBe(
      'Deleted 6 rows: 2 logged questions, 1 vote, 1 unanswered-question record, 1 unanswered question only they asked, their reading progress.',
    );
    expect(forgetSummary({ questionLog: 0, feedback: 0, reviews: 0, gapAsks: 0, gaps: 0, readingProgress: 0, total: 0 })).toMatch(/nothing/);
  });
});
