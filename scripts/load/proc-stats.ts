/**
 * A process's own CPU time and memory, read from Linux's /proc: every thread's CPU (the engine
 * workers are threads of the bot process), the main thread's alone, resident memory now and at its peak.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface ProcSample {
  /** User plus system CPU time of every thread, ms. */
  cpuMs: number;
  /** The main thread's (the one whose id is the process id), ms. */
  mainThreadCpuMs: number;
  rssMb: number;
  /** The kernel's high-water mark of resident memory since the process started (VmHWM). */
  peakRssMb: number;
  threads: number;
  /** CPU time of each thread by its id (the main thread, engine workers, libuv, V8 and ONNX Runtime threads; Node names them all "node"), ms. */
  cpuMsByThread: Record<string, number>;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** utime + stime of a /proc/…/stat line, in ticks (fields 14 and 15; the command name may hold spaces, so count after its closing parenthesis). */
function cpuTicks(statLine: string): number {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const statusKb = (status: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);

/** Resident memory now, MB (cheap enough to sample often). */
export function residentMb(pid: number): number {
  return Math.round(statusKb(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') / 1024);
}

export function sampleProcess(pid: number): ProcSample {
  const ms = (ticks: number) => Math.round((ticks / clockTicks()) * 1000);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuMs: ms(cpuTicks(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))),
    mainThreadCpuMs: ms(cpuTicks(fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'))),
    rssMb: Math.round(statusKb(status, 'VmRSS') / 1024),
    peakRssMb: Math.round(statusKb(status, 'VmHWM') / 1024),
    threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? NaN),
    cpuMsByThread: cpuByThread(pid, ms),
  };
}

function cpuByThread(pid: number, ms: (ticks: number) => number): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended while the folder was read
    }
    totals[tid] = ms(cpuTicks(stat));
  }
  return totals;
}

/** The CPU time each thread used between two samples, ms, busiest first (threads that used none left out). */
export function threadCpuBetween(before: ProcSample, after: ProcSample): number[] {
  return Object.entries(after.cpuMsByThread)
    .map(([tid, ms]) => ms - (before.cpuMsByThread[tid] ?? 0))
    .filter((ms) => ms > 0)
    .sort((a, b) => b - a);
}
