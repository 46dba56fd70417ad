/**
 * Teacher settings end to end (real bot, real engine, SQLite store, fake Discord): who may use the
 * teacher commands, /config (channels, answers, limits, teacher role), and spoiler control.
 */
import { PermissionFlagsBits, type APIEmbed } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BookPart } from '../../src/guide/spoilers.js';
import type { Engine } from '../../src/engine.js';
import { EPHEMERAL, openTestEngine, unescapeMarkdown } from './bot-harness.js';
import type { FakeChannel, FakeMember, LooseJson } from './fake-discord.js';
import { ask, buttonId, type command, embedDescription, eventually, expectCleanTraffic, press, removeDbFile, run, startTeacherHarness, type TeacherHarness } from './teacher-harness.js';

let engine: Engine;
let h: TeacherHarness;
let study: FakeChannel;
let guild: string;
let memberCount = 0;
const newStudent = (): FakeMember => h.fake.addMember({ username: `pupil${++memberCount}` });

beforeAll(async () => {
  ({ engine } = await openTestEngine());
  h = await startTeacherHarness(engine);
  guild = h.fake.guild.id;
  study = h.fake.addChannel({ name: 'study-group' });
});

afterAll(async () => {
  await h?.close();
  await removeDbFile(h);
});

beforeEach(async () => {
  await h.store.settings.update(guild, {
    allowedChannelIds: [],
    answerVisibility: 'public',
    reviewMode: 'off',
    spoilerMode: 'off',
    rateLimitPerUser: null,
    rateLimitWindowSeconds: null,
    teacherRoleId: null,
  });
});

const partOfCitation = () => {
  const parts = new Map(engine.sections().map((section) => [section.citation, section.part]));
  return (citation: string): BookPart | undefined => parts.get(citation.replace(/ ¶\d+$/, ''));
};

/** `[text, citation, tagged]` of each quote of an answer embed. */
function quotesOf(body: LooseJson): Array<{ text: string; citation: string; tagged: boolean }> {
  return [...embedDescription(body).matchAll(/^> (\|\|)?“(.*?)”(\|\|)?\n— \*(.*?)\*$/gms)].map((match) => ({
    text: unescapeMarkdown(match[2]!),
    citation: unescapeMarkdown(match[4]!),
    tagged: match[1] === '||' && match[3] === '||',
  }));
}

describe('who may use the teacher commands', () => {
  const TEACHER_COMMANDS: Array<[string, Parameters<typeof command>[2]]> = [
    ['config', { subcommand: 'show' }],
    ['config', { subcommand: 'spoilers', options: { mode: 'tag' } }],
    ['review', {}],
    ['stats', {}],
    ['gaps', {}],
    ['answer', { options: { gap: '1' } }],
    ['notes', {}],
    ['export', {}],
    ['forget', { options: { user: '' } }],
  ];

  it('registers them with default_member_permissions = Manage Server, for servers only; student commands for everyone', () => {
    const commands = h.fake.guildCommands() ?? [];
    const manageGuild = PermissionFlagsBits.ManageGuild.toString();
    for (const name of ['config', 'review', 'stats', 'gaps', 'answer', 'notes', 'export', 'forget']) {
      expect(
        commands.find((command) => command.name === name),
        name,
      ).toMatchObject({ default_member_permissions: manageGuild, contexts: [0] });
    }
    for (const name of ['ask', 'progress', 'forget-me', 'help']) {
      expect(commands.find((command) => command.name === name)?.default_member_permissions ?? null, name).toBeNull();
    }
  });

  it('a student gets a clear private refusal from every teacher command, and nothing changes', async () => {
    for (const [name, options] of TEACHER_COMMANDS) {
      const opts = name === 'forget' ? { options: { user: h.fake.members.teacher.id } } : options;
      const body = await run(h, name, { ...opts, member: h.fake.members.student });
      expect(body.flags, name).toBe(EPHEMERAL);
      expect(body.content, name).toMatch(/^Only teachers can .*Manage Server.*Nothing was changed\./s);
    }
    expect((await h.store.settings.get(guild)).spoilerMode).toBe('off');
  });

  it('permissions are checked on every call, in the channel: an override wins over the role', async () => {
    // A teacher whose Manage Server is overridden away in this channel is refused…
    const refused = await run(h, 'config', { subcommand: 'show', member: h.fake.members.teacher, permissions: PermissionFlagsBits.SendMessages });
    expect(refused.content).toMatch(/^Only teachers can/);
    // …and a member granted it (e.g. the owner via a channel override) is let in.
    const allowed = await run(h, 'config', { subcommand: 'show', member: newStudent(), permissions: PermissionFlagsBits.ManageGuild });
    expect((allowed.embeds as APIEmbed[])[0]!.title).toBe('Guidebot settings for this server');
  });

  it('teacher commands only work in a server', async () => {
    const body = await run(h, 'config', { subcommand: 'show', member: h.fake.members.teacher, guildId: null });
    expect(body.content).toMatch(/only works in a server/);
    const progress = await run(h, 'progress', { guildId: null });
    expect(progress.content).toMatch(/only works in a server/);
  });

  it('a configured teacher role lets its members in; removing it shuts them out', async () => {
    const role = h.fake.addRole({ name: 'Tutors' });
    const tutor = h.fake.addMember({ username: 'tutor', roles: [role.id] });
    expect((await run(h, 'stats', { member: tutor })).content).toMatch(/^Only teachers/);
    const set = await run(h, 'config', { subcommand: 'teacher-role', options: { role: role.id }, member: h.fake.members.teacher });
    expect(set.content).toContain(`<@&${role.id}>`);
    expect((await h.store.settings.get(guild)).teacherRoleId).toBe(role.id);
    expect(((await run(h, 'stats', { member: tutor })).embeds as APIEmbed[])[0]!.title).toMatch(/Guidebot in the last 7 days/);
    const everyone = await run(h, 'config', { subcommand: 'teacher-role', options: { role: h.fake.guild.roles.everyone.id }, member: h.fake.members.teacher });
    expect(everyone.content).toMatch(/other than @everyone.*Nothing was changed/);
    await run(h, 'config', { subcommand: 'teacher-role', member: h.fake.members.teacher });
    expect((await h.store.settings.get(guild)).teacherRoleId).toBeNull();
    expect((await run(h, 'stats', { member: tutor })).content).toMatch(/^Only teachers/);
  });
});

describe('/config', () => {
  const teacher = () => h.fake.members.teacher;

  it('show lists every setting', async () => {
    const body = await run(h, 'config', { subcommand: 'show', member: teacher() });
    expect(body.flags).toBe(EPHEMERAL);
    const fields = (body.embeds as APIEmbed[])[0]!.fields!.map((field) => `${field.name}: ${field.value}`);
    expect(fields).toEqual([
      'Where /ask works: Everywhere',
      'Answers: Public in the channel by default (students can still choose private)',
      'Review mode: Off',
      'Spoilers: off (nothing is hidden)',
      'Rate limit: 50 questions per student per 30 seconds (the default)',
      'Teacher role: None: teachers are members with the Manage Server permission',
      'Log retention: Questions and votes are deleted after 90 days (RETENTION_DAYS, set by whoever runs the bot)',
    ]);
  });

  it('channels: /ask works only in the listed channels; students elsewhere get a private pointer', async () => {
    const added = await run(h, 'config', { subcommandGroup: 'channels', subcommand: 'add', options: { channel: study.id }, member: teacher() });
    expect(added.content).toContain(`/ask now works in <#${study.id}> (and only there`);
    expect((await h.store.settings.get(guild)).allowedChannelIds).toEqual([study.id]);

    const elsewhere = await ask(h, 'Who is Miss Lucy?', newStudent());
    expect(elsewhere.callback.body.flags).toBe(EPHEMERAL);
    expect(elsewhere.callback.body.content).toBe(`Questions for Guidebot go in <#${study.id}> in this server. Please ask there.`);
    const there = await ask(h, 'Who is Miss Lucy?', newStudent(), { channelId: study.id });
    expect(embedDescription(there.answer!)).toContain('Miss Lucy');
    // Teachers may ask anywhere.
    expect((await ask(h, 'Who is Miss Lucy?', teacher())).answer).toBeDefined();

    const removed = await run(h, 'config', { subcommandGroup: 'channels', subcommand: 'remove', options: { channel: study.id }, member: teacher() });
    expect(removed.content).toMatch(/works in every channel again/);
    expect((await ask(h, 'Who is Miss Lucy?', newStudent())).answer).toBeDefined();
  });

  it('channels: a thread counts as its parent channel, whether or not the client has it cached', async () => {
    await run(h, 'config', { subcommandGroup: 'channels', subcommand: 'add', options: { channel: study.id }, member: teacher() });
    const known = h.fake.addThread({ name: 'chapter 3 questions', parentId: study.id });
    const unknown = h.fake.addThread({ name: 'late thread', parentId: study.id, announce: false });
    const elsewhere = h.fake.addThread({ name: 'off topic', parentId: h.fake.guild.channels.general.id });
    await eventually(() => h.bot.client.channels.cache.has(known.id) && h.bot.client.channels.cache.has(elsewhere.id), 'the threads in the cache');
    for (const thread of [known, unknown]) {
      const asked = await ask(h, 'Who is Miss Lucy?', newStudent(), { channelId: thread.id });
      expect(asked.callback.callbackType, thread.name).toBe(5);
      expect(embedDescription(asked.answer!)).toContain('Miss Lucy');
      expect((await h.store.log.findByAnswerId(asked.id))?.channelId).toBe(thread.id);
    }
    const refused = await ask(h, 'Who is Miss Lucy?', newStudent(), { channelId: elsewhere.id });
    expect(refused.callback.body.content).toBe(`Questions for Guidebot go in <#${study.id}> in this server. Please ask there.`);
    await run(h, 'config', { subcommandGroup: 'channels', subcommand: 'clear', member: teacher() });
  });

  it('channels: a channel the bot cannot post in, or cannot see, or that does not exist, is refused and nothing changes', async () => {
    const readOnly = await run(h, 'config', { subcommandGroup: 'channels', subcommand: 'add', options: { channel: h.fake.guild.channels.readOnly.id }, member: teacher() });
    expect(readOnly.content).toBe(
      `I can't post in <#${h.fake.guild.channels.readOnly.id}>: I'm missing the **Send Messages** permission there. Give my role it in the channel's settings, or choose another channel. Nothing was changed.`,
    );
    const hidden = h.fake.addChannel({ name: 'staff-room', botCanView: false });
    const hiddenReply = await run(h, 'config', { subcommandGroup: 'channels', subcommand: 'add', options: { channel: hidden.id }, member: teacher() });
    expect(hiddenReply.content).toMatch(/missing the \*\*View Channel\*\* permission there/);
    const unknown = await run(h, 'config', {
      subcommandGroup: 'channels',
      subcommand: 'add',
      options: { channel: { type: 3, value: '123456789012345678' } },
      member: teacher(),
      validate: false,
    });
    expect(unknown.content).toMatch(/can't find the channel <#123456789012345678>.*Nothing was changed/);
    const notListed = await run(h, 'config', { subcommandGroup: 'channels', subcommand: 'remove', options: { channel: study.id }, member: teacher() });
    expect(notListed.content).toMatch(/is not on the list.*nothing was changed/);
    expect((await h.store.settings.get(guild)).allowedChannelIds).toEqual([]);
  });

  it('answers: private makes every answer private', async () => {
    const body = await run(h, 'config', { subcommand: 'answers', options: { visibility: 'private' }, member: teacher() });
    expect(body.content).toMatch(/private to the student/);
    const { callback } = await ask(h, 'What is Hailsham?', newStudent());
    expect(callback.body.flags).toBe(EPHEMERAL);
  });

  it('limits: the per-server limit applies at once; bad values are refused and change nothing', async () => {
    for (const [options, expected] of [
      [{ per_user: -3 }, /`per_user` must be a whole number from 1 to 1000/],
      [{ window: 10 ** 9 }, /`window` must be a whole number of seconds from 1 to 86400/],
      [{ per_user: 0, window: 0 }, /per_user.*; `window`/],
      [{}, /Give `per_user`/],
    ] as const) {
      const body = await run(h, 'config', { subcommand: 'limits', options: options, member: teacher(), validate: false });
      expect(body.content).toMatch(expected);
      expect(body.content).toMatch(/Nothing was changed/);
    }
    expect(await h.store.settings.get(guild)).toMatchObject({ rateLimitPerUser: 50, rateLimitWindowSeconds: 30 });

    const set = await run(h, 'config', { subcommand: 'limits', options: { per_user: 2, window: 60 }, member: teacher() });
    expect(set.content).toBe('Each student may now ask 2 questions per 60 seconds.');
    const student = newStudent();
    await ask(h, 'What is Hailsham?', student);
    await ask(h, 'Who is Tommy?', student);
    const third = await ask(h, 'Who is Ruth?', student);
    expect(third.callback.body.flags).toBe(EPHEMERAL);
    expect(third.callback.body.content).toMatch(/You've asked 2 questions in the last 60 seconds/);
    const reset = await run(h, 'config', { subcommand: 'limits', options: { reset: true }, member: teacher() });
    expect(reset.content).toMatch(/back to the default/);
    expect((await ask(h, 'Who is Ruth?', student)).answer).toBeDefined();
  });
});

describe('spoiler control', () => {
  it('tag: quoted Part Two and Part Three passages are wrapped in spoiler tags, earlier ones are not', async () => {
    await run(h, 'config', { subcommand: 'spoilers', options: { mode: 'tag' }, member: h.fake.members.teacher });
    const partOf = partOfCitation();
    const plot = await ask(h, 'What is Hailsham?', newStudent());
    const quotes = quotesOf(plot.answer!);
    expect(quotes.length).toBeGreaterThan(0);
    expect(quotes.some((quote) => quote.tagged)).toBe(true);
    for (const quote of quotes) expect(quote.tagged, quote.citation).toBe(['part-two', 'part-three'].includes(partOf(quote.citation)!));

    const safe = await ask(h, 'What is the novel about?', newStudent());
    const safeQuotes = quotesOf(safe.answer!);
    expect(safeQuotes.length).toBeGreaterThan(0);
    expect(safeQuotes.every((quote) => !quote.tagged)).toBe(true);

    // "More passages" tags passages too.
    const original = h.fake.originalResponse(plot.id)!;
    const more = await press(h, buttonId(original.message, 'More passages'), original.id, newStudent());
    const page = await h.fake.waitForEdit(more.id);
    expect(embedDescription(page.body)).toMatch(/^> \|\|.+\|\|$/m);
  });

  it('progress: students see only what they have read; without progress only spoiler-free sections, and how to set it', async () => {
    await run(h, 'config', { subcommand: 'spoilers', options: { mode: 'progress' }, member: h.fake.members.teacher });
    const partOf = partOfCitation();
    const student = newStudent();
    const loggedParts = async (answerId: string) => {
      const row = await eventually(async () => await h.store.log.findByAnswerId(answerId), 'the logged question');
      return row.passages.map((passage) => partOf(passage.citation) ?? 'note');
    };

    const first = await ask(h, 'What is Hailsham?', student, { private: true });
    expect(embedDescription(first.answer!)).toContain('/progress part:');
    expect(new Set(await loggedParts(first.id))).toEqual(new Set(['none']));

    const hint = await run(h, 'progress', { member: student });
    expect(hint.content).toMatch(/haven't told me how far you've read/);
    const set = await run(h, 'progress', { options: { part: 'part-one' }, member: student });
    expect(set.content).toMatch(/you've read Part One \(Hailsham\).*Spoiler control is on/);
    expect((await h.store.progress.get(guild, student.id))?.progress).toBe('part-one');

    const second = await ask(h, 'Who is Miss Lucy?', student, { private: true });
    expect(embedDescription(second.answer!)).not.toContain('/progress part:');
    const parts = await loggedParts(second.id);
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((part) => part === 'none' || part === 'part-one')).toBe(true);

    // A question the filter leaves unanswered says why, and is not a gap for the teacher.
    const hidden = await ask(h, 'Who is Madame?', student, { private: true });
    expect(embedDescription(hidden.answer!)).toContain("don't go beyond Part One");
    await eventually(async () => await h.store.log.findByAnswerId(hidden.id), 'the logged question');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await h.store.gaps.search(guild, 'Madame')).toEqual([]);

    // Teachers are not filtered.
    const teacherAnswer = await ask(h, 'Who is Miss Lucy?', h.fake.members.teacher, { private: true });
    expect(await loggedParts(teacherAnswer.id)).toContain('part-three');

    // A public answer in progress mode tags the plot passages, since others in the channel may have read less.
    await run(h, 'progress', { options: { part: 'finished' }, member: student });
    const open = await ask(h, 'What is Hailsham?', student);
    expect(quotesOf(open.answer!).some((quote) => quote.tagged)).toBe(true);
  });

  it('/section and /quote follow the spoiler mode too', async () => {
    const plot = engine.sections().find((section) => section.part === 'part-three' && section.paragraphs.length > 0 && section.citation.includes('Part Three'))!;
    const early = engine.sections().find((section) => section.part === 'none' && section.paragraphs.length > 0)!;
    await run(h, 'config', { subcommand: 'spoilers', options: { mode: 'tag' }, member: h.fake.members.teacher });
    const tagged = await run(h, 'section', { options: { name: plot.citation }, member: newStudent() });
    expect(embedDescription(tagged)).toMatch(/^\|\|.+\|\|$/m);
    expect(embedDescription(tagged)).not.toMatch(/^[^|\n]/m);
    const plain = await run(h, 'section', { options: { name: early.citation }, member: newStudent() });
    expect(embedDescription(plain)).not.toContain('||');
    const quote = await run(h, 'quote', { member: newStudent() });
    expect(embedDescription(quote)).toMatch(/^> \|\|“.+”\|\|$/m);

    await run(h, 'config', { subcommand: 'spoilers', options: { mode: 'progress' }, member: h.fake.members.teacher });
    const reader = newStudent();
    const refused = await run(h, 'section', { options: { name: plot.citation }, member: reader });
    expect(refused.flags).toBe(EPHEMERAL);
    expect(refused.content).toMatch(/^That text reveals events up to the end of the novel, and you haven't told me how far you've read/);
    const quoteRefused = await run(h, 'quote', { member: reader });
    expect(quoteRefused.content).toMatch(/^That text reveals events/);
    await run(h, 'progress', { options: { part: 'finished' }, member: reader });
    const shown = await run(h, 'section', { options: { name: plot.citation, private: true }, member: reader });
    expect(shown.flags).toBe(EPHEMERAL);
    expect(embedDescription(shown)).not.toContain('||');
    // Teachers are never refused.
    expect((await run(h, 'section', { options: { name: plot.citation }, member: h.fake.members.teacher })).embeds).toHaveLength(1);
  });

  it('everything the bot sent respects the limits and pinged nobody', () => {
    expectCleanTraffic(h, (request) => request.status === 404 && request.path.startsWith('/channels/123456789012345678'));
  });
});
