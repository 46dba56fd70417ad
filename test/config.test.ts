import { describe, expect, it } from 'vitest';
import os from 'node:os';
import { ConfigError, defaultEngineWorkers, loadConfig, MAX_ENGINE_WORKERS } from '../src/config.js';

describe('loadConfig', () => {
  it('applies defaults, treating empty variables as unset', () => {
    const config = loadConfig({ LOG_LEVEL: '', MODEL_DTYPE: '', DISCORD_TOKEN: '', CORPUS_DIR: '  ' });
    expect(config).toMatchObject({ MODEL_ID: 'Xenova/all-MiniLM-L6-v2', RATE_LIMIT_PER_USER: 5, RATE_LIMIT_WINDOW_SECONDS: 30, RETENTION_DAYS: 90 });
    expect(config.LOG_LEVEL).toBeUndefined();
    expect(config.DISCORD_TOKEN).toBeUndefined();
    expect(config.CORPUS_DIR).toMatch(/corpus$/);
  });

  it('names every invalid variable in one clear error', () => {
    let error: unknown;
    try {
      loadConfig({ RATE_LIMIT_PER_USER: '-3', DISCORD_GUILD_ID: 'abc', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/RATE_LIMIT_PER_USER: must be at least 1/);
    expect(message).toMatch(/DISCORD_GUILD_ID: must be a Discord id/);
    expect(message).toMatch(/LOG_LEVEL/);
    expect(message).toMatch(/\.env\.example/);
  });

  it('keeps one core for the Discord thread when ENGINE_WORKERS is unset (at least one worker)', () => {
    expect([1, 2, 4, 8, 200].map(defaultEngineWorkers)).toEqual([1, 1, 3, 7, MAX_ENGINE_WORKERS]);
    expect(loadConfig({}).ENGINE_WORKERS).toBe(defaultEngineWorkers(os.availableParallelism()));
    expect(loadConfig({ ENGINE_WORKERS: '0' }).ENGINE_WORKERS).toBe(0);
  });
});
