import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, loadDotEnv, PROJECT_ROOT, type Config } from '../src/config.js';
import { ModelUnavailableError } from '../src/embed/embedder.js';
import { IndexUnavailableError } from '../src/engine.js';
import { IngestError } from '../src/guide/ingest/types.js';
import { CorpusError } from '../src/guide/load.js';
import { chooseLogFormat, createLogger, type Logger } from '../src/log.js';

/** The evaluation questions kept in the repository: the public sample and the held-out set. */
export const EVAL_QUESTION_FILES = ['dev-tuning.jsonl', 'dev-heldout.jsonl', 'public-questions.jsonl'].map((file) => path.join(PROJECT_ROOT, 'eval', file));

/** Shared start-up for the command-line scripts: .env, validated config, a logger on standard error. */
export function startCli(overrides: Partial<Record<string, string>> = {}): { config: Config; logger: Logger } {
  loadDotEnv();
  try {
    const config = loadConfig({ ...process.env, ...overrides });
    return { config, logger: createLogger(config.LOG_LEVEL, undefined, chooseLogFormat(config.LOG_FORMAT, { terminal: process.stderr.isTTY })) };
  } catch (error) {
    exitWithError(error);
  }
}

/** A value an option does not take (`--n 0`): `exitWithError` prints the message alone and exits with USAGE_EXIT_CODE. */
export class OptionValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionValueError';
  }
}

/** Prints a friendly message for errors a person can fix, a stack trace for anything else. */
export function exitWithError(error: unknown): never {
  if (error instanceof OptionValueError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(USAGE_EXIT_CODE);
  }
  const known = [ConfigError, CorpusError, IngestError, ModelUnavailableError, IndexUnavailableError].some((type) => error instanceof type);
  process.stderr.write(`${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`);
  process.exit(1);
}

/** The options a command takes, in the form `node:util` parseArgs reads (`{ force: { type: 'boolean' } }`). */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** The exit code of a command called the wrong way (an unknown option, a missing value). */
export const USAGE_EXIT_CODE = 2;

/**
 * Reads a command's options strictly: an unknown option, a missing value, a value given to a flag or
 * (unless `positionals` is set) an argument that is not an option prints one line naming the problem
 * and the usage, and exits with code 2. `--` ends the options.
 */
export function parseCommandLine<const T extends OptionSpec>(argv: string[], spec: { usage: string; options: T; positionals?: boolean }) {
  try {
    return parseArgs({ args: argv, options: spec.options, allowPositionals: spec.positionals ?? false, strict: true });
  } catch (error) {
    const problem = usageProblem(error);
    if (problem === undefined) throw error;
    process.stderr.write(`${problem}. Usage: ${spec.usage}\n`);
    process.exit(USAGE_EXIT_CODE);
  }
}

/** A short description of a parseArgs error (Node's own messages run to several sentences), or undefined for any other error. */
function usageProblem(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = (error as Error | undefined)?.message ?? '';
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument "${quoted}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = quoted.split(' ')[0] ?? quoted;
      return message.includes('does not take an argument') ? `Option ${option} takes no value` : `Option ${option} needs a value`;
    }
    default:
      return undefined;
  }
}
