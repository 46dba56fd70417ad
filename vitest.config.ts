import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Integration tests load the real offline model and build a real index.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { MODEL_ID: 'offline', LOG_LEVEL: 'silent' },
  },
});
