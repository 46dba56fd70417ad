/**
 * The real bot as its own process, as it runs in production (`node dist/main.js`, or the TypeScript
 * sources through tsx), pointed at a fake Discord. Its JSON log lines are read to know when it is ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/config.js';

export type BotRunner = 'dist' | 'tsx';

export interface BotProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves at the bot's `ready` log line; rejects if it exits first. */
  ready: Promise<void>;
  /** Log lines at error level or above so far. */
  errorLines(): string[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const ERROR_LEVEL = 50;

/** `nodeArgs` go before the entry point (e.g. `--cpu-prof`, which NODE_OPTIONS does not allow). */
export function startBotProcess(runner: BotRunner, env: Record<string, string>, nodeArgs: string[] = []): BotProcess {
  const args = [...nodeArgs, ...(runner === 'dist' ? ['--enable-source-maps', 'dist/main.js'] : ['--import', 'tsx', 'src/main.ts'])];
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const errors: string[] = [];
  let partial = '';
  let onReady: () => void = () => undefined;
  let stderrTail = '';
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    child.on('exit', (code) => reject(new Error(`the bot exited (code ${code}) before it was ready:\n${stderrTail}`)));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      if (entry.msg === 'ready') onReady();
      if ((entry.level ?? 0) >= ERROR_LEVEL) errors.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    ready,
    errorLines: () => errors,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
