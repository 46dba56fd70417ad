import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { chooseLogFormat, createLogger, formatLogLine, type LogFormat } from '../src/log.js';

function capture(format: LogFormat, level = 'info') {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) }, format);
  return { logger, lines };
}

describe('log formats', () => {
  it('json: one JSON object per line, for machines', () => {
    const { logger, lines } = capture('json');
    logger.warn({ model: 'Xenova/all-MiniLM-L6-v2', reason: 'fetch failed' }, 'Could not load the model');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, app: 'guidebot', model: 'Xenova/all-MiniLM-L6-v2', reason: 'fetch failed', msg: 'Could not load the model' });
  });

  it('pretty: one readable line per message, with its fields, and no JSON', () => {
    const { logger, lines } = capture('pretty');
    logger.warn({ model: 'Xenova/all-MiniLM-L6-v2', reason: 'fetch failed', counts: { chunks: 3 } }, 'Could not load the model');
    logger.info('search index loaded');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d WARN {2}Could not load the model {2}model=Xenova\/all-MiniLM-L6-v2 reason="fetch failed" counts=\{"chunks":3\}\n$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d INFO {2}search index loaded\n$/);
    expect(lines.join('')).not.toContain('"level"');
  });

  it('pretty: an error gives its message on the line and its stack below; secrets stay redacted', () => {
    const { logger, lines } = capture('pretty');
    logger.error({ err: new Error('disk full'), token: 'secret-token' }, 'could not write');
    const [head, ...stack] = lines[0]!.trimEnd().split('\n');
    expect(head).toMatch(/ERROR could not write: disk full {2}token=\[redacted\]$/);
    expect(stack[0]).toMatch(/^ {4}Error: disk full/);
    expect(lines[0]).not.toContain('secret-token');
  });

  it('a line that is not JSON passes through unchanged', () => {
    expect(formatLogLine('plain text')).toBe('plain text\n');
  });
});

describe('choosing the log format', () => {
  it('LOG_FORMAT wins; unset, a terminal or the console mode reads lines, anything else gets JSON', () => {
    expect(chooseLogFormat('json', { terminal: true, consoleMode: true })).toBe('json');
    expect(chooseLogFormat('pretty', { terminal: false })).toBe('pretty');
    expect(chooseLogFormat(undefined, { terminal: true })).toBe('pretty');
    expect(chooseLogFormat(undefined, { terminal: false, consoleMode: true })).toBe('pretty');
    expect(chooseLogFormat(undefined, { terminal: false })).toBe('json');
  });

  it('LOG_FORMAT is validated by the configuration; empty means unset', () => {
    expect(loadConfig({ LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    expect(loadConfig({ LOG_FORMAT: '' }).LOG_FORMAT).toBeUndefined();
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });
});
