import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { describe, expect, it } from 'vitest';
import { databaseWritable, healthChecks } from '../../src/ops/health-checks.js';
import { runChecks } from '../../src/ops/health-server.js';

describe('health checks', () => {
  it('the database: writable, read-only, closed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-health-'));
    try {
      const file = path.join(dir, 'x.db');
      const db = new SqliteDatabase(new Database(file), file);
      await db.exec('CREATE TABLE t (x)');
      expect(await databaseWritable(db)).toBe(true);
      const readonly = new SqliteDatabase(new Database(file, { readonly: true }), file);
      expect(await databaseWritable(readonly)).toBe('the database is open read-only');
      await readonly.close();
      await db.close();
      expect(await databaseWritable(db)).toBe('the database is not open');
      expect(await databaseWritable(undefined)).toBe('the database is not open');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports each failing check by name, and a check that throws as failed', async () => {
    const checks = healthChecks({ bot: () => undefined, index: () => ({ chunks: 0 }), db: () => undefined });
    expect(
      await runChecks({
        ...checks,
        broken: () => {
          throw new Error('boom');
        },
      }),
    ).toEqual({
      ok: false,
      checks: {
        gateway: { ok: false, error: 'not logged in to Discord yet' },
        index: { ok: false, error: 'the search index is empty' },
        database: { ok: false, error: 'the database is not open' },
        broken: { ok: false, error: 'boom' },
      },
    });
    const up = healthChecks({ bot: () => ({ gatewayConnected: false, acceptingInteractions: true }), index: () => ({ chunks: 3 }), db: () => undefined });
    expect(up.gateway!()).toBe('the Discord gateway is disconnected (reconnecting)');
    expect(up.index!()).toBe(true);
  });
});
