/**
 * `npm run calibrate [-- --model ID]`: fits the confidence model of an embedding model on the
 * tuning half of the development set (never on the held-out half or the public sample) and prints
 * the calibration to put in its profile (src/embed/profiles.ts).
 *
 * - The probability that a question is answerable comes from a logistic regression of
 *   "in scope" on the retrieval signals.
 * - The answering threshold is the highest at which no more than 4% of the tuning questions in
 *   scope are refused (the target is 5%; the margin is for questions not seen).
 * - "Strong match" starts where the top passage is right for at least 85% of the answered tuning
 *   questions above it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';
import { Engine } from '../src/engine.js';
import { isOnTarget, parseEvalFile } from '../src/eval.js';
import { features, type AnswerSignals } from '../src/search/confidence.js';
import { fitSignedLogistic } from '../src/search/calibration-fit.js';
import { exitWithError, parseCommandLine, startCli } from './cli.js';

const TUNING_FILE = path.resolve(PROJECT_ROOT, 'eval/dev-tuning.jsonl');
const MAX_FALSE_REFUSALS = 0.04;
const STRONG_PRECISION = 0.85;

async function main() {
  const { values } = parseCommandLine(process.argv.slice(2), { usage: 'npm run calibrate [-- --model ID]', options: { model: { type: 'string' } } });
  const { config, logger } = startCli();
  const modelId = values.model ?? config.MODEL_ID;
  const slug = modelId.replace(/[^\w.-]+/g, '_');
  const engine = await Engine.open({ config: { ...config, MODEL_ID: modelId, INDEX_DIR: path.join(config.INDEX_DIR, 'eval', slug) }, logger });
  const questions = parseEvalFile(fs.readFileSync(TUNING_FILE, 'utf8'));

  const rows: { x: number[]; refusedOutright: boolean; inScope: boolean; topRight: boolean; signals: AnswerSignals }[] = [];
  for (const question of questions) {
    const answer = await engine.ask(question.question, { k: 5 });
    // Questions refused before retrieval (no topic, off topic, invalid) carry no signals and take no part in the fit.
    if (!answer.signals) continue;
    rows.push({
      x: features(answer.signals),
      refusedOutright: answer.confidence === 0,
      inScope: !question.out_of_scope,
      topRight: answer.passages[0] !== undefined && isOnTarget(answer.passages[0].section, question.gold),
      signals: answer.signals,
    });
  }
  // More shared vocabulary and closer meaning speak for answering; vocabulary and names the guides never use, and no word in common, against.
  const [bias, coverage, cosine, unknownMass, unknownName, noOverlap] = fitSignedLogistic(
    rows.map((row) => row.x),
    rows.map((row) => (row.inScope ? 1 : 0)),
    [1, 1, -1, -1, -1],
  ) as [number, number, number, number, number, number];
  const p = (x: number[]) => 1 / (1 + Math.exp(-(bias + coverage * x[0]! + cosine * x[1]! + unknownMass * x[2]! + unknownName * x[3]! + noOverlap * x[4]!)));
  // A question the engine refuses outright (no topic word in common with the guides) stays refused whatever the model says.
  const scored = rows.map((row) => ({ ...row, p: row.refusedOutright ? 0 : p(row.x) }));
  const inScope = questions.filter((question) => !question.out_of_scope).length;

  const candidates = [...new Set(scored.map((row) => row.p))].sort((a, b) => b - a);
  let threshold = 0;
  for (const t of candidates) {
    const refused = scored.filter((row) => row.inScope && row.p < t).length;
    if (refused / inScope <= MAX_FALSE_REFUSALS) {
      threshold = t;
      break;
    }
  }
  let strong = 1;
  for (const t of [...candidates].reverse()) {
    if (t < threshold) continue;
    const above = scored.filter((row) => row.inScope && row.p >= t);
    if (above.length >= 5 && above.filter((row) => row.topRight).length / above.length >= STRONG_PRECISION) {
      strong = t;
      break;
    }
  }
  const round = (value: number) => Number(value.toFixed(3));
  const calibration = {
    bias: round(bias),
    coverage: round(coverage),
    cosine: round(cosine),
    unknownMass: round(unknownMass),
    unknownName: round(unknownName),
    noOverlap: round(noOverlap),
    threshold: round(threshold),
    strong: round(strong),
  };
  const outOfScope = scored.filter((row) => !row.inScope);
  process.stdout.write(
    `${JSON.stringify({ model: engine.embedder.modelId, questions: rows.length, calibration, tuning: { inScopeRefused: scored.filter((row) => row.inScope && row.p < threshold).length, outOfScopeAnswered: outOfScope.filter((row) => row.p >= threshold).length, outOfScope: outOfScope.length } }, null, 2)}\n`,
  );
}

main().catch(exitWithError);
