import { z } from 'zod';
import type { SqlDatabase } from './sql.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { MAX_TEXT, parseWith, rowId, SNOWFLAKE, snowflake } from './validate.js';

export type ReviewOutcome = 'pending' | 'approved' | 'rejected';
export const REVIEW_OUTCOMES: readonly ReviewOutcome[] = ['pending', 'approved', 'rejected'];

export interface PassageRef {
  id: string;
  citation: string;
  score: number;
}

export interface LoggedQuestion {
  id: number;
  guildId: string;
  channelId: string;
  userId: string;
  userName: string;
  question: string;
  answered: boolean;
  confidence: number | null;
  passages: PassageRef[];
  latencyMs: number;
  reviewOutcome: ReviewOutcome | null;
  /** The id of the answer (the /ask interaction id) whose buttons point here, if known. */
  answerId: string | null;
  createdAt: number;
}

const snowflakeField = (label: string) => z.string({ error: `${label} must be a Discord id.` }).regex(SNOWFLAKE, `${label} must be a Discord id (17 to 20 digits).`);

export const passageRefSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  citation: z.string().max(1000),
  score: z.number().refine(Number.isFinite, 'score must be a finite number'),
});

export const logQuestionSchema = z.object({
  guildId: snowflakeField('guildId'),
  channelId: snowflakeField('channelId'),
  userId: snowflakeField('userId'),
  userName: z.string().max(200).default(''),
  question: z.string().trim().min(1, 'The question must not be empty.').max(MAX_TEXT, `The question is too long (at most ${MAX_TEXT} characters).`),
  answered: z.boolean(),
  confidence: z.number().refine(Number.isFinite, 'confidence must be a finite number').nullable().default(null),
  passages: z.array(passageRefSchema).max(100).default([]),
  latencyMs: z.number().min(0, 'latencyMs must not be negative').refine(Number.isFinite).transform(Math.round),
  reviewOutcome: z.enum(['pending', 'approved', 'rejected']).nullable().default(null),
  answerId: snowflakeField('answerId').nullable().default(null),
  createdAt: z.number().int().min(0).optional(),
});

export type LogQuestionInput = z.input<typeof logQuestionSchema>;

interface LogRow {
  id: number;
  guild_id: string;
  channel_id: string;
  user_id: string;
  user_name: string;
  question: string;
  answered: number;
  confidence: number | null;
  passages: string;
  latency_ms: number;
  review_outcome: ReviewOutcome | null;
  answer_id: string | null;
  created_at: number;
}

function fromRow(row: LogRow): LoggedQuestion {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    userId: row.user_id,
    userName: row.user_name,
    question: row.question,
    answered: row.answered === 1,
    confidence: row.confidence,
    passages: JSON.parse(row.passages) as PassageRef[],
    latencyMs: row.latency_ms,
    reviewOutcome: row.review_outcome,
    answerId: row.answer_id,
    createdAt: row.created_at,
  };
}

/** Records one question and its answer (or lack of one). Returns the new row id once it is committed. */
export async function logQuestion(db: SqlDatabase, input: LogQuestionInput): Promise<number> {
  const value = parseWith(logQuestionSchema, input);
  const row = await db.get<{ id: number }>(
    `INSERT INTO question_log (guild_id, channel_id, user_id, user_name, question, answered, confidence, passages, latency_ms, review_outcome, answer_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      value.guildId,
      value.channelId,
      value.userId,
      value.userName,
      value.question,
      value.answered ? 1 : 0,
      value.confidence,
      JSON.stringify(value.passages),
      value.latencyMs,
      value.reviewOutcome,
      value.answerId,
      value.createdAt ?? Date.now(),
    ],
  );
  return row!.id;
}

export async function getQuestion(db: SqlDatabase, id: number): Promise<LoggedQuestion | null> {
  const row = await db.get<LogRow>('SELECT * FROM question_log WHERE id = ?', [rowId(id)]);
  return row === undefined ? null : fromRow(row);
}

/** The logged question an answer's buttons point to (by the /ask interaction id), or null. */
export async function findByAnswerId(db: SqlDatabase, answerId: string): Promise<LoggedQuestion | null> {
  const row = await db.get<LogRow>('SELECT * FROM question_log WHERE answer_id = ?', [snowflake(answerId, 'answerId')]);
  return row === undefined ? null : fromRow(row);
}

/** The guild's most recent questions, newest first. */
export async function listQuestions(db: SqlDatabase, guildId: string, options: { limit?: number; since?: number } = {}): Promise<LoggedQuestion[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 1000);
  const rows = await db.all<LogRow>('SELECT * FROM question_log WHERE guild_id = ? AND created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?', [
    snowflake(guildId, 'guildId'),
    options.since ?? 0,
    limit,
  ]);
  return rows.map(fromRow);
}

/** Sets (or clears, with null) the review outcome of a logged answer. Throws NotFoundError if the row is gone. */
export async function setReviewOutcome(db: SqlDatabase, id: number, outcome: ReviewOutcome | null): Promise<void> {
  if (outcome !== null && !REVIEW_OUTCOMES.includes(outcome)) {
    throw new InvalidInputError('reviewOutcome', `Review outcome must be one of: ${REVIEW_OUTCOMES.join(', ')} (or none).`);
  }
  const changes = (await db.run('UPDATE question_log SET review_outcome = ? WHERE id = ?', [outcome, rowId(id)])).changes;
  if (changes === 0) throw new NotFoundError('logged question', id);
}
