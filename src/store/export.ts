import type { SqlDatabase } from './sql.js';
import { DAY_MS } from './stats.js';
import { days as checkDays, snowflake } from './validate.js';

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF, with quotes doubled.
 * Text starting with = + - @ tab or CR gets a leading apostrophe so spreadsheets do not run it as a
 * formula. Numbers and booleans are written as they are (a negative number is not a formula).
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let cell = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && FORMULA_START.test(cell)) cell = `'${cell}`;
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Rows joined with CRLF, as RFC 4180 asks, ending with a CRLF. */
export function toCsv(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const EXPORT_COLUMNS = [
  'id',
  'created_at',
  'channel_id',
  'user_id',
  'user_name',
  'question',
  'answered',
  'confidence',
  'citations',
  'latency_ms',
  'review_outcome',
  'helpful_votes',
  'not_helpful_votes',
] as const;

/** The guild's question log over the last `days` days as CSV (header row, ISO timestamps, oldest first). */
export async function exportLogCsv(db: SqlDatabase, guildId: string, options: { days: number; now?: number }): Promise<string> {
  snowflake(guildId, 'guildId');
  const days = checkDays(options.days);
  const since = (options.now ?? Date.now()) - days * DAY_MS;
  const rows: CsvValue[][] = [[...EXPORT_COLUMNS]];
  const found = await db.all<Record<string, unknown>>(
    `SELECT q.id, q.created_at, q.channel_id, q.user_id, q.user_name, q.question, q.answered, q.confidence, q.passages,
            q.latency_ms, q.review_outcome,
            (SELECT count(*) FROM feedback f WHERE f.log_id = q.id AND f.helpful = 1) AS helpful,
            (SELECT count(*) FROM feedback f WHERE f.log_id = q.id AND f.helpful = 0) AS not_helpful
     FROM question_log q WHERE q.guild_id = ? AND q.created_at >= ? ORDER BY q.created_at, q.id`,
    [guildId, since],
  );
  for (const raw of found) {
    const row = raw as {
      id: number;
      created_at: number;
      channel_id: string;
      user_id: string;
      user_name: string;
      question: string;
      answered: number;
      confidence: number | null;
      passages: string;
      latency_ms: number;
      review_outcome: string | null;
      helpful: number;
      not_helpful: number;
    };
    const citations = (JSON.parse(row.passages) as Array<{ citation?: unknown }>).map((passage) => (typeof passage.citation === 'string' ? passage.citation : '')).filter(Boolean);
    rows.push([
      row.id,
      new Date(row.created_at).toISOString(),
      row.channel_id,
      row.user_id,
      row.user_name,
      row.question,
      row.answered === 1,
      row.confidence,
      citations.join('; '),
      row.latency_ms,
      row.review_outcome,
      row.helpful,
      row.not_helpful,
    ]);
  }
  return toCsv(rows);
}
