import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths pino must never print, wherever a secret might travel inside a log object. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'headers.authorization',
  '*.headers.authorization',
  'config.DISCORD_TOKEN',
];

/**
 * Structured logs go to standard error so that command-line tools can keep standard output for
 * their results (`npm run --silent ask -- --json`).
 */
export function createLogger(level = 'info', destination = pino.destination({ fd: 2, sync: true })): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { app: 'guidebot' },
    },
    destination,
  );
}
