import type { SqlDatabase } from './sql.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { rowId, snowflake, text } from './validate.js';

export type ReviewStatus = 'pending' | 'approved' | 'rejected';
export type ReviewDecision = 'approved' | 'rejected';
/** How the asker was told about the decision (null: not yet, or not needed). */
export type ReviewNotice = 'follow-up' | 'dm' | 'failed';
export const REVIEW_NOTICES: readonly ReviewNotice[] = ['follow-up', 'dm', 'failed'];

export interface Review {
  id: number;
  logId: number | null;
  guildId: string;
  originChannelId: string;
  askerId: string;
  question: string;
  /** The proposed answer, as given to createReview (stored as JSON). */
  payload: unknown;
  queueChannelId: string;
  queueMessageId: string | null;
  status: ReviewStatus;
  handledBy: string | null;
  handledAt: number | null;
  note: string | null;
  notified: ReviewNotice | null;
  createdAt: number;
}

export interface CreateReviewInput {
  logId?: number | null;
  guildId: string;
  originChannelId: string;
  askerId: string;
  question: string;
  payload: unknown;
  queueChannelId: string;
  createdAt?: number;
}

export type DecideResult =
  | { ok: true; review: Review }
  /** Someone else decided first: who, when, and what they decided. */
  | { ok: false; status: ReviewDecision; handledBy: string; handledAt: number; note: string | null };

interface ReviewRow {
  id: number;
  log_id: number | null;
  guild_id: string;
  origin_channel_id: string;
  asker_id: string;
  question: string;
  payload: string;
  queue_channel_id: string;
  queue_message_id: string | null;
  status: ReviewStatus;
  handled_by: string | null;
  handled_at: number | null;
  note: string | null;
  notified: ReviewNotice | null;
  created_at: number;
}

function fromRow(row: ReviewRow): Review {
  return {
    id: row.id,
    logId: row.log_id,
    guildId: row.guild_id,
    originChannelId: row.origin_channel_id,
    askerId: row.asker_id,
    question: row.question,
    payload: JSON.parse(row.payload) as unknown,
    queueChannelId: row.queue_channel_id,
    queueMessageId: row.queue_message_id,
    status: row.status,
    handledBy: row.handled_by,
    handledAt: row.handled_at,
    note: row.note,
    notified: row.notified,
    createdAt: row.created_at,
  };
}

/** Queues an answer for a teacher. If it belongs to a logged question, that row's review outcome becomes 'pending'. */
export async function createReview(db: SqlDatabase, input: CreateReviewInput): Promise<Review> {
  const logId = input.logId == null ? null : rowId(input.logId, 'logId');
  const guildId = snowflake(input.guildId, 'guildId');
  const originChannelId = snowflake(input.originChannelId, 'originChannelId');
  const askerId = snowflake(input.askerId, 'askerId');
  const question = text(input.question, 'question');
  const queueChannelId = snowflake(input.queueChannelId, 'queueChannelId');
  const payload = input.payload === undefined ? undefined : JSON.stringify(input.payload);
  if (payload === undefined) throw new InvalidInputError('payload', 'The proposed answer must be a JSON value.');
  const createdAt = input.createdAt ?? Date.now();
  return db.transaction(async () => {
    if (logId !== null) {
      const changed = (await db.run("UPDATE question_log SET review_outcome = 'pending' WHERE id = ?", [logId])).changes;
      if (changed === 0) throw new NotFoundError('logged question', logId);
    }
    const { id } = (await db.get<{ id: number }>(
      `INSERT INTO reviews (log_id, guild_id, origin_channel_id, asker_id, question, payload, queue_channel_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [logId, guildId, originChannelId, askerId, question, payload, queueChannelId, createdAt],
    ))!;
    return requireReview(db, id);
  });
}

/** Remembers the queue message that shows this review (so buttons and restarts can find it). */
export async function setQueueMessage(db: SqlDatabase, id: number, messageId: string, channelId?: string): Promise<Review> {
  snowflake(messageId, 'messageId');
  if (channelId !== undefined) snowflake(channelId, 'channelId');
  const changes = (await db.run('UPDATE reviews SET queue_message_id = ?, queue_channel_id = coalesce(?, queue_channel_id) WHERE id = ?', [messageId, channelId ?? null, rowId(id)])).changes;
  if (changes === 0) throw new NotFoundError('review', id);
  return requireReview(db, id);
}

export async function getReview(db: SqlDatabase, id: number): Promise<Review | null> {
  const row = await db.get<ReviewRow>('SELECT * FROM reviews WHERE id = ?', [rowId(id)]);
  return row === undefined ? null : fromRow(row);
}

export async function findReviewByMessage(db: SqlDatabase, messageId: string): Promise<Review | null> {
  const row = await db.get<ReviewRow>('SELECT * FROM reviews WHERE queue_message_id = ?', [snowflake(messageId, 'messageId')]);
  return row === undefined ? null : fromRow(row);
}

/** Pending reviews of a guild, oldest first (they survive restarts: they are rows in the file). */
export async function listPending(db: SqlDatabase, guildId: string, limit = 100): Promise<Review[]> {
  const rows = await db.all<ReviewRow>("SELECT * FROM reviews WHERE guild_id = ? AND status = 'pending' ORDER BY created_at, id LIMIT ?", [
    snowflake(guildId, 'guildId'),
    Math.min(Math.max(Math.trunc(limit), 1), 1000),
  ]);
  return rows.map(fromRow);
}

/**
 * Approves or rejects a pending review. Atomic: the decision is a single
 * `UPDATE ... WHERE id = ? AND status = 'pending'` inside a write transaction, so when two
 * teachers (or two processes) decide at once exactly one wins; the other gets `ok: false` with who
 * decided, when, and what. Throws NotFoundError if the review does not exist.
 */
export async function decideReview(db: SqlDatabase, id: number, decision: { decision: ReviewDecision; teacherId: string; note?: string | null; now?: number }): Promise<DecideResult> {
  rowId(id);
  if (decision.decision !== 'approved' && decision.decision !== 'rejected') {
    throw new InvalidInputError('decision', 'A review decision must be "approved" or "rejected".');
  }
  const teacherId = snowflake(decision.teacherId, 'teacherId');
  const note = decision.note == null || decision.note.trim() === '' ? null : text(decision.note, 'note', 1000);
  const now = decision.now ?? Date.now();
  return db.transaction(async (): Promise<DecideResult> => {
    const won =
      (await db.run("UPDATE reviews SET status = ?, handled_by = ?, handled_at = ?, note = ? WHERE id = ? AND status = 'pending'", [decision.decision, teacherId, now, note, id])).changes === 1;
    const review = await getReview(db, id);
    if (review === null) throw new NotFoundError('review', id);
    if (!won) {
      return {
        ok: false,
        status: review.status as ReviewDecision,
        handledBy: review.handledBy ?? '',
        handledAt: review.handledAt ?? 0,
        note: review.note,
      };
    }
    if (review.logId !== null) await db.run('UPDATE question_log SET review_outcome = ? WHERE id = ?', [decision.decision, review.logId]);
    return { ok: true, review };
  });
}

/**
 * Puts a decided review back to pending, but only if it is still the decision `teacherId` made
 * (used when the bot could not carry the decision out, e.g. post the approved answer). Returns
 * whether it was reopened.
 */
export async function reopenReview(db: SqlDatabase, id: number, teacherId: string): Promise<boolean> {
  rowId(id);
  snowflake(teacherId, 'teacherId');
  return db.transaction(async (): Promise<boolean> => {
    const review = await getReview(db, id);
    if (review === null || review.status === 'pending' || review.handledBy !== teacherId) return false;
    await db.run("UPDATE reviews SET status = 'pending', handled_by = NULL, handled_at = NULL, note = NULL, notified = NULL WHERE id = ?", [id]);
    if (review.logId !== null) await db.run("UPDATE question_log SET review_outcome = 'pending' WHERE id = ?", [review.logId]);
    return true;
  });
}

/** Records how the asker was told about the decision. Throws NotFoundError if the review is gone. */
export async function setReviewNotified(db: SqlDatabase, id: number, how: ReviewNotice): Promise<void> {
  if (!REVIEW_NOTICES.includes(how)) throw new InvalidInputError('notified', `How the asker was told must be one of: ${REVIEW_NOTICES.join(', ')}.`);
  const changes = (await db.run('UPDATE reviews SET notified = ? WHERE id = ?', [how, rowId(id)])).changes;
  if (changes === 0) throw new NotFoundError('review', id);
}

async function requireReview(db: SqlDatabase, id: number): Promise<Review> {
  const review = await getReview(db, id);
  if (review === null) throw new NotFoundError('review', id);
  return review;
}
