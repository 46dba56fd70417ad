/**
 * `npm run ask -- "Who is Miss Lucy?"`: prints the answer for a person.
 * `npm run --silent ask -- --json [--k N] "question"`: prints one JSON object.
 * `--json` without a question reads one question per line from standard input and writes one JSON
 * object per line (the model loads once). `--full` also prints the passages in full.
 */
import readline from 'node:readline';
import { Engine, type Answer } from '../src/engine.js';
import { InvalidQuestionError } from '../src/question.js';
import { renderAnswerText } from '../src/render/text.js';
import { exitWithError, parseCommandLine, startCli, USAGE_EXIT_CODE } from './cli.js';

const USAGE = 'npm run ask -- "Who is Miss Lucy?"   (or --json [--k N] "question"; --json alone reads questions from standard input; --full prints the passages)';

function toJson(answer: Answer) {
  return {
    question: answer.question,
    answered: answer.answered,
    confidence: answer.confidence,
    level: answer.level,
    ...(answer.refusal ? { refusal: { reason: answer.refusal.reason, message: answer.refusal.message } } : {}),
    quotes: answer.quotes.map((quote) => ({ text: quote.text, citation: quote.citation })),
    passages: answer.passages.map((passage) => ({
      id: passage.id,
      source: passage.source,
      section: passage.section,
      citation: passage.citation,
      text: passage.text,
      score: passage.score,
    })),
    ...(answer.notices.length > 0 ? { notices: answer.notices } : {}),
  };
}

async function main() {
  const { values: options, positionals: positional } = parseCommandLine(process.argv.slice(2), {
    usage: USAGE,
    options: { json: { type: 'boolean' }, k: { type: 'string' }, full: { type: 'boolean' } },
    positionals: true,
  });
  const json = options.json ?? false;
  const kOption = options.k;
  const k = kOption === undefined ? 5 : Number(kOption);
  if (!Number.isInteger(k) || k < 1 || k > 25) throw new InvalidQuestionError('not-text', '--k must be a whole number from 1 to 25.');
  const question = positional.join(' ');
  if (!json && positional.length === 0) {
    process.stderr.write(`Usage: ${USAGE}\n`);
    process.exit(USAGE_EXIT_CODE);
  }

  const { config, logger } = startCli();
  const engine = await Engine.open({ config, logger });

  // Every question gets a well-formed answer; one that cannot be searched is refused with the reason.
  const answerOne = async (text: string) => {
    const answer = await engine.ask(text, { k });
    process.stdout.write(json ? `${JSON.stringify(toJson(answer))}\n` : `${renderAnswerText(answer, { width: process.stdout.columns, full: options.full })}\n`);
    return answer.refusal?.reason !== 'invalid';
  };

  if (positional.length > 0) {
    const ok = await answerOne(question);
    process.exitCode = ok ? 0 : 1;
    return;
  }
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    await answerOne(line);
  }
}

main().catch((error) => {
  if (error instanceof InvalidQuestionError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  exitWithError(error);
});
