/**
 * One graceful stop per process, however the signal arrives. Operators send SIGTERM or SIGINT to the
 * node process, to npm (which forwards it), or to the whole process group (Ctrl-C, systemd), so the
 * bot often receives the same request two or three times within milliseconds. The first signal starts
 * the drain; repeats while draining are logged and do not cut it short. Only the drain's own deadline
 * or a third signal, sent deliberately (more than DUPLICATE_SIGNAL_MS after the previous one), stops
 * the process at once.
 */
import type { Logger } from './log.js';

/** Signals closer together than this are one request delivered twice (npm forwarding, a process group). */
export const DUPLICATE_SIGNAL_MS = 1000;
/** The signal that abandons the drain and exits at once. */
export const SIGNALS_TO_FORCE_EXIT = 3;

export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ShutdownOptions {
  logger: Logger;
  /** Finishes the work in flight and closes resources. Bounded by its own deadline. */
  drain: () => Promise<void>;
  /** Defaults to process.exit. */
  exit?: (code: number) => void;
  /** Where signals are listened for (default: process). */
  target?: Pick<NodeJS.EventEmitter, 'on'>;
  now?: () => number;
}

export interface Shutdown {
  /** Starts the stop (once) and exits with `code` when the drain is over. */
  stop(code: number, reason: string): Promise<void>;
  /** Whether a stop has begun. */
  readonly stopping: boolean;
}

export function installShutdown(options: ShutdownOptions): Shutdown {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const now = options.now ?? (() => Date.now());
  let stopping: Promise<void> | undefined;
  let requests = 0;
  let lastCounted = -Infinity;

  const stop = (code: number, reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      try {
        await options.drain();
      } catch (error) {
        logger.error({ err: error }, 'error while shutting down');
        code = code === 0 ? 1 : code;
      }
      exit(code);
    })();
    return stopping;
  };

  const onSignal = (signal: string) => {
    const at = now();
    if (requests > 0 && at - lastCounted < DUPLICATE_SIGNAL_MS) {
      logger.debug({ signal }, 'the same stop request delivered again; ignored');
      return;
    }
    requests += 1;
    lastCounted = at;
    if (requests === 1) {
      void stop(0, signal);
    } else if (requests < SIGNALS_TO_FORCE_EXIT) {
      logger.warn({ signal }, 'already shutting down: finishing the answers in flight (send the signal once more to exit at once)');
    } else {
      logger.warn({ signal }, 'exiting now, without finishing the answers in flight');
      exit(1);
    }
  };

  const target = options.target ?? process;
  for (const signal of SHUTDOWN_SIGNALS) target.on(signal, () => onSignal(signal));

  return {
    stop,
    get stopping() {
      return stopping !== undefined;
    },
  };
}
