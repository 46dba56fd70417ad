/**
 * Review mode end to end: a student's answer goes to the queue, teachers approve (publicly, without
 * pinging), approve with a note, or reject (the student is told by follow-up, else DM, else it is
 * recorded); double and concurrent presses; pending items survive a restart.
 */
import { InteractionResponseType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/bot.js';
import { REVIEW_NOTICE } from '../../src/bot/teacher/hooks.js';
import type { Engine } from '../../src/engine.js';
import { buttonsOf, captureLogs, EPHEMERAL, mentionsAreSafe, openTestEngine } from './bot-harness.js';
import type { FakeMember, LooseJson, StoredMessage } from './fake-discord.js';
import { liveLinks } from '../helpers/discord-markdown.js';
import {
  ask,
  buttonId,
  closedDm,
  embedDescription,
  eventually,
  expectCleanTraffic,
  press,
  removeDbFile,
  reopenStore,
  run,
  startTeacherHarness,
  submit,
  type TeacherHarness,
} from './teacher-harness.js';

let engine: Engine;
let h: TeacherHarness;
let guild: string;
let general: string;
let queue: string;
let teacher2: FakeMember;
let restarted: Bot | undefined;
let memberCount = 0;
const newStudent = (): FakeMember => h.fake.addMember({ username: `reader${++memberCount}` });

beforeAll(async () => {
  ({ engine } = await openTestEngine());
  h = await startTeacherHarness(engine);
  guild = h.fake.guild.id;
  general = h.fake.guild.channels.general.id;
  queue = h.fake.guild.channels.reviewQueue.id;
  teacher2 = h.fake.addMember({ username: 'teacher2', roles: [h.fake.guild.roles.teacher.id] });
});

afterAll(async () => {
  await restarted?.stop(2000);
  await h?.close();
  await removeDbFile(h);
});

const queueCount = () => h.fake.channelMessages(queue).length;
const publicPosts = () => h.fake.channelMessages(general).filter((message) => message.source === 'channel');

/** A student asks in #general; returns the ask and its queue message. */
async function askForReview(question = 'Who is Miss Lucy?', student = newStudent()) {
  const before = queueCount();
  const asked = await ask(h, question, student);
  const item = await h.fake.waitForChannelMessage(queue, { nth: before + 1 });
  const reviewId = Number(/Review #(\d+)/.exec(item.message.content)![1]);
  return { ...asked, student, item, reviewId };
}

const approveId = (item: StoredMessage) => buttonId(item.message, 'Approve');
const rejectId = (item: StoredMessage) => buttonId(item.message, 'Reject');
const noteId = (item: StoredMessage) => buttonId(item.message, 'Approve with note');

describe('turning review mode on', () => {
  it('needs a queue channel the bot can post in', async () => {
    const none = await run(h, 'config', { subcommand: 'review', options: { mode: 'on' }, member: h.fake.members.teacher });
    expect(none.content).toMatch(/needs a queue channel.*Nothing was changed/s);
    const readOnly = await run(h, 'config', { subcommand: 'review', options: { mode: 'on', queue: h.fake.guild.channels.readOnly.id }, member: h.fake.members.teacher });
    expect(readOnly.content).toMatch(/can't post in .*Send Messages/);
    expect((await h.store.settings.get(guild)).reviewMode).toBe('off');
    const on = await run(h, 'config', { subcommand: 'review', options: { mode: 'on', queue }, member: h.fake.members.teacher });
    expect(on.content).toContain(`Review mode is on. Students' answers are private until a teacher approves them in <#${queue}>.`);
    expect(await h.store.settings.get(guild)).toMatchObject({ reviewMode: 'on', reviewChannelId: queue });
  });
});

describe('the review queue', () => {
  it('answers the student privately at once and posts the proposed answer in the queue with three buttons', async () => {
    const { callback, answer, item, student, reviewId, id } = await askForReview();
    expect(callback.callbackType).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(callback.body.flags).toBe(EPHEMERAL);
    expect(embedDescription(answer!)).toContain(REVIEW_NOTICE.slice(0, 60));
    expect(item.message.content).toContain(`**Review #${reviewId}** · a question from <@${student.id}> in <#${general}>`);
    expect(embedDescription(item.message as unknown as LooseJson)).toContain('**Q:** Who is Miss Lucy?');
    expect(embedDescription(item.message as unknown as LooseJson)).not.toContain(REVIEW_NOTICE.slice(0, 60));
    expect(buttonsOf(item.message as unknown as LooseJson).map((button) => button.label)).toEqual(['Approve', 'Approve with note', 'Reject']);
    expect(mentionsAreSafe(item.createBody!)).toBe(true);
    expect(item.message.mentions).toEqual([]);
    const review = await eventually(async () => (await h.store.reviews.get(reviewId))?.queueMessageId && (await h.store.reviews.get(reviewId)), 'the queue message id');
    expect(review).toMatchObject({ status: 'pending', askerId: student.id, originChannelId: general, queueChannelId: queue, queueMessageId: item.id });
    expect((await h.store.log.findByAnswerId(id))?.reviewOutcome).toBe('pending');
  });

  it("teachers' own questions and private questions are not queued", async () => {
    const before = queueCount();
    const teacherAsk = await ask(h, 'What is Hailsham?', h.fake.members.teacher);
    expect(teacherAsk.callback.body.flags ?? 0).toBe(0);
    const privateAsk = await ask(h, 'What is Hailsham?', newStudent(), { private: true });
    expect(embedDescription(privateAsk.answer!)).not.toContain(REVIEW_NOTICE.slice(0, 60));
    await eventually(async () => await h.store.log.findByAnswerId(privateAsk.id), 'the log row');
    expect(queueCount()).toBe(before);
  });

  it('only teachers can press the buttons; a student is refused and nothing changes', async () => {
    const { item, reviewId, student } = await askForReview();
    for (const customId of [approveId(item), noteId(item), rejectId(item)]) {
      const { callback } = await press(h, customId, item, student);
      expect(callback.body.flags).toBe(EPHEMERAL);
      expect(callback.body.content).toMatch(/^Only teachers can review answers/);
    }
    expect((await h.store.reviews.get(reviewId))?.status).toBe('pending');
  });

  it('Approve posts the answer publicly in the original channel, naming the student without pinging; a second press says who and when', async () => {
    const { item, reviewId, student, id } = await askForReview();
    const [approve, reject] = [approveId(item), rejectId(item)]; // the queue message loses its buttons once decided
    const before = publicPosts().length;
    const { id: pressId, callback } = await press(h, approve, item, h.fake.members.teacher);
    expect(callback.callbackType).toBe(InteractionResponseType.DeferredMessageUpdate);
    const post = await h.fake.waitForChannelMessage(general, { nth: before + 1, predicate: (message) => message.source === 'channel' });
    expect(post.message.content).toBe(`Answer to a question from <@${student.id}>, approved by <@${h.fake.members.teacher.id}>.`);
    expect(post.message.mentions).toEqual([]);
    expect(mentionsAreSafe(post.createBody!)).toBe(true);
    expect(embedDescription(post.message as unknown as LooseJson)).toContain('**Q:** Who is Miss Lucy?');
    expect(buttonsOf(post.message as unknown as LooseJson).map((button) => button.label)).toContain('Helpful');
    // The queue message now says who approved it, and has no buttons.
    const edited = await h.fake.waitForEdit(pressId);
    expect(edited.body.content).toMatch(new RegExp(`✅ \\*\\*Approved\\*\\* by <@${h.fake.members.teacher.id}> <t:\\d+:f>`));
    expect(edited.body.components).toEqual([]);
    expect(await h.store.reviews.get(reviewId)).toMatchObject({ status: 'approved', handledBy: h.fake.members.teacher.id });
    expect((await h.store.log.findByAnswerId(id))?.reviewOutcome).toBe('approved');

    // Votes on the public answer count for the logged question.
    const vote = await press(h, buttonId(post.message, 'Helpful'), post, newStudent());
    expect(vote.callback.body.content).toMatch(/Thanks/);
    expect((await h.store.feedback.counts((await h.store.log.findByAnswerId(id))!.id)).helpful).toBe(1);

    // Pressing again (a stale copy of the buttons) changes nothing and says who handled it, when.
    const again = await press(h, approve, item, teacher2);
    expect(again.callback.body.flags).toBe(EPHEMERAL);
    expect(again.callback.body.content).toMatch(new RegExp(`^This answer was already approved by <@${h.fake.members.teacher.id}> <t:\\d+:f> \\(<t:\\d+:R>\\)\\. Nothing was changed\\.$`));
    const rejected = await press(h, reject, item, teacher2);
    expect(rejected.callback.body.content).toMatch(/already approved by/);
    expect(publicPosts().length).toBe(before + 1);
  });

  it('two teachers approving at the same moment: exactly one wins, the other is told who handled it', async () => {
    const { item, reviewId } = await askForReview('What is Hailsham?');
    const before = publicPosts().length;
    const ids = [h.fake.members.teacher, teacher2].map((member) => h.fake.sendInteraction(h.fake.buttonInteraction({ customId: approveId(item), message: item.id, member, channelId: queue })));
    const callbacks = await Promise.all(ids.map((id) => h.fake.waitForResponse(id)));
    const losers = callbacks.filter((callback) => callback.callbackType === InteractionResponseType.ChannelMessageWithSource);
    const winners = callbacks.filter((callback) => callback.callbackType === InteractionResponseType.DeferredMessageUpdate);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const winner = (await h.store.reviews.get(reviewId))!.handledBy!;
    expect(losers[0]!.body.content).toContain(`already approved by <@${winner}>`);
    await h.fake.waitForChannelMessage(general, { nth: before + 1, predicate: (message) => message.source === 'channel' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(publicPosts().length).toBe(before + 1);
  });

  it('Approve with note asks for the note in a modal and posts it above the answer', async () => {
    const { item, reviewId } = await askForReview('What happens at the Cottages?');
    const opened = await press(h, noteId(item), item, h.fake.members.teacher);
    expect(opened.callback.callbackType).toBe(InteractionResponseType.Modal);
    const modal = opened.callback.body;
    expect((modal.components as LooseJson[])[0]).toMatchObject({ type: 18, label: 'Your note (shown above the answer)', component: { custom_id: 'note', required: true, max_length: 1000 } });
    const before = publicPosts().length;
    await submit(h, String(modal.custom_id), { note: 'Good question! See also **Part Two** <@&1>.' }, h.fake.members.teacher, item.id);
    const post = await h.fake.waitForChannelMessage(general, { nth: before + 1, predicate: (message) => message.source === 'channel' });
    expect(post.message.content).toContain("**Teacher's note:** Good question! See also \\*\\*Part Two\\*\\* \\<@&\u200b1>.");
    expect(post.message.mention_roles).toEqual([]);
    expect(await h.store.reviews.get(reviewId)).toMatchObject({ status: 'approved', note: 'Good question! See also **Part Two** <@&1>.' });
  });

  it('links in a teacher note are not clickable in the public post, the queue message or the student follow-up', async () => {
    const injection = 'See [the notes](https://a.example) and [Read the official study guide](https://evil.example) or <https://evil.example/b>';
    const note = `${injection}\n${injection}`;
    const approved = await askForReview('What happens at the Cottages?');
    const opened = await press(h, noteId(approved.item), approved.item, h.fake.members.teacher);
    const before = publicPosts().length;
    const submitted = await submit(h, String(opened.callback.body.custom_id), { note }, h.fake.members.teacher, approved.item.id);
    const post = await h.fake.waitForChannelMessage(general, { nth: before + 1, predicate: (message) => message.source === 'channel' });
    expect(post.message.content).toContain('Read the official study guide');
    expect(liveLinks(post.message.content)).toEqual([]);
    const queueEdit = await h.fake.waitForEdit(submitted.id);
    expect(queueEdit.body.content).toContain('Read the official study guide');
    expect(liveLinks(String(queueEdit.body.content))).toEqual([]);

    const rejected = await askForReview();
    const openedReject = await press(h, rejectId(rejected.item), rejected.item, h.fake.members.teacher);
    const submittedReject = await submit(h, String(openedReject.callback.body.custom_id), { note }, h.fake.members.teacher, rejected.item.id);
    const told = await h.fake.waitForFollowUp(rejected.id);
    expect(told.body.content).toContain('Read the official study guide');
    expect(liveLinks(String(told.body.content))).toEqual([]);
    expect(liveLinks(String((await h.fake.waitForEdit(submittedReject.id)).body.content))).toEqual([]);
  });

  it('Reject (with an optional note) tells the student privately on their /ask while its token is valid', async () => {
    const { item, reviewId, id, student } = await askForReview();
    const opened = await press(h, rejectId(item), item, h.fake.members.teacher);
    expect(opened.callback.callbackType).toBe(InteractionResponseType.Modal);
    const modal = opened.callback.body;
    expect((modal.components as LooseJson[])[0]).toMatchObject({ type: 18, label: 'A note for the student (optional)', component: { custom_id: 'note', required: false } });
    const rejected = await submit(h, String(modal.custom_id), { note: 'Check Part One again.' }, h.fake.members.teacher, item.id);
    const told = await h.fake.waitForFollowUp(id);
    expect(told.body.flags).toBe(EPHEMERAL);
    expect(told.body.content).toMatch(/^Your teacher reviewed the answer I gave you to “Who is Miss Lucy\?”.*did not approve it/);
    expect(told.body.content).toContain("**Your teacher's note:** Check Part One again.");
    expect(mentionsAreSafe(told.body)).toBe(true);
    const queueEdit = await h.fake.waitForEdit(rejected.id);
    expect(queueEdit.body.content).toMatch(/❌ \*\*Rejected\*\* by .*; the student was told privately\n\*\*Note:\*\* Check Part One again\./);
    expect(await h.store.reviews.get(reviewId)).toMatchObject({ status: 'rejected', note: 'Check Part One again.', notified: 'follow-up' });
    expect(h.fake.directMessages(student.id)).toEqual([]);
  });

  it('after 15 minutes (or if the follow-up fails) the student gets a direct message; with DMs closed it is recorded', async () => {
    const setCreatedAt =
      h.store.db.dialect === 'postgres'
        ? "UPDATE reviews SET payload = jsonb_set(payload::jsonb, '{interaction,createdAt}', to_jsonb(?::bigint))::text WHERE id = ?"
        : "UPDATE reviews SET payload = json_set(payload, '$.interaction.createdAt', ?) WHERE id = ?";
    const expire = (reviewId: number) => h.store.db.run(setCreatedAt, [Date.now() - 20 * 60_000, reviewId]);

    const late = await askForReview();
    await expire(late.reviewId);
    const opened = await press(h, rejectId(late.item), late.item, h.fake.members.teacher);
    await submit(h, String(opened.callback.body.custom_id), { note: '' }, h.fake.members.teacher, late.item.id);
    const dm = await eventually(() => h.fake.directMessages(late.student.id)[0], 'the direct message');
    expect(dm.message.content).toMatch(/did not approve it/);
    expect(dm.message.content).not.toContain('note:');
    expect(mentionsAreSafe(dm.createBody!)).toBe(true);
    await eventually(async () => (await h.store.reviews.get(late.reviewId))?.notified === 'dm', 'notified = dm');
    expect(h.fake.followUps(late.id)).toEqual([]);

    const broken = await askForReview();
    h.fake.failNext({ method: 'POST', pathPattern: '/webhooks/:app/:token', status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
    const opened2 = await press(h, rejectId(broken.item), broken.item, h.fake.members.teacher);
    await submit(h, String(opened2.callback.body.custom_id), { note: 'x' }, h.fake.members.teacher, broken.item.id);
    await eventually(async () => (await h.store.reviews.get(broken.reviewId))?.notified === 'dm', 'fallback to a DM');
    expect(h.fake.directMessages(broken.student.id)).toHaveLength(1);

    const closed = await askForReview();
    await expire(closed.reviewId);
    h.fake.closeDirectMessages(closed.student.id);
    const opened3 = await press(h, rejectId(closed.item), closed.item, h.fake.members.teacher);
    const rejected = await submit(h, String(opened3.callback.body.custom_id), { note: '' }, h.fake.members.teacher, closed.item.id);
    const queueEdit = await h.fake.waitForEdit(rejected.id);
    expect(queueEdit.body.content).toMatch(/the student couldn't be reached .*this was recorded/);
    expect(await h.store.reviews.get(closed.reviewId)).toMatchObject({ status: 'rejected', notified: 'failed' });
    expect(h.logs.lines.some((line) => line.msg === 'rejected answer: the student could not be told (recorded)')).toBe(true);
  });

  it('if the approved answer cannot be posted, the teacher is told and the item stays pending', async () => {
    const { item, reviewId } = await askForReview();
    h.fake.failNext({ method: 'POST', pathPattern: `/channels/${general}/messages`, status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    const { id } = await press(h, approveId(item), item, h.fake.members.teacher);
    const told = await h.fake.waitForFollowUp(id);
    expect(told.body.flags).toBe(EPHEMERAL);
    expect(told.body.content).toMatch(/I couldn't post the answer: I'm not allowed to post in <#\d+> \(missing permissions\)\. The item is still waiting/);
    expect(await h.store.reviews.get(reviewId)).toMatchObject({ status: 'pending', handledBy: null });
    // Fixed: pressing again works.
    await press(h, approveId(item), item, h.fake.members.teacher);
    await eventually(async () => (await h.store.reviews.get(reviewId))?.status === 'approved', 'approved on the second try');
  });

  it('if the press itself cannot be acknowledged (it expired), the decision is undone', async () => {
    const { item, reviewId } = await askForReview();
    const before = publicPosts().length;
    h.fake.failNext({ method: 'POST', pathPattern: '/interactions/:id/:token/callback', status: 404, body: { message: 'Unknown interaction', code: 10062 } });
    const id = h.fake.sendInteraction(h.fake.buttonInteraction({ customId: approveId(item), message: item.id, member: h.fake.members.teacher, channelId: queue }));
    await eventually(() => h.fake.requests.some((request) => request.interactionId === id && request.injectedFault), 'the failed acknowledgement');
    await eventually(() => h.logs.lines.some((line) => line.interactionId === id && line.msg === 'interaction failed'), 'the failure log');
    expect(await h.store.reviews.get(reviewId)).toMatchObject({ status: 'pending', handledBy: null });
    expect(publicPosts().length).toBe(before);
  });

  it('/review lists pending items and posts again any the queue channel is missing', async () => {
    h.fake.failNext({ method: 'POST', pathPattern: `/channels/${queue}/messages`, status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    const student = newStudent();
    const asked = await ask(h, 'Who is Tommy?', student);
    const orphan = await eventually(async () => (await h.store.reviews.listPending(guild)).find((review) => review.askerId === student.id), 'the pending review');
    expect(asked.answer).toBeDefined();
    expect(orphan.queueMessageId).toBeNull();
    const before = queueCount();
    const body = await run(h, 'review', { member: h.fake.members.teacher });
    expect(body.flags).toBe(EPHEMERAL);
    expect(body.content).toMatch(/answers? (is|are) waiting for review\. I posted 1 that the queue was missing\./);
    expect(body.content).toContain(`**#${orphan.id}**`);
    expect(queueCount()).toBe(before + 1);
    expect((await h.store.reviews.get(orphan.id))?.queueMessageId).not.toBeNull();
  });

  it('a button on an item whose question was deleted (/forget) says so', async () => {
    const { item, student } = await askForReview();
    const forgot = await run(h, 'forget', { options: { user: student.id }, member: h.fake.members.teacher });
    expect(forgot.content).toMatch(/1 review item/);
    const { callback } = await press(h, approveId(item), item, h.fake.members.teacher);
    expect(callback.body.content).toMatch(/no longer exists/);
  });

  it('everything the bot sent respects the limits and pinged nobody', () => {
    expectCleanTraffic(h, closedDm);
  });

  it('pending items survive a restart: the buttons on the old queue message still work', async () => {
    const { item, reviewId, student } = await askForReview('What is the novel about?');
    await h.bot.stop(2000); // closes the store
    const store = await reopenStore(h);
    const logs = captureLogs();
    restarted = createBot({ config: h.config, engine, logger: logs.logger, store });
    await restarted.start();
    expect((await store.reviews.get(reviewId))?.status).toBe('pending');
    const before = publicPosts().length;
    await press(h, approveId(item), item, h.fake.members.teacher);
    const post = await h.fake.waitForChannelMessage(general, { nth: before + 1, predicate: (message) => message.source === 'channel' });
    expect(post.message.content).toContain(`<@${student.id}>`);
    expect((await store.reviews.get(reviewId))?.status).toBe('approved');
  });
});
