/**
 * What `/healthz` checks: the Discord gateway session is up, the search index is loaded, and the
 * database takes writes. Each check says in a sentence what is wrong when it fails.
 */
import type { HealthCheck } from './health-server.js';

export interface HealthSubjects {
  /** The bot, once it has logged in. */
  bot: () => { gatewayConnected: boolean; acceptingInteractions: boolean } | undefined;
  index: () => { chunks: number } | undefined;
  db: () => { writable(): Promise<true | string> } | undefined;
}

export function healthChecks(subjects: HealthSubjects): Record<string, HealthCheck> {
  return {
    gateway: () => {
      const bot = subjects.bot();
      if (!bot) return 'not logged in to Discord yet';
      if (!bot.acceptingInteractions) return 'shutting down';
      return bot.gatewayConnected || 'the Discord gateway is disconnected (reconnecting)';
    },
    index: () => {
      const index = subjects.index();
      if (!index) return 'the search index is not loaded yet';
      return index.chunks > 0 || 'the search index is empty';
    },
    database: () => databaseWritable(subjects.db()),
  };
}

/** The store's own check: SQLite opens an empty write transaction (the write lock can be taken); PostgreSQL checks the session is not read-only. */
export async function databaseWritable(db: { writable(): Promise<true | string> } | undefined): Promise<true | string> {
  if (db === undefined) return 'the database is not open';
  return db.writable();
}
