/**
 * The bot when things go wrong: a slow, hanging or failing engine, a slow hook, Discord REST errors
 * (500, 429), a dropped gateway connection, and shutdown with an interaction in flight.
 */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { InteractionResponseType } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GuideEngine } from '../../src/bot/services.js';
import type { AskOptions, Engine } from '../../src/engine.js';
import { EPHEMERAL, mentionsAreSafe, openTestEngine, outgoingMessages, startHarness, type Harness } from './bot-harness.js';
import type { LooseJson } from './fake-discord.js';

type Behaviour = 'real' | 'hang' | 'throw' | 'slow';

let engine: Engine;
let indexDir = '';
let h: Harness;
let behaviour: Behaviour = 'real';
let slowHookMs = 0;
const SLOW_ENGINE_MS = 600;

function stubEngine(real: Engine): GuideEngine {
  return {
    async ask(question: unknown, options?: AskOptions) {
      if (behaviour === 'hang') return new Promise<never>(() => undefined);
      if (behaviour === 'throw') throw new Error('engine exploded');
      if (behaviour === 'slow') await sleep(SLOW_ENGINE_MS);
      return real.ask(question, options);
    },
    sections: () => real.sections(),
    section: (key) => real.section(key),
    findSections: (typed, limit) => real.findSections(typed, limit),
    quotations: () => real.quotations(),
    findQuote: (topic) => real.findQuote(topic),
    studyQuestions: () => real.studyQuestions(),
    gradeAnswer: (id, answer) => real.gradeAnswer(id, answer),
    stats: () => real.stats(),
  };
}

beforeAll(async () => {
  ({ engine, indexDir } = await openTestEngine());
  h = await startHarness({
    engine: stubEngine(engine),
    env: { RATE_LIMIT_PER_USER: '1000' },
    bot: {
      engineTimeoutMs: 800,
      ackSafetyMs: 300,
      askHooks: [{ name: 'slow-before', before: async () => void (slowHookMs > 0 && (await sleep(slowHookMs))) }],
    },
  });
});

afterAll(async () => {
  await h?.close();
  if (indexDir) fs.rmSync(indexDir, { recursive: true, force: true });
});

beforeEach(() => {
  behaviour = 'real';
  slowHookMs = 0;
  h.fake.clearFaults();
});

function ask(question = 'Who is Miss Lucy?') {
  return h.fake.sendInteraction(h.fake.chatInputInteraction({ name: 'ask', options: { question } }));
}

const delay = (id: string, at: number) => at - h.fake.interaction(id)!.dispatchedAt;
const errorLogsFor = (id: string) => h.logs.lines.filter((line) => line.level >= 50 && line.interactionId === id);

describe('a slow or failing engine', () => {
  it('hanging: the defer arrives at once, then a friendly "taking too long" edit; the error is logged with the interaction id', async () => {
    behaviour = 'hang';
    const id = ask();
    const callback = await h.fake.waitForResponse(id);
    expect(callback.callbackType).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(delay(id, callback.at)).toBeLessThan(500);
    const edit = await h.fake.waitForEdit(id, { timeoutMs: 3000 });
    expect(edit.body.content).toMatch(/taking too long/);
    expect(mentionsAreSafe(edit.body)).toBe(true);
    expect(errorLogsFor(id)).toHaveLength(1);
    expect(errorLogsFor(id)[0]!.err?.type).toBe('TimeoutError');
  });

  it('throwing: the defer arrives, a friendly error edit follows, the error is logged, and the bot keeps answering', async () => {
    behaviour = 'throw';
    const id = ask();
    const callback = await h.fake.waitForResponse(id);
    expect(delay(id, callback.at)).toBeLessThan(500);
    const edit = await h.fake.waitForEdit(id);
    expect(edit.body.content).toMatch(/^Sorry, something went wrong/);
    expect(errorLogsFor(id)[0]).toMatchObject({ msg: 'interaction failed', err: { message: 'engine exploded' } });

    behaviour = 'real';
    const next = ask();
    const answer = await h.fake.waitForEdit(next);
    expect((answer.body.embeds as LooseJson[])[0]!.title).toBe('From the study guides');
  });

  it('a handler slow to acknowledge is deferred for it by the router, within the 3 s window', async () => {
    slowHookMs = 1500;
    const id = ask();
    const callback = await h.fake.waitForResponse(id);
    expect(callback.callbackType).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(callback.body.flags).toBe(EPHEMERAL);
    expect(delay(id, callback.at)).toBeGreaterThanOrEqual(250);
    expect(delay(id, callback.at)).toBeLessThan(1000);
    const edit = await h.fake.waitForEdit(id, { timeoutMs: 4000 });
    expect((edit.body.embeds as LooseJson[])[0]!.title).toBe('From the study guides');
    expect(h.fake.interactionResponses(id, { includeFailed: true }).every((response) => response.ok)).toBe(true);
  });
});

describe('Discord REST errors', () => {
  it('a 500 on the edit (after discord.js retries) is logged; the bot survives and answers the next interaction', async () => {
    const fault = h.fake.failNext({ method: 'PATCH', pathPattern: '/webhooks/:app/:token/messages/@original', status: 500, times: 4 });
    const id = ask();
    await h.fake.waitFor(() => errorLogsFor(id).length > 0, { timeoutMs: 5000, description: 'the error log' });
    expect(fault.hits).toBe(4);
    expect(errorLogsFor(id)[0]!.msg).toBe('interaction failed');
    // The bot then tells the student (the fault is used up, so that edit goes through).
    const apology = await h.fake.waitForEdit(id);
    expect(apology.body.content).toMatch(/^Sorry, something went wrong/);

    const next = ask('What is Hailsham?');
    const answer = await h.fake.waitForEdit(next);
    expect((answer.body.embeds as LooseJson[])[0]!.title).toBe('From the study guides');
  });

  it('a 429 on the edit is waited out and retried by discord.js; the answer arrives', async () => {
    const fault = h.fake.failNext({ method: 'PATCH', pathPattern: '/webhooks/:app/:token/messages/@original', status: 429, retryAfter: 0.2 });
    const id = ask();
    const edit = await h.fake.waitForEdit(id, { timeoutMs: 5000 });
    expect(fault.hits).toBe(1);
    expect((edit.body.embeds as LooseJson[])[0]!.title).toBe('From the study guides');
    const attempts = h.fake.interactionResponses(id, { includeFailed: true }).filter((response) => response.kind === 'editOriginal');
    expect(attempts.map((response) => response.status)).toEqual([429, 200]);
    expect(errorLogsFor(id)).toEqual([]);
  });
});

describe('a 500 from Discord after it carried out the acknowledgement', () => {
  const failFirstCallbackAfterCarryingOut = () => h.fake.failNext({ method: 'POST', pathPattern: '/interactions/:id/:token/callback', status: 500, afterCarryingOut: true });
  const callbackStatuses = (id: string) =>
    h.fake
      .interactionResponses(id, { includeFailed: true })
      .filter((response) => response.kind === 'callback')
      .map((response) => [response.status, (response.request.responseBody as { code?: number } | null)?.code ?? null]);

  it('a deferral: the retry is told 40060 "already acknowledged", and the bot goes on to edit in the answer', async () => {
    failFirstCallbackAfterCarryingOut();
    const id = ask();
    const edit = await h.fake.waitForEdit(id, { timeoutMs: 5000 });
    expect((edit.body.embeds as LooseJson[])[0]!.title).toBe('From the study guides');
    expect(callbackStatuses(id)).toEqual([
      [500, 0],
      [400, 40060],
    ]);
    expect(errorLogsFor(id)).toEqual([]);
  });

  it('a reply, and a button deferring its answer: shown once, nothing logged as failed', async () => {
    failFirstCallbackAfterCarryingOut();
    const sections = h.fake.sendInteraction(h.fake.chatInputInteraction({ name: 'sections' }));
    await h.fake.waitFor(() => callbackStatuses(sections).length === 2, { description: 'the retried reply' });
    expect(callbackStatuses(sections)[1]).toEqual([400, 40060]);
    expect(h.fake.originalResponse(sections)?.message.embeds?.[0]?.title).toBe('Table of contents');

    const asked = ask('How does Tommy change?');
    const answer = await h.fake.waitForEdit(asked, { timeoutMs: 5000 });
    const more = (answer.body.components as LooseJson[]).flatMap((row) => row.components as LooseJson[]).find((button) => button.label === 'More passages')!;
    failFirstCallbackAfterCarryingOut();
    const pressed = h.fake.sendInteraction(h.fake.buttonInteraction({ customId: String(more.custom_id), message: h.fake.originalResponse(asked)!.id }));
    const page = await h.fake.waitForEdit(pressed, { timeoutMs: 5000 });
    expect((page.body.embeds as LooseJson[])[0]!.title).toMatch(/^Passages 6–/);
    for (const id of [sections, asked, pressed]) expect(errorLogsFor(id)).toEqual([]);
  });
});

describe('the gateway', () => {
  it('after the socket drops, the bot RESUMEs and still answers', async () => {
    const identifies = h.fake.identifyCount;
    h.fake.disconnect();
    await h.fake.waitForResume(1, { timeoutMs: 10_000 });
    expect(h.fake.identifyCount).toBe(identifies);
    const id = ask('What happens at the Cottages?');
    const edit = await h.fake.waitForEdit(id, { timeoutMs: 5000 });
    expect((edit.body.embeds as LooseJson[])[0]!.title).toBe('From the study guides');
  });
});

describe('shutdown (in process)', () => {
  it('stops taking new interactions, finishes the one in flight, then closes', async () => {
    behaviour = 'slow';
    const inFlight = ask();
    await h.fake.waitForResponse(inFlight);
    const stopped = h.bot.stop(5000);
    const late = ask('What is Hailsham?');
    const refusal = await h.fake.waitForResponse(late);
    expect(refusal.callbackType).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(refusal.body.flags).toBe(EPHEMERAL);
    expect(refusal.body.content).toMatch(/restarting/);
    expect(await stopped).toEqual({ drained: true });
    const edit = h.fake.interactionResponses(inFlight).find((response) => response.kind === 'editOriginal');
    expect((edit?.body.embeds as LooseJson[])[0]!.title).toBe('From the study guides');
    for (const message of outgoingMessages(h.fake)) expect(mentionsAreSafe(message.body)).toBe(true);
  });
});
