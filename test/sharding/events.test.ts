import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src/bot/answer-cache.js';
import { StudyQuestionLookup } from '../../src/bot/study-questions.js';
import { createLogger } from '../../src/log.js';
import { InProcessEvents, StoreChangeFeed, type ClusterChange } from '../../src/sharding/events.js';
import { Store } from '../../src/store/index.js';

const GUILD = '100000000000000001';
const USER = '300000000000000001';
const dirs: string[] = [];
const dbFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-events-'));
  dirs.push(dir);
  return path.join(dir, 'shared.db');
};
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('change events between processes', () => {
  it('in one process, every subscriber hears every change with its origin', async () => {
    const events = new InProcessEvents('first');
    const heard: ClusterChange[] = [];
    const off = events.subscribe((change) => void heard.push(change));
    await events.publish({ kind: 'note', guildId: GUILD, subjectId: 1 });
    await events.as('second').publish({ kind: 'note', guildId: GUILD, subjectId: 2 });
    off();
    await events.publish({ kind: 'note', guildId: GUILD, subjectId: 3 });
    expect(heard).toEqual([
      { kind: 'note', guildId: GUILD, subjectId: 1, origin: 'first' },
      { kind: 'note', guildId: GUILD, subjectId: 2, origin: 'second' },
    ]);
  });

  it('on one database file, each process reads what the others published after it started', async () => {
    const file = dbFile();
    const [one, two] = [await Store.open(file), await Store.open(file)];
    const logger = createLogger('silent');
    await one.changes.record({ kind: 'note', guildId: GUILD, subjectId: 99, origin: 'before' });
    const feeds = [new StoreChangeFeed(one, logger, { origin: 'one' }), new StoreChangeFeed(two, logger, { origin: 'two' })];
    const heard: string[][] = [[], []];
    for (const [i, feed] of feeds.entries()) {
      await feed.start();
      feed.subscribe((change) => void heard[i]!.push(`${change.origin}:${change.subjectId}`));
    }
    await feeds[0]!.publish({ kind: 'note', guildId: GUILD, subjectId: 1 });
    await feeds[1]!.publish({ kind: 'note', guildId: GUILD, subjectId: 2 });
    await Promise.all(feeds.map((feed) => feed.poll()));
    expect(heard).toEqual([
      ['one:1', 'two:2'],
      ['one:1', 'two:2'],
    ]);
    await Promise.all(feeds.map((feed) => feed.poll()));
    expect(heard[1]).toHaveLength(2);
    for (const feed of feeds) await feed.close();
    await one.close();
    await two.close();
  });
});

describe('state that survives a restart and is shared by shards', () => {
  it('"More passages" finds an answer given in a server in the question log when this process never saw it', async () => {
    const store = await Store.open(':memory:');
    const answerId = '500000000000000001';
    await store.log.logQuestion({
      guildId: GUILD,
      channelId: '200000000000000001',
      userId: USER,
      userName: 'sam',
      question: 'Who is Miss Lucy?',
      answered: true,
      confidence: 0.9,
      passages: [],
      latencyMs: 5,
      answerId,
    });
    const cache = new AnswerCache(10, store.log);
    expect(await cache.find(answerId)).toMatchObject({ question: 'Who is Miss Lucy?', userId: USER, guildId: GUILD });
    expect(await cache.find('500000000000000002')).toBeUndefined();
    expect(await cache.find('not-an-id')).toBeUndefined();
    expect(await new AnswerCache(10).find(answerId)).toBeUndefined();
    await store.close();
  });

  it('/quiz does not repeat the last question, even when another process gave it', async () => {
    const file = dbFile();
    const [one, two] = [await Store.open(file), await Store.open(file)];
    const questions = [0, 1].map((i) => ({ id: `guide:q${i}`, question: `Question ${i}?` }));
    const source = { studyQuestions: () => questions as never };
    const first = await new StudyQuestionLookup(source, one.quiz).pick(USER, () => 0);
    const second = await new StudyQuestionLookup(source, two.quiz).pick(USER, () => 0);
    expect([first?.id, second?.id]).toEqual(['guide:q0', 'guide:q1']);
    await one.close();
    await two.close();
  });
});
