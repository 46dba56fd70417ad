import type { Library } from '../library/library.js';
import type { Logger } from '../log.js';
import type { ClusterEvents } from './events.js';

/**
 * Keeps the guide libraries of shard processes on one machine in step: a change committed here is
 * announced, and a change announced by another process makes this one drop what it holds of that
 * server's library (read again from library.json and the book indexes on next use). Returns the
 * function that stops it.
 */
export function syncLibraryAcrossProcesses(library: Library, events: ClusterEvents, logger: Logger): () => void {
  const stopAnnouncing = library.onCommitted((guildId) => {
    events.publish({ kind: 'guides', guildId, subjectId: 0 }).catch((error: unknown) => logger.error({ err: error, guildId }, 'could not announce a guide library change to the other processes'));
  });
  const stopListening = events.subscribe((change) => {
    if (change.kind !== 'guides' || change.origin === events.origin) return;
    library.forget(change.guildId);
    logger.info({ guildId: change.guildId }, 'guide library changed by another process; reloading it on next use');
  });
  return () => {
    stopAnnouncing();
    stopListening();
  };
}
