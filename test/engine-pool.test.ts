import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import type { Engine, TeacherNote } from '../src/engine.js';
import { EnginePool, EnginePoolClosedError, EngineWorkerError } from '../src/engine-pool/pool.js';
import type { PooledEngine } from '../src/engine-pool/pooled-engine.js';
import { InvalidQuestionError } from '../src/question.js';
import { openTestEngine, silentLogger, testConfig } from './helpers/engine.js';

const QUESTION_FILES = fs
  .readdirSync(path.join(PROJECT_ROOT, 'eval'))
  .filter((file) => file.endsWith('.jsonl'))
  .map((file) => path.join(PROJECT_ROOT, 'eval', file));
const questions = QUESTION_FILES.flatMap((file) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { question: string }).question),
);

const note = (id: string, text: string, question?: string): TeacherNote => ({ id, authorName: 'Ms Emily', createdAt: new Date('2026-01-05T10:00:00Z'), text, ...(question ? { question } : {}) });
const NOTE_QUESTION = 'What is the marmalade festival?';
const NOTE = note('teacher-note-1-1', 'The marmalade festival is the Hailsham summer fair where students trade orange preserves.', NOTE_QUESTION);

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the engine worker pool', () => {
  let engine: Engine;
  let pool: EnginePool;
  let pooled: PooledEngine;
  const config = testConfig();

  beforeAll(async () => {
    engine = await openTestEngine(config);
    pool = new EnginePool({ workers: 2, logger: silentLogger });
    pooled = await pool.open({ config });
  }, 120_000);

  afterAll(async () => {
    await pool?.close();
  });

  it('answers every development question exactly as the in-process engine does', async () => {
    expect(questions.length).toBeGreaterThan(300);
    // All at once: the calls spread over both workers.
    const [inProcess, fromPool] = await Promise.all([Promise.all(questions.map((question) => engine.ask(question))), Promise.all(questions.map((question) => pooled.ask(question)))]);
    for (let i = 0; i < questions.length; i++) expect(fromPool[i], questions[i]).toEqual(inProcess[i]);
    expect(pool.workers().every((worker) => worker.answered > 0)).toBe(true);
  }, 120_000);

  it('takes the same options, as data, and refuses a skip function it cannot send', async () => {
    const options = [{ k: 3, offset: 2 }, { mode: 'bm25' as const }, { readerPart: 'part-one' as const }, { exclude: [{ source: 'teacher-notes', exceptIdPrefix: 'teacher-note-1-' }] }];
    for (const option of options) for (const question of questions.slice(0, 20)) expect(await pooled.ask(question, option)).toEqual(await engine.ask(question, option));
    await expect(pooled.ask('Who is Ruth?', { skip: () => false })).rejects.toThrow(TypeError);
  }, 120_000);

  it('opens each spec once, however its fields are ordered', async () => {
    const reordered = Object.fromEntries(Object.entries(config).reverse()) as typeof config;
    expect(await pool.open({ config: reordered })).toBe(pooled);
  });

  it('answers the catalogue calls in the main thread with what the engine gives', async () => {
    expect(pooled.sections()).toEqual(engine.sections());
    expect(pooled.quotations()).toEqual(engine.quotations());
    expect(pooled.studyQuestions()).toEqual(engine.studyQuestions());
    expect(pooled.stats()).toEqual(engine.stats());
    expect(pooled.embedder.profile).toEqual(engine.embedder.profile);
    for (const typed of ['', 'ruth', 'part two', 'hail', 'zzz']) expect(pooled.findSections(typed, 5)).toEqual(engine.findSections(typed, 5));
    const key = engine.sections()[3]!.key;
    expect(pooled.section(key)).toEqual(engine.section(key));
    for (const topic of ['Hailsham', 'Tommy temper', 'donations', undefined, undefined]) expect(pooled.findQuote(topic)).toEqual(engine.findQuote(topic));
    const [study] = engine.studyQuestions();
    expect(study).toBeDefined();
    const answer = 'They are meant to become donors and give their organs.';
    expect(await pooled.gradeAnswer(study!.id, answer)).toEqual(await engine.gradeAnswer(study!.id, answer));
    expect(await pooled.embed(['Who is Ruth?', 'Hailsham'])).toEqual(await engine.embed(['Who is Ruth?', 'Hailsham']));
    // A user's error keeps its type across the thread, so the bot tells the student the same thing.
    const invalid = await pooled.gradeAnswer(study!.id, '   ').catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(InvalidQuestionError);
    expect(invalid).toMatchObject({ reason: expect.any(String) as string });
  }, 120_000);

  it('adds and removes a teacher note on every worker before it resolves', async () => {
    await pooled.addNote(NOTE);
    await engine.addNote(NOTE);
    expect(pooled.stats().notes).toBe(1);
    const before = pool.workers().map((worker) => worker.answered);
    // Concurrent asks go to both workers (the least busy takes each): every one finds the note.
    const answers = await Promise.all(Array.from({ length: 8 }, () => pooled.ask(NOTE_QUESTION)));
    expect(pool.workers().every((worker, i) => worker.answered > before[i]!)).toBe(true);
    const expected = await engine.ask(NOTE_QUESTION);
    expect(expected.passages[0]?.id).toBe(NOTE.id);
    for (const answer of answers) expect(answer).toEqual(expected);

    expect(await pooled.removeNote(NOTE.id)).toBe(true);
    engine.removeNote(NOTE.id);
    const after = await Promise.all(Array.from({ length: 8 }, () => pooled.ask(NOTE_QUESTION)));
    for (const answer of after) expect(answer.passages.some((passage) => passage.id === NOTE.id)).toBe(false);
    expect(await pooled.removeNote(NOTE.id)).toBe(false);
  }, 120_000);

  it('replaces a worker that stops: its calls in flight fail with a clear error, the replacement has the notes', async () => {
    await pooled.addNote(NOTE);
    const [first] = pool.workers();
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      pooled.ask(questions[i]!).then(
        () => 'answered',
        (error: unknown) => error,
      ),
    );
    await pool.stopWorker(0);
    const settled = await Promise.all(inFlight);
    const failed = settled.filter((outcome) => outcome !== 'answered');
    expect(failed.length).toBeGreaterThan(0);
    for (const error of failed) {
      expect(error).toBeInstanceOf(EngineWorkerError);
      expect((error as Error).message).toMatch(/engine worker stopped/);
    }
    await until(() => pool.workers().every((worker) => worker.up));
    const [replacement] = pool.workers();
    expect(replacement!.threadId).not.toBe(first!.threadId);
    // Only the replacement takes calls now: the other worker is stopped as well, after the replacement is up.
    await pool.stopWorker(1);
    const answer = await pooled.ask(NOTE_QUESTION);
    expect(answer.passages[0]?.id).toBe(NOTE.id);
    expect(await pooled.ask(questions[0])).toEqual(await engine.ask(questions[0]));
    await until(() => pool.workers().every((worker) => worker.up));
    await pooled.removeNote(NOTE.id);
  }, 120_000);

  it('finishes the calls in flight when closed, then refuses new ones', async () => {
    const own = new EnginePool({ workers: 1, logger: silentLogger });
    const opened = await own.open({ config, rebuild: 'never' });
    const inFlight = questions.slice(0, 30).map((question) => opened.ask(question));
    await own.close();
    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.question)).toEqual(await Promise.all(questions.slice(0, 30).map(async (question) => (await engine.ask(question)).question)));
    await expect(opened.ask('Who is Ruth?')).rejects.toThrow(EnginePoolClosedError);
    expect(own.workers().every((worker) => worker.threadId === undefined)).toBe(true);
  }, 120_000);
});
