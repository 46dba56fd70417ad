import fs from 'node:fs';

/** The `question` of every line of the given JSON-lines files (the evaluation sets). */
export function readQuestions(files: string[]): string[] {
  const questions = files
    .flatMap((file) => fs.readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { question: string }).question);
  if (questions.length === 0) throw new Error(`no questions found in ${files.join(' or ')}`);
  return questions;
}

/** The nearest-rank percentile of sorted values, to 0.1. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index]! * 10) / 10;
}

/** p50, p95, p99 and max of latencies in milliseconds. */
export function latencySummary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
}
