import { StoreError } from './errors.js';
import { migrations as defaultMigrations, type Migration } from './migrations.js';
import type { SqlDatabase } from './sql.js';

/**
 * Where PostgreSQL keeps the schema version (SQLite keeps it in PRAGMA user_version): one row per
 * applied migration.
 */
export const SCHEMA_TABLE = 'guidebot_schema';
/**
 * The advisory lock key migrations hold on PostgreSQL, so that processes starting together (shards)
 * migrate one after the other: the first applies the pending migrations, the others then find none.
 */
export const MIGRATION_LOCK_KEY = 4_711_001;

/** The schema version of a Guidebot database (0 when it has none yet). */
export async function schemaVersion(db: SqlDatabase): Promise<number> {
  if (db.dialect === 'sqlite') return (await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
  const table = await db.get<{ name: string | null }>('SELECT to_regclass(?) AS name', [SCHEMA_TABLE]);
  if (!table?.name) return 0;
  return (await db.get<{ version: number | null }>(`SELECT max(version) AS version FROM ${SCHEMA_TABLE}`))?.version ?? 0;
}

export function migrationSql(migration: Migration, db: SqlDatabase): string | undefined {
  return typeof migration.sql === 'string' ? migration.sql : migration.sql?.[db.dialect];
}

/**
 * Applies the pending migrations and returns how many. SQLite: each in its own IMMEDIATE
 * transaction together with its user_version bump. PostgreSQL: all in one transaction that holds
 * an advisory lock, with one row per migration in the schema table.
 */
export async function migrate(db: SqlDatabase, list: readonly Migration[] = defaultMigrations): Promise<number> {
  if (db.dialect === 'postgres') return migratePostgres(db, list);
  let applied = 0;
  const step = () =>
    db.transaction(async (): Promise<boolean> => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      const current = await schemaVersion(db);
      const migration = list[current];
      if (migration === undefined) return false;
      await apply(db, migration);
      await db.exec(`PRAGMA user_version = ${current + 1}`);
      return true;
    });
  while (await step()) applied += 1;
  return applied;
}

async function migratePostgres(db: SqlDatabase, list: readonly Migration[]): Promise<number> {
  return db.transaction(async () => {
    await db.get('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]);
    await db.exec(`CREATE TABLE IF NOT EXISTS ${SCHEMA_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const current = await schemaVersion(db);
    if (current > list.length) throw newerSchema(db.location, current, list.length, 'point DATABASE_URL at a different database');
    for (let version = current + 1; version <= list.length; version++) {
      const migration = list[version - 1]!;
      await apply(db, migration);
      await db.run(`INSERT INTO ${SCHEMA_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`, [version, migration.name, Date.now()]);
    }
    return list.length - current;
  });
}

async function apply(db: SqlDatabase, migration: Migration): Promise<void> {
  const sql = migrationSql(migration, db);
  if (sql !== undefined) await db.exec(sql);
  await migration.run?.(db);
}

export function newerSchema(where: string, version: number, known: number, fix: string): StoreError {
  return new StoreError(
    'newer-schema',
    where,
    `The database "${where}" was created by a newer version of Guidebot (schema version ${version}; this version knows up to ${known}). ` + `It was left untouched. Upgrade Guidebot, or ${fix}.`,
  );
}
