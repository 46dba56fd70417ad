/**
 * `npm run eval [-- --questions FILE]… [--model ID]… [--json] [--misses]`: answer quality on the
 * development set's tuning and held-out halves and the public sample (or the files given), for every
 * model that can be loaded (the configured one and the offline one), with hybrid, dense-only and
 * BM25-only retrieval side by side.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OFFLINE_MODEL_ALIAS, type Config } from '../src/config.js';
import { Engine, type Answer, type RetrievalMode } from '../src/engine.js';
import { parseEvalFile, scoreAnswers, type EvalQuestion, type EvalScores } from '../src/eval.js';
import type { Logger } from '../src/log.js';
import { refusedAnswer } from '../src/search/answer.js';
import { EVAL_QUESTION_FILES, exitWithError, parseCommandLine, startCli } from './cli.js';

const MODES: RetrievalMode[] = ['hybrid', 'dense', 'bm25'];

const pct = (value: number) => value.toFixed(3);
const ROWS: [string, (scores: EvalScores) => string][] = [
  ['recall@1', (s) => pct(s.recallAt1)],
  ['recall@3', (s) => pct(s.recallAt3)],
  ['recall@5', (s) => pct(s.recallAt5)],
  ['MRR', (s) => pct(s.mrr)],
  ['expect in quotes', (s) => `${pct(s.expectHitRate)} (of ${s.expectQuestions})`],
  ['expect in passages', (s) => `${pct(s.expectInPassagesRate)} (of ${s.expectQuestions})`],
  ['speaker named', (s) => `${pct(s.speakerHitRate)} (of ${s.speakerQuestions})`],
  ['out-of-scope refused', (s) => `${pct(s.outOfScopeRefusalRate)} (of ${s.outOfScope})`],
  ['in-scope refused', (s) => `${pct(s.inScopeFalseRefusalRate)} (of ${s.inScope})`],
];

interface FileResult {
  file: string;
  questions: number;
  scores: Record<RetrievalMode, EvalScores>;
}

/** Answers one question; a question that breaks the engine counts as refused, with the error, and the run goes on. */
async function answerSafely(engine: Engine, question: EvalQuestion, mode: RetrievalMode, logger: Logger): Promise<Answer> {
  try {
    return await engine.ask(question.question, { k: 5, mode });
  } catch (error) {
    logger.error({ err: error, id: question.id }, 'a question failed');
    return refusedAnswer(question.question, [], { reason: 'invalid', message: `error: ${(error as Error).message}` });
  }
}

async function evaluateModel(config: Config, logger: Logger, modelId: string, files: { file: string; questions: EvalQuestion[] }[]) {
  // Each model keeps its own index, so switching models does not rebuild the other's.
  const slug = modelId.replace(/[^\w.-]+/g, '_');
  const engine = await Engine.open({ config: { ...config, MODEL_ID: modelId, INDEX_DIR: path.join(config.INDEX_DIR, 'eval', slug) }, logger });
  const wantedOffline = modelId === OFFLINE_MODEL_ALIAS;
  if (!wantedOffline && engine.embedder.offline) return { model: modelId, unavailable: true as const };
  const results: FileResult[] = [];
  for (const { file, questions } of files) {
    const scores = {} as Record<RetrievalMode, EvalScores>;
    for (const mode of MODES) {
      const answers: Answer[] = [];
      for (const question of questions) answers.push(await answerSafely(engine, question, mode, logger));
      scores[mode] = scoreAnswers(questions, answers);
    }
    results.push({ file: path.basename(file), questions: questions.length, scores });
  }
  return { model: engine.embedder.modelId, unavailable: false as const, results };
}

function table(result: FileResult, showMisses: boolean): string[] {
  const width = 22;
  const lines = [
    `${result.file}: ${result.questions} questions`,
    `${''.padEnd(width)}${MODES.map((mode) => mode.padEnd(18)).join('')}`,
    ...ROWS.map(([label, value]) => `${label.padEnd(width)}${MODES.map((mode) => value(result.scores[mode]).padEnd(18)).join('')}`),
    `${'calibration (hybrid)'.padEnd(width)}${result.scores.hybrid.calibration.map((row) => `${row.level}: ${row.answered} answered, top passage right ${row.answered === 0 ? '-' : pct(row.topRight / row.answered)}, ${row.outOfScope} out of scope`).join(' · ')}`,
  ];
  if (showMisses) {
    lines.push('hybrid misses:');
    for (const miss of result.scores.hybrid.misses) lines.push(`  ${miss.id} ${miss.question} — ${miss.problem}`);
  }
  return lines;
}

async function main() {
  const { values } = parseCommandLine(process.argv.slice(2), {
    usage: 'npm run eval [-- --questions FILE]… [--model ID]… [--json] [--misses]',
    options: { questions: { type: 'string', multiple: true }, model: { type: 'string', multiple: true }, json: { type: 'boolean' }, misses: { type: 'boolean' } },
  });
  const options = { has: (name: 'json' | 'misses') => values[name] === true };
  const given = values.questions ?? [];
  const files = (given.length > 0 ? given.map((file) => path.resolve(file)) : EVAL_QUESTION_FILES).map((file) => {
    if (!fs.existsSync(file)) throw new Error(`No evaluation file at ${file}. Pass one with --questions FILE.`);
    return { file, questions: parseEvalFile(fs.readFileSync(file, 'utf8')) };
  });
  const { config, logger } = startCli();
  const models = [...new Set(values.model ?? [config.MODEL_ID, OFFLINE_MODEL_ALIAS])];

  const outcomes = [];
  for (const model of models) outcomes.push(await evaluateModel(config, logger, model, files));

  if (options.has('json')) {
    const strip = ({ misses, ...scores }: EvalScores) => (options.has('misses') ? { ...scores, misses } : scores);
    const json = outcomes.map((outcome) =>
      outcome.unavailable
        ? outcome
        : {
            model: outcome.model,
            files: outcome.results.map((result) => ({ file: result.file, questions: result.questions, ...Object.fromEntries(MODES.map((mode) => [mode, strip(result.scores[mode])])) })),
          },
    );
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  const lines: string[] = [];
  for (const outcome of outcomes) {
    lines.push(`== model ${outcome.model}`);
    if (outcome.unavailable) {
      lines.push('   not available here: import it with `bash scripts/fetch-minilm.sh` (see "Models" in the README); skipped', '');
      continue;
    }
    for (const result of outcome.results) lines.push(...table(result, options.has('misses')), '');
  }
  process.stdout.write(lines.join('\n'));
}

main().catch(exitWithError);
