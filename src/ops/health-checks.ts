/**
 * What `/healthz` checks: the Discord gateway session is up, the search index is loaded, and the
 * database takes writes. Each check says in a sentence what is wrong when it fails.
 */
import type { Database } from 'better-sqlite3';
import type { HealthCheck } from './health-server.js';

export interface HealthSubjects {
  /** The bot, once it has logged in. */
  bot: () => { gatewayConnected: boolean; acceptingInteractions: boolean } | undefined;
  index: () => { chunks: number } | undefined;
  db: () => Database | undefined;
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

/** Opens and rolls back a write transaction: the file is open, not read-only, and its write lock can be taken. */
export function databaseWritable(db: Database | undefined): true | string {
  if (!db?.open) return 'the database is not open';
  if (db.readonly) return 'the database is open read-only';
  if (db.inTransaction) return true;
  db.exec('BEGIN IMMEDIATE');
  db.exec('ROLLBACK');
  return true;
}
