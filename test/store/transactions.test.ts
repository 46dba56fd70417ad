/**
 * When transactions wait for one another. Write transactions run one at a time on both backends (so
 * a read followed by a write stays correct). A transaction marked `ownRowsOnly` (it writes only rows
 * of its own, like the record of a question) does not wait on PostgreSQL, where the pool can run it
 * beside another; a write transaction nested in it waits as usual. SQLite has one connection and runs
 * every transaction in turn.
 */
import { expect, it } from 'vitest';
import { logQuestion } from '../../src/store/question-log.js';
import type { SqlDatabase, TransactionOptions } from '../../src/store/sql.js';
import { CHANNEL, GUILD, USER, describeEachBackend, memoryDb } from './helpers.js';

const log = (db: SqlDatabase, question: string) => logQuestion(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question, answered: true, latencyMs: 1 });

/** A transaction that writes, then stays open until `release()`; `events` records when it is inside and when it committed. */
function heldOpen(db: SqlDatabase, name: string, events: string[], options: TransactionOptions = {}, nested = false) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const body = async () => {
    events.push(`${name} inside`);
    await log(db, `${name} question`);
    entered();
    await gate;
  };
  const done = db.transaction(nested ? () => db.transaction(body) : body, options).then(() => void events.push(`${name} committed`));
  return { inside, release, done };
}

/** Runs a second write transaction (with `options`) while `first` is held open, and says whether it finished before `first` was released. */
async function finishesWhileHeld(db: SqlDatabase, first: ReturnType<typeof heldOpen>, events: string[], options: TransactionOptions): Promise<boolean> {
  await first.inside;
  const second = db.transaction(async () => void (await log(db, 'second question')), options).then(() => void events.push('second committed'));
  // Long enough for a transaction that does not wait to begin, write and commit.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const secondFinishedFirst = events.includes('second committed');
  first.release();
  await Promise.all([first.done, second]);
  return secondFinishedFirst;
}

describeEachBackend('transactions', (dialect) => {
  it('write transactions run one at a time', async () => {
    const db = await memoryDb();
    const events: string[] = [];
    const first = heldOpen(db, 'first', events);
    expect(await finishesWhileHeld(db, first, events, {})).toBe(false);
    expect(events).toEqual(['first inside', 'first committed', 'second committed']);
    expect(Number((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM question_log'))!.n)).toBe(2);
  });

  it(dialect === 'postgres' ? 'transactions on rows of their own do not wait for each other' : 'transactions on rows of their own still run in turn on the one connection', async () => {
    const db = await memoryDb();
    const events: string[] = [];
    const first = heldOpen(db, 'first', events, { ownRowsOnly: true });
    expect(await finishesWhileHeld(db, first, events, { ownRowsOnly: true })).toBe(dialect === 'postgres');
    expect(Number((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM question_log'))!.n)).toBe(2);
  });

  it('a write transaction nested in one on its own rows waits for the others, and they for it', async () => {
    const db = await memoryDb();
    const events: string[] = [];
    const first = heldOpen(db, 'first', events, { ownRowsOnly: true }, true);
    expect(await finishesWhileHeld(db, first, events, {})).toBe(false);
    expect(events).toEqual(['first inside', 'first committed', 'second committed']);
  });
});
