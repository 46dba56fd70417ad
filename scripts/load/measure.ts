import fs from 'node:fs';
import { InteractionResponseType } from 'discord.js';
import type { FakeDiscord, RecordedRequest } from '../../test/e2e/fake-discord.js';

/** What happened to one `/ask`: when it was acknowledged and answered, and whether both were as expected. */
export interface Outcome {
  ackMs?: number;
  answerMs?: number;
  ok: boolean;
}

/** What happened to each interaction, from the fake's request log (one pass). */
export function interactionOutcomes(fake: FakeDiscord, ids: string[]): Map<string, Outcome> {
  const result = new Map<string, Outcome>(ids.map((id) => [id, { ok: true }]));
  for (const request of fake.requests) {
    const outcome = request.interactionId ? result.get(request.interactionId) : undefined;
    if (!outcome || request.status === 0) continue;
    const dispatchedAt = fake.interaction(request.interactionId!)!.dispatchedAt;
    if (request.status >= 400) outcome.ok = false;
    else if (request.responseKind === 'callback') {
      outcome.ackMs = request.at - dispatchedAt;
      if (request.callbackType !== InteractionResponseType.DeferredChannelMessageWithSource) outcome.ok = false;
    } else if (request.responseKind === 'editOriginal') {
      outcome.answerMs = request.at - dispatchedAt;
      if (!Array.isArray(request.body?.embeds) || request.body.embeds.length === 0) outcome.ok = false;
    }
  }
  return result;
}

/**
 * Counts how many of `ids` are finished (the final edit answered, or a request of theirs failed). Each call
 * reads only the requests recorded since the one before, and those still waiting for their response: the
 * scripts poll it while the fake Discord records thousands of requests, on the cores the bot is measured on.
 */
export function completionCounter(fake: FakeDiscord, ids: Iterable<string>): () => number {
  const wanted = new Set(ids);
  const finished = new Set<string>();
  let read = 0;
  let waiting: RecordedRequest[] = [];
  const settle = (request: RecordedRequest) => {
    if (request.responseKind === 'editOriginal' || request.status >= 400) finished.add(request.interactionId!);
  };
  return () => {
    const requests = fake.requests;
    const stillWaiting: RecordedRequest[] = [];
    for (const request of [...waiting, ...requests.slice(read)]) {
      // A request still waiting may not know its interaction yet (the fake matches the route after its latency).
      if (request.status === 0) stillWaiting.push(request);
      else if (request.interactionId && wanted.has(request.interactionId)) settle(request);
    }
    read = requests.length;
    waiting = stillWaiting;
    return finished.size;
  };
}

/** The `question` of every line of the given JSON-lines files (the evaluation sets). */
export function readQuestions(files: string[]): string[] {
  const questions = files
    .flatMap((file) => fs.readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { question: string }).question);
  if (questions.length === 0) throw new Error(`no questions found in ${files.join(' or ')}`);
  return questions;
}

/** The nearest-rank percentile of sorted values, to 0.1. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index]! * 10) / 10;
}

/** p50, p95, p99 and max of latencies in milliseconds. */
export function latencySummary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
}
