/**
 * `npm run eval [-- --questions FILE] [--json] [--misses]`: scores an evaluation file for hybrid,
 * dense-only and BM25-only retrieval, side by side.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';
import { Engine, type Answer, type RetrievalMode } from '../src/engine.js';
import { parseEvalFile, scoreAnswers, type EvalScores } from '../src/eval.js';
import { exitWithError, parseCommandLine, startCli } from './cli.js';

const DEFAULT_QUESTIONS = path.join(PROJECT_ROOT, 'eval', 'public-questions.jsonl');
const MODES: RetrievalMode[] = ['hybrid', 'dense', 'bm25'];

const ROWS: [string, (scores: EvalScores) => string][] = [
  ['recall@1', (s) => s.recallAt1.toFixed(3)],
  ['recall@3', (s) => s.recallAt3.toFixed(3)],
  ['recall@5', (s) => s.recallAt5.toFixed(3)],
  ['MRR', (s) => s.mrr.toFixed(3)],
  ['expect-hit rate', (s) => `${s.expectHitRate.toFixed(3)} (of ${s.expectQuestions})`],
  ['out-of-scope refused', (s) => `${s.outOfScopeRefusalRate.toFixed(3)} (of ${s.outOfScope})`],
  ['in-scope refused', (s) => `${s.inScopeFalseRefusalRate.toFixed(3)} (of ${s.inScope})`],
];

async function main() {
  const { values: options } = parseCommandLine(process.argv.slice(2), {
    usage: 'npm run eval [-- --questions FILE] [--json] [--misses]',
    options: { questions: { type: 'string' }, json: { type: 'boolean' }, misses: { type: 'boolean' } },
  });
  const file = path.resolve(options.questions ?? DEFAULT_QUESTIONS);
  if (!fs.existsSync(file)) throw new Error(`No evaluation file at ${file}. Pass one with --questions FILE.`);
  const questions = parseEvalFile(fs.readFileSync(file, 'utf8'));
  const { config, logger } = startCli();
  const engine = await Engine.open({ config, logger });

  const results = {} as Record<RetrievalMode, EvalScores>;
  for (const mode of MODES) {
    const answers: Answer[] = [];
    for (const question of questions) answers.push(await engine.ask(question.question, { k: 5, mode }));
    results[mode] = scoreAnswers(questions, answers);
  }

  if (options.json) {
    const strip = ({ misses, ...scores }: EvalScores) => (options.misses ? { ...scores, misses } : scores);
    process.stdout.write(`${JSON.stringify({ model: engine.embedder.modelId, file: path.basename(file), hybrid: strip(results.hybrid), dense: strip(results.dense), bm25: strip(results.bm25) }, null, 2)}\n`);
    return;
  }
  const width = 24;
  const lines = [
    `${path.basename(file)}: ${questions.length} questions · model ${engine.embedder.modelId}`,
    '',
    `${''.padEnd(width)}${MODES.map((mode) => mode.padEnd(18)).join('')}`,
    ...ROWS.map(([label, value]) => `${label.padEnd(width)}${MODES.map((mode) => value(results[mode]).padEnd(18)).join('')}`),
  ];
  if (options.misses) {
    lines.push('', 'Hybrid misses:');
    for (const miss of results.hybrid.misses) lines.push(`  ${miss.id} ${miss.question} — ${miss.problem}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch(exitWithError);
