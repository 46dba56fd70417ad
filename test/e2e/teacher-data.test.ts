/**
 * Visibility and knowledge gaps end to end: every question is logged, votes go to SQLite, /stats,
 * /export (CSV), /forget and /forget-me, and unanswered questions → /gaps → /answer → a teacher note
 * quoted in answers → /notes edit and delete.
 */
import { InteractionResponseType, type APIEmbed, type APILabelComponent, type APITextInputComponent } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine.js';
import { EXPORT_COLUMNS } from '../../src/store/index.js';
import { buttonsOf, EPHEMERAL, openTestEngine, unescapeMarkdown } from './bot-harness.js';
import type { FakeMember, LooseJson } from './fake-discord.js';
import { ask, buttonId, command, embedDescription, eventually, expectCleanTraffic, press, removeDbFile, reply, run, startTeacherHarness, submit, type TeacherHarness } from './teacher-harness.js';

let engine: Engine;
let h: TeacherHarness;
let guild: string;
let general: string;
let memberCount = 0;
const newStudent = (name = 'learner'): FakeMember => h.fake.addMember({ username: `${name}${++memberCount}` });
const teacher = () => h.fake.members.teacher;
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  ({ engine } = await openTestEngine());
  h = await startTeacherHarness(engine);
  guild = h.fake.guild.id;
  general = h.fake.guild.channels.general.id;
});

afterAll(async () => {
  await h?.close();
  await removeDbFile(h);
});

const logged = (answerId: string) => eventually(async () => await h.store.log.findByAnswerId(answerId), `the log row of ${answerId}`);

describe('the question log and votes', () => {
  it('logs every question and answer: server, channel, user, question, passages (ids, citations, scores), confidence, latency', async () => {
    const student = newStudent();
    const { id, answer } = await ask(h, 'Who is Miss Lucy?', student);
    const row = await logged(id);
    expect(row).toMatchObject({
      guildId: guild,
      channelId: general,
      userId: student.id,
      userName: student.user.global_name ?? student.user.username,
      question: 'Who is Miss Lucy?',
      answered: true,
      reviewOutcome: null,
      answerId: id,
    });
    expect(row.confidence).toBeGreaterThan(0.4);
    expect(row.latencyMs).toBeGreaterThanOrEqual(0);
    expect(row.passages).toHaveLength(5);
    for (const passage of row.passages) {
      expect(passage.id).toMatch(/\S/);
      expect(passage.citation).toMatch(/^Never Let Me Go — .* ¶\d+$/);
      expect(passage.score).toBeGreaterThan(0);
    }
    // The citations logged are the ones the student was shown.
    const shown = [...embedDescription(answer!).matchAll(/^— \*(.*)\*$/gm)].map((match) => unescapeMarkdown(match[1]!));
    for (const citation of shown) expect(row.passages.map((passage) => passage.citation)).toContain(citation);
  });

  it('Helpful / Not helpful: one vote per user per answer, changing it updates it, all in SQLite', async () => {
    const { id, answer } = await ask(h, 'What is Hailsham?', newStudent());
    const message = h.fake.originalResponse(id)!;
    const helpful = buttonId(answer!, 'Helpful');
    const notHelpful = buttonId(answer!, 'Not helpful');
    const voter = newStudent();
    const first = await press(h, helpful, message, voter);
    expect(first.callback.body.content).toMatch(/^Thanks! I've noted that this answer helped\./);
    const logId = (await logged(id)).id;
    expect(await h.store.feedback.counts(logId)).toEqual({ helpful: 1, notHelpful: 0, total: 1 });
    const again = await press(h, helpful, message, voter);
    expect(again.callback.body.content).toBe('You already marked this answer as helpful.');
    const changed = await press(h, notHelpful, message, voter);
    expect(changed.callback.body.content).toMatch(/didn't help/);
    expect(await h.store.feedback.counts(logId)).toEqual({ helpful: 0, notHelpful: 1, total: 1 });
    await press(h, helpful, message, newStudent());
    expect(await h.store.feedback.counts(logId)).toEqual({ helpful: 1, notHelpful: 1, total: 2 });
  });
  it('a vote that cannot be stored (direct messages, a deleted question) says honestly that it was not kept', async () => {
    const student = newStudent();
    const dm = h.fake.sendInteraction(h.fake.chatInputInteraction({ name: 'ask', member: student, guildId: null, options: { question: 'Who is Miss Lucy?' } }));
    const dmAnswer = (await h.fake.waitForEdit(dm, { timeoutMs: 10_000 })).body;
    const dmVote = h.fake.sendInteraction(h.fake.buttonInteraction({ customId: buttonId(dmAnswer, 'Helpful'), message: h.fake.originalResponse(dm)!.id, member: student, guildId: null }));
    const dmReply = (await h.fake.waitForResponse(dmVote)).body;
    expect(dmReply.content).toMatch(/wasn't kept/);
    expect(dmReply.content).not.toMatch(/noted/);

    const { id, answer } = await ask(h, 'What is Hailsham?', student);
    await logged(id);
    await run(h, 'forget-me', { member: student });
    const gone = await press(h, buttonId(answer!, 'Not helpful'), h.fake.originalResponse(id)!, student);
    expect(gone.callback.body.content).toMatch(/no longer in the question log.*couldn't keep your vote/);
  });
});

describe('/stats and /export', () => {
  it('/stats: most asked topics (by section), unanswered questions, the share of helpful votes, busiest channels', async () => {
    const other = h.fake.addChannel({ name: 'homework' });
    await logged((await ask(h, 'What is the capital of France?', newStudent(), { channelId: other.id })).id);
    const body = await run(h, 'stats', { member: teacher() });
    expect(body.flags).toBe(EPHEMERAL);
    const embed = (body.embeds as APIEmbed[])[0]!;
    expect(embed.title).toBe('Guidebot in the last 7 days');
    const field = (name: RegExp) => String(embed.fields!.find((candidate) => name.test(String(candidate.name)))!.value);
    expect(field(/Most asked topics/)).toMatch(/^1\. Never Let Me Go — .* — \d+$/m);
    expect(field(/Most asked topics/)).not.toMatch(/¶/);
    expect(field(/couldn't answer/)).toContain('What is the capital of France?');
    expect(field(/Helpful votes/)).toMatch(/^\d+% helpful \(\d+ of \d+ votes\)$/);
    expect(field(/Busiest channels/)).toContain(`<#${general}> — `);
    expect(field(/Busiest channels/)).toContain(`<#${other.id}> — 1`);
  });

  it('/stats and /export refuse bad day counts', async () => {
    for (const name of ['stats', 'export']) {
      for (const days of [0, -5, 100_000, 2.5]) {
        const body = await run(h, name, { member: teacher(), options: { days: { type: 10, value: days } }, validate: false });
        expect(body.content, `${name} ${days}`).toMatch(/`days` must be a whole number from 1 to 3650/);
      }
    }
  });

  it('/export sends the log as a CSV file only the teacher sees', async () => {
    const student = newStudent('comma');
    const tricky = 'Why does Ruth say "=1+1", and, well, lie?';
    const { id } = await ask(h, tricky, student);
    await logged(id);
    const { id: exportId, callback } = await command(h, 'export', { member: teacher(), options: { days: 1 } });
    expect(callback.callbackType).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(callback.body.flags).toBe(EPHEMERAL);
    const edit = await h.fake.waitForEdit(exportId);
    expect(edit.body.content).toMatch(/^The question log of the last 1 day: \d+ questions\. Only you can see this file/);
    expect(edit.files).toHaveLength(1);
    const file = edit.files[0]!;
    expect(file.name).toMatch(/^guidebot-log-\d{4}-\d{2}-\d{2}-1d\.csv$/);
    // A UTF-8 byte-order mark first, so spreadsheet programs read "›" and "—" as UTF-8.
    expect([...file.content.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = file.content.subarray(3).toString('utf8');
    expect(csv).toContain('Never Let Me Go — Study Guide ›');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    const row = lines.find((line) => line.includes(student.id))!;
    expect(row).toContain('"Why does Ruth say ""=1+1"", and, well, lie?"');
    expect(row).toContain(`,${student.user.global_name ?? student.user.username},`);
    expect(lines.at(-1)).toBe('');
    const stored = h.fake.originalResponse(exportId)!;
    expect(stored.ephemeral).toBe(true);
    expect(stored.message.attachments).toHaveLength(1);
  });
});

describe('/forget and /forget-me', () => {
  it('/forget deletes a student’s questions and votes and says how many rows went; /forget-me does it for yourself', async () => {
    const student = newStudent('forgotten');
    const first = await ask(h, 'Who is Tommy?', student);
    await ask(h, 'What is the capital of Spain?', student);
    await press(h, buttonId(first.answer!, 'Helpful'), h.fake.originalResponse(first.id)!, student);
    await run(h, 'progress', { member: student, options: { part: 'part-two' } });
    await eventually(async () => (await h.store.log.list(guild)).filter((row) => row.userId === student.id).length === 2 && (await h.store.gaps.search(guild, 'Spain')).length === 1, 'logging');

    const body = await run(h, 'forget', { member: teacher(), options: { user: student.id } });
    expect(body.flags).toBe(EPHEMERAL);
    expect(body.content).toBe(`<@${student.id}>: Deleted 6 rows: 2 logged questions, 1 vote, 1 unanswered-question record, 1 unanswered question only they asked, their reading progress.`);
    expect((await h.store.log.list(guild)).filter((row) => row.userId === student.id)).toEqual([]);
    expect(await h.store.progress.get(guild, student.id)).toBeNull();
    const nothing = await run(h, 'forget', { member: teacher(), options: { user: student.id } });
    expect(nothing.content).toMatch(/nothing was deleted/);

    const me = newStudent('private');
    const mine = await ask(h, 'Who is Ruth?', me);
    await logged(mine.id);
    const own = await run(h, 'forget-me', { member: me });
    expect(own.flags).toBe(EPHEMERAL);
    expect(own.content).toBe('Deleted 1 row: 1 logged question.');
    expect(await h.store.log.findByAnswerId(mine.id)).toBeNull();
  });
});

describe('knowledge gaps: /gaps → /answer → a teacher note', () => {
  const askers: FakeMember[] = [];
  let gapId = 0;

  it('unanswered questions are grouped (similar ones together) and listed for teachers with who, where, when and how often', async () => {
    askers.push(newStudent('curious'), newStudent('curious'));
    // Refused too, but not questions about the book: no teacher needs them in the list.
    const notGaps = ['can u write me a poem about tommy and kathy', 'ur so dumb fr', 'who wrote pride and prejudice'];
    for (const question of notGaps) await ask(h, question, newStudent());
    await ask(h, "What colour is Kathy's saxophone?", askers[0]!);
    await ask(h, 'what colour is kathys saxophone', askers[1]!);
    await ask(h, 'What colour is the saxophone Kathy plays?', askers[0]!);
    await ask(h, 'Who won the 2022 world cup?', newStudent());
    const gap = await eventually(async () => (await h.store.gaps.list(guild, { limit: 100 })).find((candidate) => /colour/i.test(candidate.question) && candidate.count === 3), 'the grouped gap');
    gapId = gap.id;
    expect(gap.askers).toBe(2);
    await eventually(async () => (await h.store.gaps.list(guild, { limit: 100 })).find((candidate) => /world cup/.test(candidate.question)), 'the last gap');
    expect((await h.store.gaps.list(guild, { limit: 100 })).filter((candidate) => notGaps.includes(candidate.question))).toEqual([]);

    const body = await run(h, 'gaps', { member: teacher() });
    expect(body.flags).toBe(EPHEMERAL);
    const field = (body.embeds as APIEmbed[])[0]!.fields!.find((candidate) => String(candidate.name).startsWith(`#${gapId} `))!;
    expect(field.name).toBe(`#${gapId} · asked 3 times by 2 people`);
    expect(field.value).toContain("“What colour is Kathy's saxophone?”");
    expect(field.value).toMatch(new RegExp(`First by <@${askers[0]!.id}> <t:\\d+:R>, last <t:\\d+:R> · in <#${general}>`));
    expect(String((body.embeds as APIEmbed[])[0]!.title)).toMatch(/^Unanswered questions \(\d+\)/);
  });

  it('/answer autocompletes the unanswered questions for teachers only', async () => {
    const auto = h.fake.sendInteraction(h.fake.autocompleteInteraction({ name: 'answer', focused: 'gap', options: { gap: 'colour' }, member: teacher() }));
    const choices = (await h.fake.waitForResponse(auto)).body.choices as Array<{ name: string; value: string }>;
    expect(choices[0]).toEqual({ name: "What colour is Kathy's saxophone? (×3)", value: String(gapId) });
    const student = h.fake.sendInteraction(h.fake.autocompleteInteraction({ name: 'answer', focused: 'gap', options: { gap: 'colour' }, member: newStudent() }));
    expect((await h.fake.waitForResponse(student)).body.choices).toEqual([]);
  });

  it('the answer becomes a teacher note, quoted with its own citation, and the students who asked are told privately', async () => {
    const { id, callback } = await command(h, 'answer', { member: teacher(), options: { gap: String(gapId) } });
    expect(callback.callbackType).toBe(InteractionResponseType.Modal);
    const fields = (callback.body.components as APILabelComponent[]).map((label) => ({ ...(label.component as APITextInputComponent), label: label.label }));
    expect(fields.map((field) => [field.custom_id, field.required, field.value ?? null])).toEqual([
      ['question', false, "What colour is Kathy's saxophone?"],
      ['text', true, null],
    ]);
    expect(id).toBeDefined();
    const text = 'The novel never says that Kathy plays the saxophone; she listens to a tape.';
    const saved = await submit(h, String(callback.body.custom_id), { question: "What colour is Kathy's saxophone?", text }, teacher());
    const done = await reply(h, saved.id, saved.callback);
    expect(done.content).toMatch(new RegExp(`^Saved as note #\\d+ \\(“Teacher note by Teacher, ${today()}”\\)\\. I quote it in answers from now on\\.\\nI told 2 of the 2 students who asked\\.$`));
    expect((await h.store.gaps.get(gapId))?.status).toBe('answered');
    for (const asker of askers) {
      const dms = h.fake.directMessages(asker.id);
      expect(dms).toHaveLength(1);
      expect(dms[0]!.message.content).toContain('Your teacher has now answered it');
      expect(dms[0]!.message.content).toContain(`> ${text}`);
    }

    // Asked again: the note is quoted, word for word, with its citation.
    const again = await ask(h, "What colour is Kathy's saxophone?", newStudent());
    const description = embedDescription(again.answer!);
    expect(description).toContain(`> “${text}”`);
    expect(description).toContain(`— *Teacher note by Teacher, ${today()}*`);
    // The gap is no longer on the list.
    const list = await run(h, 'gaps', { member: teacher() });
    expect(JSON.stringify(list.embeds)).not.toContain('colour');
  });

  it('/notes lists notes; Edit changes the quoted text at once, Delete takes it out of answers at once', async () => {
    const body = await run(h, 'notes', { member: teacher() });
    expect(body.flags).toBe(EPHEMERAL);
    const note = (await h.store.notes.list(guild))[0]!;
    expect((body.embeds as APIEmbed[])[0]!.fields![0]!.name).toBe(`#${note.id} · Teacher note by Teacher, ${today()}`);
    expect(buttonsOf(body).map((button) => button.label)).toEqual([`Edit #${note.id}`, `Delete #${note.id}`]);
    const listId = (
      await eventually(
        () =>
          h.fake.requests.find(
            (request) => request.responseKind === 'callback' && ((request.body?.data as LooseJson | undefined)?.embeds as APIEmbed[] | undefined)?.[0]?.title === 'Teacher notes (1)',
          ),
        'the list',
      )
    ).interactionId!;
    const listMessage = h.fake.originalResponse(listId)!;

    const edit = await press(h, buttonId(body, `Edit #${note.id}`), listMessage, teacher());
    expect(edit.callback.callbackType).toBe(InteractionResponseType.Modal);
    const prefilled = (edit.callback.body.components as APILabelComponent[]).map((label) => (label.component as APITextInputComponent).value);
    expect(prefilled).toEqual([note.question, note.text]);
    const blank = await submit(h, String(edit.callback.body.custom_id), { question: note.question!, text: '   ' }, teacher(), listMessage.id);
    expect((await reply(h, blank.id, blank.callback)).content).toBe('Your answer must not be empty. Nothing was changed.');
    expect((await h.store.notes.get(note.id))?.text).toBe(note.text);
    const newText = "Kathy's car is never given a colour; what matters is that she drives it alone, as a carer.";
    const edited = await submit(h, String(edit.callback.body.custom_id), { question: note.question!, text: newText }, teacher(), listMessage.id);
    expect((await reply(h, edited.id, edited.callback)).content).toBe(`Note #${note.id} was updated. I quote the new text from now on.`);
    const after = await ask(h, "What colour is Kathy's saxophone?", newStudent());
    expect(embedDescription(after.answer!)).toContain('never given a colour');

    const deleted = await press(h, buttonId(body, `Delete #${note.id}`), listMessage, teacher());
    expect(deleted.callback.callbackType).toBe(InteractionResponseType.UpdateMessage);
    expect(deleted.callback.body.content).toBe(`Deleted note #${note.id}. I no longer quote it.`);
    expect(deleted.callback.body.embeds![0]!.title).toBe('Teacher notes');
    expect(await h.store.notes.get(note.id)).toBeNull();
    const gone = await ask(h, "What colour is Kathy's saxophone?", newStudent());
    expect(embedDescription(gone.answer!)).not.toContain('Teacher note');
    // A stale Edit button says the note is gone.
    const stale = await press(h, buttonId(body, `Edit #${note.id}`), listMessage, teacher());
    expect(stale.callback.body.content).toMatch(/no longer exists/);
  });

  it('teacher commands with a missing option get the usage: /answer with no gap, /forget with no user, /config channels add with no channel', async () => {
    const cases: Array<[string, Parameters<typeof run>[2], RegExp]> = [
      ['answer', {}, /^`\/answer` needs `gap` \(the unanswered question \(start typing\)\)\. Use it like this: `\/answer gap:<question>`, for example `\/answer gap:/],
      ['answer', { options: { gap: '  ' } }, /^`\/answer` needs `gap` /],
      ['forget', {}, /^`\/forget` needs `user` .*for example `\/forget user:@Kathy`/],
      ['config', { subcommandGroup: 'channels', subcommand: 'add' }, /^`\/config` needs `channel` \(a text channel\)\./],
    ];
    for (const [name, options, expected] of cases) {
      const { id, callback } = await command(h, name, { ...options, member: teacher(), validate: false });
      const body = await reply(h, id, callback);
      expect(body.flags).toBe(EPHEMERAL);
      expect(body.content, name).toMatch(expected);
      expect(h.logs.lines.filter((line) => line.interactionId === id && line.level >= 50)).toEqual([]);
    }
  });

  it('everything the bot sent respects the limits and pinged nobody', () => {
    expectCleanTraffic(h);
  });
});
