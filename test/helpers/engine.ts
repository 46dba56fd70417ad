import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT, type Config } from '../../src/config.js';
import { Engine, type EngineOptions } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';

export const CORPUS_DIR = path.join(PROJECT_ROOT, 'corpus');

export function tempDir(prefix = 'guidebot-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * The model the integration tests run with: the offline model unless GUIDEBOT_TEST_MODEL names
 * another (CI runs them again with all-MiniLM-L6-v2, imported by scripts/fetch-minilm.sh).
 */
export const TEST_MODEL_ID = process.env.GUIDEBOT_TEST_MODEL ?? 'offline';

/** Test configuration: the test model, the real corpus, a fresh index folder. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ MODEL_ID: TEST_MODEL_ID, LOG_LEVEL: 'silent', CORPUS_DIR, INDEX_DIR: tempDir('guidebot-index-'), ...overrides });
}

export const silentLogger = createLogger('silent');

export function openTestEngine(config: Config = testConfig(), options: Partial<EngineOptions> = {}): Promise<Engine> {
  return Engine.open({ config, logger: silentLogger, ...options });
}
