import { defineConfig } from 'vitest/config';

const ENV = { MODEL_ID: 'offline', LOG_LEVEL: 'silent' };

/**
 * The teacher suites run the real bot on its store end to end; they run a second time on PostgreSQL when a test
 * server is given (TEST_DATABASE_URL), or must (REQUIRE_POSTGRES=1, CI), as the store suites do.
 */
const POSTGRES_E2E_SUITES = ['test/e2e/teacher-review.test.ts', 'test/e2e/teacher-settings.test.ts', 'test/e2e/teacher-data.test.ts'];
const withPostgres = Boolean(process.env.TEST_DATABASE_URL?.trim()) || process.env.REQUIRE_POSTGRES === '1';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Integration tests load the real offline model and build a real index.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'all', include: ['test/**/*.test.ts'], env: ENV } },
      ...(withPostgres ? [{ extends: true as const, test: { name: 'e2e-postgres', include: POSTGRES_E2E_SUITES, env: { ...ENV, E2E_STORE: 'postgres' } } }] : []),
    ],
  },
});
