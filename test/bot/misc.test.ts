import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/bot/commands/index.js';
import { customId, intArg, parseCustomId } from '../../src/bot/custom-id.js';
import { AnswerCache } from '../../src/bot/answer-cache.js';
import { MemoryFeedbackSink } from '../../src/bot/feedback.js';
import { QUIZ_ANSWER_MAX } from '../../src/bot/limits.js';
import { configSchema } from '../../src/config.js';
import { MAX_QUIZ_ANSWER_CHARS } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';
import { REGISTERED_COMMANDS } from '../helpers/commands.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('custom ids', () => {
  it('round-trip and refuse ids Discord would reject', () => {
    expect(parseCustomId(customId('ask-more', '123', 5))).toEqual({ prefix: 'ask-more', args: ['123', '5'] });
    expect(() => customId('x', 'a'.repeat(100))).toThrow(/longer than 100/);
    expect(() => customId('x', 'a:b')).toThrow(/contains/);
    expect(intArg('12')).toBe(12);
    expect(intArg('-1')).toBeUndefined();
    expect(intArg('1e3')).toBeUndefined();
  });
});

describe('paging the table of contents', () => {
  it('pageLines keeps every line, in order, in pages under the limit', async () => {
    const { pageLines } = await import('../../src/bot/commands/sections.js');
    const lines = Array.from({ length: 400 }, (_, i) => `• heading number ${i}`);
    const pages = pageLines(lines, 1000);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.join('\n').length).toBeLessThanOrEqual(1000);
    expect(pages.flat()).toEqual(lines);
  });
});

describe('bounded memory', () => {
  it('the answer cache is an LRU', () => {
    const cache = new AnswerCache(2);
    const entry = { question: 'q', userId: 'u', guildId: null, createdAt: 0 };
    cache.set('a', entry);
    cache.set('b', entry);
    cache.get('a');
    cache.set('c', entry);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('the in-memory feedback sink keeps the latest vote per user and answer, bounded', () => {
    const sink = new MemoryFeedbackSink(3);
    const vote = (answerId: string, helpful: boolean) => sink.record({ answerId, userId: 'u', helpful, guildId: null, at: 0 });
    expect(vote('1', true)).toBe('recorded');
    expect(vote('1', true)).toBe('unchanged');
    expect(vote('1', false)).toBe('changed');
    for (const id of ['2', '3', '4']) vote(id, true);
    expect(sink.entries().map((entry) => entry.answerId)).toEqual(['2', '3', '4']);
  });
});

describe('command definitions', () => {
  it('fit Discord limits and agree with the engine', () => {
    expect(QUIZ_ANSWER_MAX).toBe(MAX_QUIZ_ANSWER_CHARS);
    const names = COMMANDS.map((command) => command.data.name);
    expect(new Set(names).size).toBe(names.length);
    for (const command of COMMANDS) {
      expect(command.data.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
      expect(command.data.description.length).toBeLessThanOrEqual(100);
      for (const option of command.data.options ?? []) expect(option.description.length).toBeLessThanOrEqual(100);
      expect(command.help.description.length).toBeLessThanOrEqual(1024);
    }
  });

  it('`npm run --silent register -- --dry-run` prints only the JSON, with no token or network', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'register', '--', '--dry-run'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    });
    const commands = JSON.parse(stdout) as { name: string; options?: { name: string; max_length?: number; min_length?: number; autocomplete?: boolean }[] }[];
    expect(commands.map((command) => command.name)).toEqual(REGISTERED_COMMANDS);
    expect(commands[0]!.options![0]).toMatchObject({ name: 'question', min_length: 1, max_length: 500 });
    expect(commands[1]!.options![0]).toMatchObject({ name: 'name', autocomplete: true });
  });
});

describe('configuration and secrets', () => {
  it('.env.example lists every variable of the config', () => {
    const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^([A-Z_]+)=/gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('the token is redacted wherever it appears in a log object', () => {
    let output = '';
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        output += String(chunk);
        callback();
      },
    });
    const logger = createLogger('info', sink);
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.secret-token-value';
    logger.info({ token }, 'a');
    logger.info({ DISCORD_TOKEN: token }, 'b');
    logger.info({ config: { DISCORD_TOKEN: token, LOG_LEVEL: 'info' } }, 'c');
    logger.info({ request: { headers: { authorization: `Bot ${token}` } } }, 'd');
    logger.info({ client: { token } }, 'e');
    expect(output.split('\n').filter(Boolean)).toHaveLength(5);
    expect(output).not.toContain(token);
    expect(output).toContain('[redacted]');
  });
});
