import fs from 'node:fs';
import type { Logger } from '../log.js';
import { WATCH_DEBOUNCE_MS } from './limits.js';

/**
 * Watches the host's corpus folder and calls `reload` once changes have settled (an editor's save is
 * several events). A reload never overlaps another: changes during one start the next after it.
 */
export interface FolderWatcher {
  close(): void;
  /** Resolves when no reload is waiting or running (tests). */
  idle(): Promise<void>;
}

export function watchFolder(dir: string, reload: () => Promise<unknown>, logger: Logger, debounceMs = WATCH_DEBOUNCE_MS): FolderWatcher {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let waiters: (() => void)[] = [];

  const settle = () => {
    if (timer || running) return;
    for (const resolve of waiters) resolve();
    waiters = [];
  };
  const run = () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = reload()
      .then(
        () => undefined,
        (error: unknown) => logger.error({ err: error, dir }, 'the shared library could not be re-indexed; the previous guides stay in use'),
      )
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        } else settle();
      });
  };
  const watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
    if (name && /^\.|~$|\.tmp$|\.swp$/.test(name)) return;
    clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  });
  watcher.on('error', (error) => logger.error({ err: error, dir }, 'watching the corpus folder failed; changes there need a restart'));
  logger.info({ dir }, 'watching the corpus folder for changes');
  return {
    close() {
      clearTimeout(timer);
      timer = undefined;
      watcher.close();
      settle();
    },
    idle() {
      if (!timer && !running) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
