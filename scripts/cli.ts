import path from 'node:path';
import { ConfigError, loadConfig, loadDotEnv, PROJECT_ROOT, type Config } from '../src/config.js';
import { ModelUnavailableError } from '../src/embed/embedder.js';
import { IndexUnavailableError } from '../src/engine.js';
import { CorpusError } from '../src/guide/load.js';
import { createLogger, type Logger } from '../src/log.js';

/** The evaluation questions kept in the repository: the public sample and the held-out set. */
export const EVAL_QUESTION_FILES = [path.join(PROJECT_ROOT, 'eval', 'public-questions.jsonl'), path.join(PROJECT_ROOT, 'eval', 'extra-questions.jsonl')];

/** Shared start-up for the command-line scripts: .env, validated config, a logger on standard error. */
export function startCli(overrides: Partial<Record<string, string>> = {}): { config: Config; logger: Logger } {
  loadDotEnv();
  try {
    const config = loadConfig({ ...process.env, ...overrides });
    return { config, logger: createLogger(config.LOG_LEVEL) };
  } catch (error) {
    exitWithError(error);
  }
}

/** Prints a friendly message for errors a person can fix, a stack trace for anything else. */
export function exitWithError(error: unknown): never {
  const known = [ConfigError, CorpusError, ModelUnavailableError, IndexUnavailableError].some((type) => error instanceof type);
  process.stderr.write(`${known ? (error as Error).message : (error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
}

/** Reads `--name value` and `--flag` options; everything else is positional. */
export function parseArgs(argv: string[], valueOptions: string[]): { options: Map<string, string | true>; positional: string[] } {
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (inline !== undefined) options.set(name, inline);
      else if (valueOptions.includes(name)) {
        const value = argv[++i];
        if (value === undefined) throw new Error(`--${name} needs a value`);
        options.set(name, value);
      } else options.set(name, true);
    } else positional.push(arg);
  }
  return { options, positional };
}
