import type { SqlDatabase } from './sql.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { normalizeQuestion } from './normalize.js';
import { intInRange, rowId, snowflake, text } from './validate.js';

export type GapStatus = 'open' | 'answered';

/** Similarity of two questions, higher is more similar (e.g. cosine of embeddings), supplied by the caller. */
export type SimilarityFn = (a: string, b: string) => number;

export interface GapSummary {
  id: number;
  guildId: string;
  /** The question as first asked (the group's representative). */
  question: string;
  normKey: string;
  status: GapStatus;
  noteId: number | null;
  /** How many times a question of this group was asked. */
  count: number;
  /** How many different people asked. */
  askers: number;
  firstAskedAt: number;
  lastAskedAt: number;
  answeredAt: number | null;
}

export interface GapAsk {
  id: number;
  channelId: string;
  userId: string;
  question: string;
  logId: number | null;
  createdAt: number;
}

export interface GapDetail extends GapSummary {
  asks: GapAsk[];
}

export interface RecordGapInput {
  guildId: string;
  channelId: string;
  userId: string;
  question: string;
  logId?: number | null;
  createdAt?: number;
}

export interface RecordGapOptions {
  similarity?: SimilarityFn;
  /** Minimum similarity to join an existing open gap (default 0.8). */
  threshold?: number;
  /** How many of the most recently asked open gaps to compare against (default 500). */
  candidates?: number;
}

export interface RecordGapResult {
  gapId: number;
  created: boolean;
  count: number;
}

const SUMMARY = `
  SELECT g.id, g.guild_id, g.question, g.norm_key, g.status, g.note_id, g.created_at, g.last_asked_at, g.answered_at,
         count(a.id) AS count, count(DISTINCT a.user_id) AS askers
  FROM gaps g LEFT JOIN gap_asks a ON a.gap_id = g.id`;

interface SummaryRow {
  id: number;
  guild_id: string;
  question: string;
  norm_key: string;
  status: GapStatus;
  note_id: number | null;
  created_at: number;
  last_asked_at: number;
  answered_at: number | null;
  count: number;
  askers: number;
}

function fromRow(row: SummaryRow): GapSummary {
  return {
    id: row.id,
    guildId: row.guild_id,
    question: row.question,
    normKey: row.norm_key,
    status: row.status,
    noteId: row.note_id,
    count: row.count,
    askers: row.askers,
    firstAskedAt: row.created_at,
    lastAskedAt: row.last_asked_at,
    answeredAt: row.answered_at,
  };
}

function statusFilter(status: GapStatus | 'all' | undefined): string {
  const value = status ?? 'open';
  if (value === 'all') return '';
  if (value !== 'open' && value !== 'answered') throw new InvalidInputError('status', 'Gap status must be "open", "answered" or "all".');
  return `AND g.status = '${value}'`;
}

/** How many open gaps recordGap compares a new question with, by default. */
export const DEFAULT_GAP_CANDIDATES = 500;

/** The open gaps of a guild a new question may join, most recently asked first: what recordGap compares it with. */
export async function openGapQuestions(db: SqlDatabase, guildId: string, limit: number = DEFAULT_GAP_CANDIDATES): Promise<Array<{ id: number; question: string }>> {
  return db.all<{ id: number; question: string }>("SELECT id, question FROM gaps WHERE guild_id = ? AND status = 'open' ORDER BY last_asked_at DESC LIMIT ?", [
    snowflake(guildId, 'guildId'),
    intInRange(limit, 'candidates', 1, 100_000),
  ]);
}

/**
 * Records a question the guides could not answer. It joins the open gap with the same normalised key
 * (or one that already holds a question with that key), else (when a similarity function is given)
 * the most similar open gap at or above the threshold, else it starts a new gap.
 */
export async function recordGap(db: SqlDatabase, input: RecordGapInput, options: RecordGapOptions = {}): Promise<RecordGapResult> {
  const guildId = snowflake(input.guildId, 'guildId');
  const channelId = snowflake(input.channelId, 'channelId');
  const userId = snowflake(input.userId, 'userId');
  const question = text(input.question, 'question');
  const logId = input.logId == null ? null : rowId(input.logId, 'logId');
  const createdAt = input.createdAt ?? Date.now();
  const key = normalizeQuestion(question);
  const threshold = options.threshold ?? 0.8;
  if (!Number.isFinite(threshold)) throw new InvalidInputError('threshold', 'The similarity threshold must be a number.');

  // An open gap with this key, or one where a question with this key was already grouped (by similarity).
  const findOpen = async () =>
    (await db.get<{ id: number }>("SELECT id FROM gaps WHERE guild_id = ? AND norm_key = ? AND status = 'open'", [guildId, key])) ??
    (await db.get<{ id: number }>(
      `SELECT g.id FROM gap_asks a JOIN gaps g ON g.id = a.gap_id
         WHERE a.guild_id = ? AND a.norm_key = ? AND g.status = 'open' ORDER BY g.last_asked_at DESC LIMIT 1`,
      [guildId, key],
    ));

  // The (possibly slow) similarity function runs outside the write transaction.
  let similarId: number | null = null;
  if (options.similarity !== undefined && (await findOpen()) === undefined) {
    const candidates = await openGapQuestions(db, guildId, options.candidates ?? DEFAULT_GAP_CANDIDATES);
    let best = -Infinity;
    for (const candidate of candidates) {
      const score = options.similarity(question, candidate.question);
      if (Number.isFinite(score) && score >= threshold && score > best) {
        best = score;
        similarId = candidate.id;
      }
    }
  }

  return db.transaction(async (): Promise<RecordGapResult> => {
    let gapId = (await findOpen())?.id;
    if (gapId === undefined && similarId !== null) {
      gapId = (await db.get<{ id: number }>("SELECT id FROM gaps WHERE id = ? AND status = 'open'", [similarId]))?.id;
    }
    const created = gapId === undefined;
    if (gapId === undefined) {
      gapId = (await db.get<{ id: number }>('INSERT INTO gaps (guild_id, question, norm_key, created_at, last_asked_at) VALUES (?, ?, ?, ?, ?) RETURNING id', [
        guildId,
        question,
        key,
        createdAt,
        createdAt,
      ]))!.id;
    } else {
      await db.run('UPDATE gaps SET last_asked_at = CASE WHEN last_asked_at > ? THEN last_asked_at ELSE ? END WHERE id = ?', [createdAt, createdAt, gapId]);
    }
    await db.run('INSERT INTO gap_asks (gap_id, guild_id, channel_id, user_id, question, norm_key, log_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      gapId,
      guildId,
      channelId,
      userId,
      question,
      key,
      logId,
      createdAt,
    ]);
    const { count } = (await db.get<{ count: number }>('SELECT count(*) AS count FROM gap_asks WHERE gap_id = ?', [gapId]))!;
    return { gapId, created, count };
  });
}

/** Gaps of a guild with how often they were asked, most asked first. */
export async function listGaps(db: SqlDatabase, guildId: string, options: { limit?: number; status?: GapStatus | 'all' } = {}): Promise<GapSummary[]> {
  const rows = await db.all<SummaryRow>(`${SUMMARY} WHERE g.guild_id = ? ${statusFilter(options.status)} GROUP BY g.id ORDER BY count DESC, g.last_asked_at DESC, g.id LIMIT ?`, [
    snowflake(guildId, 'guildId'),
    intInRange(options.limit ?? 10, 'limit', 1, 100),
  ]);
  return rows.map(fromRow);
}

export async function getGap(db: SqlDatabase, id: number): Promise<GapDetail | null> {
  const row = await db.get<SummaryRow>(`${SUMMARY} WHERE g.id = ? GROUP BY g.id`, [rowId(id)]);
  if (row === undefined) return null;
  const asks = await db.all<{
    id: number;
    channel_id: string;
    user_id: string;
    question: string;
    log_id: number | null;
    created_at: number;
  }>('SELECT id, channel_id, user_id, question, log_id, created_at FROM gap_asks WHERE gap_id = ? ORDER BY created_at, id', [id]);
  return {
    ...fromRow(row),
    asks: asks.map((ask) => ({ id: ask.id, channelId: ask.channel_id, userId: ask.user_id, question: ask.question, logId: ask.log_id, createdAt: ask.created_at })),
  };
}

/**
 * For autocomplete: gaps whose question contains the typed text (matches at the start first), most
 * asked first, at most 25. An empty prefix lists the most asked gaps.
 */
export async function searchGaps(
  db: SqlDatabase,
  guildId: string,
  prefix: string,
  options: { limit?: number; status?: GapStatus | 'all' } = {},
): Promise<Array<{ id: number; question: string; count: number }>> {
  const typed = String(prefix ?? '')
    .trim()
    .slice(0, 100);
  const escaped = typed.replace(/[\\%_]/g, (c) => `\\${c}`);
  // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE is the same match.
  const like = db.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
  const rows = await db.all<{
    id: number;
    question: string;
    count: number;
  }>(
    `SELECT g.id, g.question, (SELECT count(*) FROM gap_asks a WHERE a.gap_id = g.id) AS count,
            (g.question ${like} ? ESCAPE '\\') AS starts
     FROM gaps g
     WHERE g.guild_id = ? ${statusFilter(options.status)} AND g.question ${like} ? ESCAPE '\\'
     ORDER BY starts DESC, count DESC, g.last_asked_at DESC, g.id
     LIMIT ?`,
    [`${escaped}%`, snowflake(guildId, 'guildId'), `%${escaped}%`, intInRange(options.limit ?? 25, 'limit', 1, 25)],
  );
  return rows.map(({ id, question, count }) => ({ id, question, count }));
}

/**
 * Marks a gap answered by a teacher note and returns the people who asked (distinct, first asker
 * first) so they can be told. If it was already answered, nothing changes and userIds is empty.
 */
export async function markGapAnswered(db: SqlDatabase, id: number, noteId: number, now = Date.now()): Promise<{ alreadyAnswered: boolean; userIds: string[] }> {
  rowId(id);
  rowId(noteId, 'noteId');
  return db.transaction(async () => {
    const gap = await db.get<{ guild_id: string; status: GapStatus }>('SELECT guild_id, status FROM gaps WHERE id = ?', [id]);
    if (gap === undefined) throw new NotFoundError('gap', id);
    const note = await db.get<{ guild_id: string }>('SELECT guild_id FROM notes WHERE id = ?', [noteId]);
    if (note === undefined) throw new NotFoundError('note', noteId);
    if (note.guild_id !== gap.guild_id) throw new InvalidInputError('noteId', 'That note belongs to a different server.');
    if (gap.status === 'answered') return { alreadyAnswered: true, userIds: [] };
    await db.run("UPDATE gaps SET status = 'answered', note_id = ?, answered_at = ? WHERE id = ?", [noteId, now, id]);
    await db.run('UPDATE notes SET gap_id = coalesce(gap_id, ?) WHERE id = ?', [id, noteId]);
    const users = await db.all<{ user_id: string }>('SELECT user_id FROM gap_asks WHERE gap_id = ? GROUP BY user_id ORDER BY min(created_at), min(id)', [id]);
    return { alreadyAnswered: false, userIds: users.map((user) => user.user_id) };
  });
}

/**
 * Rebuilds every stored question key with the current normalizeQuestion (a migration runs this when
 * the key function changes). Open gaps of a server whose questions now share a key become one: the
 * earliest keeps its question and id and takes the others' asks (and any note pointing at them).
 */
export async function rekeyGaps(db: SqlDatabase): Promise<{ rekeyed: number; merged: number }> {
  let rekeyed = 0;
  let merged = 0;
  const asks = await db.all<{ id: number; question: string; norm_key: string }>('SELECT id, question, norm_key FROM gap_asks');
  for (const ask of asks) {
    const key = normalizeQuestion(ask.question);
    if (key !== ask.norm_key) rekeyed += (await db.run('UPDATE gap_asks SET norm_key = ? WHERE id = ?', [key, ask.id])).changes;
  }
  const gaps = await db.all<{
    id: number;
    guild_id: string;
    question: string;
    norm_key: string;
    status: GapStatus;
  }>('SELECT id, guild_id, question, norm_key, status FROM gaps ORDER BY created_at, id');
  // Open gaps' keys are unique per server: park them on placeholders (a real key never starts with a
  // space) so that no key written below meets an old one that is yet to be rewritten.
  await db.run("UPDATE gaps SET norm_key = ' ' || id WHERE status = 'open'");
  const openByKey = new Map<string, number>();
  for (const gap of gaps) {
    const key = normalizeQuestion(gap.question);
    const keeper = gap.status === 'open' ? openByKey.get(`${gap.guild_id}\0${key}`) : undefined;
    if (keeper !== undefined) {
      // Move everything that points at the later gap, then drop it (before its key could collide).
      await db.run('UPDATE gap_asks SET gap_id = ? WHERE gap_id = ?', [keeper, gap.id]);
      await db.run('UPDATE notes SET gap_id = ? WHERE gap_id = ?', [keeper, gap.id]);
      await db.run('UPDATE gaps SET last_asked_at = (SELECT max(last_asked_at) FROM gaps WHERE id IN (?, ?)) WHERE id = ?', [gap.id, keeper, keeper]);
      await db.run('DELETE FROM gaps WHERE id = ?', [gap.id]);
      merged += 1;
      continue;
    }
    if (gap.status === 'open') openByKey.set(`${gap.guild_id}\0${key}`, gap.id);
    if (key !== gap.norm_key || gap.status === 'open') await db.run('UPDATE gaps SET norm_key = ? WHERE id = ?', [key, gap.id]);
    if (key !== gap.norm_key) rekeyed += 1;
  }
  return { rekeyed, merged };
}
