import { isMainThread } from 'node:worker_threads';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths pino must never print, wherever a secret might travel inside a log object. */
export const REDACTED_PATHS = ['token', '*.token', 'DISCORD_TOKEN', '*.DISCORD_TOKEN', 'headers.authorization', '*.headers.authorization', 'config.DISCORD_TOKEN'];

/** `json`: one JSON object per line, for log collectors. `pretty`: one readable line per message, for people. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The format to log in: LOG_FORMAT when it is set; otherwise readable lines when a person reads the
 * logs (standard error is a terminal, or the console mode is running), JSON lines for machines.
 */
export function chooseLogFormat(configured: LogFormat | undefined, reader: { terminal: boolean; consoleMode?: boolean }): LogFormat {
  return configured ?? (reader.terminal || reader.consoleMode === true ? 'pretty' : 'json');
}

/**
 * Standard error, written asynchronously on the main thread: a synchronous write blocks the event loop
 * whenever the reader of the pipe (journald, Docker, a terminal) falls behind, and under a burst that
 * delays every acknowledgement. pino flushes what is buffered when the process exits. A worker
 * thread writes synchronously, since pino cannot flush a worker's buffer at exit.
 */
export function standardErrorDestination(): DestinationStream {
  return pino.destination({ fd: 2, sync: !isMainThread });
}

/**
 * Structured logs go to standard error so that command-line tools can keep standard output for
 * their results (`npm run --silent ask -- --json`).
 */
export function createLogger(level = 'info', destination: DestinationStream = standardErrorDestination(), format: LogFormat = 'json'): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { app: 'guidebot' },
    },
    format === 'pretty' ? readableLines(destination) : destination,
  );
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line carries, which a person does not need to read. */
const OMITTED_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'app', 'msg', 'err']);

/** A destination that turns each pino JSON line into one readable line (an error's stack follows, indented). */
export function readableLines(destination: DestinationStream): DestinationStream {
  return { write: (line: string) => destination.write(formatLogLine(line)) };
}

/** `12:04:05 WARN  message  key=value key=value`, from one pino JSON line. */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toTimeString().slice(0, 8) : '';
  const level = (LEVEL_NAMES[entry.level as number] ?? String(entry.level)).padEnd(5);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const message = [typeof entry.msg === 'string' ? entry.msg : '', err?.message ?? ''].filter(Boolean).join(': ');
  const fields = Object.entries(entry)
    .filter(([key]) => !OMITTED_FIELDS.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  const head = [time, level, message, ...(fields.length > 0 ? [` ${fields.join(' ')}`] : [])].filter(Boolean).join(' ');
  const stack = (entry.level as number) >= 50 && err?.stack ? `\n${err.stack.replace(/^/gm, '    ')}` : '';
  return `${head}${stack}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
