import { z } from 'zod';
import { normaliseForMatch } from './guide/normalise.js';
import type { Answer } from './search/answer.js';

/** One line of an evaluation file (the format of the shared `questions.jsonl`). */
export const evalQuestionSchema = z.object({
  id: z.string(),
  question: z.string(),
  gold: z.array(z.string()).default([]),
  expect: z.string().optional(),
  /** For who-said-this questions: the speaker the answer must name. */
  speaker: z.string().optional(),
  /** The kind of question (casual, typo, attribution, …), for reporting. */
  kind: z.string().optional(),
  out_of_scope: z.boolean().optional(),
});
export type EvalQuestion = z.infer<typeof evalQuestionSchema>;

export function parseEvalFile(text: string): EvalQuestion[] {
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`line ${number} is not valid JSON`);
      }
      const parsed = evalQuestionSchema.safeParse(value);
      if (!parsed.success) throw new Error(`line ${number}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
      return parsed.data;
    });
}

/** A passage is on target when its normalised heading path contains any gold pattern. */
export function isOnTarget(section: string[], gold: string[]): boolean {
  const heading = normaliseForMatch(section.join(' '));
  return gold.some((pattern) => {
    const wanted = normaliseForMatch(pattern);
    return wanted !== '' && heading.includes(wanted);
  });
}

export interface EvalScores {
  questions: number;
  inScope: number;
  outOfScope: number;
  recallAt1: number;
  recallAt3: number;
  recallAt5: number;
  mrr: number;
  expectQuestions: number;
  /** The expect phrase inside the quoted text. */
  expectHitRate: number;
  /** The expect phrase anywhere in the five passages (what retrieval found, whether or not it was quoted). */
  expectInPassagesRate: number;
  speakerQuestions: number;
  /** The speaker named in the quoted text. */
  speakerHitRate: number;
  outOfScopeRefusalRate: number;
  inScopeFalseRefusalRate: number;
  /** Answered in-scope questions by confidence level: how many, and how often the top passage was right. */
  calibration: CalibrationRow[];
  misses: { id: string; question: string; problem: string }[];
}

export interface CalibrationRow {
  level: string;
  answered: number;
  topRight: number;
  /** Out-of-scope questions answered at this level. */
  outOfScope: number;
}

export function scoreAnswers(questions: EvalQuestion[], answers: Answer[]): EvalScores {
  let inScope = 0;
  let outOfScope = 0;
  let hits1 = 0;
  let hits3 = 0;
  let hits5 = 0;
  let reciprocal = 0;
  let expectQuestions = 0;
  let expectHits = 0;
  let refusedOut = 0;
  let refusedIn = 0;
  let expectInPassages = 0;
  let speakerQuestions = 0;
  let speakerHits = 0;
  const levels = new Map<string, CalibrationRow>();
  const row = (level: string) => {
    let entry = levels.get(level);
    if (!entry) levels.set(level, (entry = { level, answered: 0, topRight: 0, outOfScope: 0 }));
    return entry;
  };
  for (const level of ['strong', 'partial']) row(level);
  const misses: EvalScores['misses'] = [];

  questions.forEach((question, index) => {
    const answer = answers[index]!;
    if (question.out_of_scope) {
      outOfScope++;
      if (!answer.answered) refusedOut++;
      else row(answer.level ?? 'answered').outOfScope++;
      if (answer.answered) misses.push({ id: question.id, question: question.question, problem: `answered (confidence ${answer.confidence}) from ${answer.passages[0]?.citation}` });
      return;
    }
    inScope++;
    if (!answer.answered) {
      refusedIn++;
      misses.push({ id: question.id, question: question.question, problem: `refused (confidence ${answer.confidence})` });
    }
    const rank = answer.passages.findIndex((passage) => isOnTarget(passage.section, question.gold));
    if (answer.answered) {
      const entry = row(answer.level ?? 'answered');
      entry.answered++;
      if (rank === 0) entry.topRight++;
    }
    const quoted = normaliseForMatch(answer.quotes.map((quote) => quote.text).join(' '));
    if (question.speaker !== undefined) {
      speakerQuestions++;
      if (quoted.includes(normaliseForMatch(question.speaker))) speakerHits++;
      else misses.push({ id: question.id, question: question.question, problem: `speaker "${question.speaker}" not named in the quotes` });
    }
    if (rank === 0) hits1++;
    if (rank >= 0 && rank < 3) hits3++;
    if (rank >= 0 && rank < 5) hits5++;
    if (rank >= 0) reciprocal += 1 / (rank + 1);
    if (rank !== 0)
      misses.push({
        id: question.id,
        question: question.question,
        problem: rank < 0 ? `no gold passage in the top ${answer.passages.length} (top: ${answer.passages[0]?.citation})` : `gold at rank ${rank + 1} (top: ${answer.passages[0]?.citation})`,
      });
    if (question.expect !== undefined) {
      expectQuestions++;
      const wanted = normaliseForMatch(question.expect);
      if (normaliseForMatch(answer.passages.map((passage) => passage.text).join(' ')).includes(wanted)) expectInPassages++;
      if (quoted.includes(wanted)) expectHits++;
      else misses.push({ id: question.id, question: question.question, problem: `"${question.expect}" not in the quotes` });
    }
  });

  const share = (count: number, total: number) => (total === 0 ? 0 : Number((count / total).toFixed(3)));
  return {
    questions: questions.length,
    inScope,
    outOfScope,
    recallAt1: share(hits1, inScope),
    recallAt3: share(hits3, inScope),
    recallAt5: share(hits5, inScope),
    mrr: share(reciprocal, inScope),
    expectQuestions,
    expectHitRate: share(expectHits, expectQuestions),
    expectInPassagesRate: share(expectInPassages, expectQuestions),
    speakerQuestions,
    speakerHitRate: share(speakerHits, speakerQuestions),
    outOfScopeRefusalRate: share(refusedOut, outOfScope),
    inScopeFalseRefusalRate: share(refusedIn, inScope),
    calibration: [...levels.values()],
    misses,
  };
}
