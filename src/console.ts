import readline from 'node:readline';
import type { Engine } from './engine.js';
import type { Logger } from './log.js';
import { InvalidQuestionError } from './question.js';
import { renderAnswerText, renderHelpText, renderQuizGradeText, renderQuotationText, renderSectionText, renderTocText, wrap } from './render/text.js';
import { sectionView, type HelpEntry } from './render/view.js';
import { SectionLookup } from './section-lookup.js';

/**
 * Console mode: the product without Discord. Reads questions and `/commands` line by line (from a
 * terminal or a pipe) and prints what the bot would say, with the same engine and the same view
 * models as the Discord renderer.
 */

export type ConsoleEngine = Pick<Engine, 'ask' | 'sections' | 'findSections' | 'findQuote' | 'studyQuestions' | 'gradeAnswer'>;

export interface ConsoleOptions {
  engine: ConsoleEngine;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  logger?: Logger;
  /** Terminal width for wrapping (default: the output's columns, else 88). */
  width?: number;
}

export const CONSOLE_HELP: HelpEntry[] = [
  { usage: '<question>', description: 'Answers with passages quoted word for word from the guides, with citations.' },
  { usage: '/section <name>', description: 'Shows one section in full.' },
  { usage: '/sections', description: 'The table of contents of every guide.' },
  { usage: '/quote [topic]', description: "A highlighted quote, or the guide's best quoted line about a topic." },
  { usage: '/quiz', description: 'A study question; type your answer on the next line to see the key points you covered.' },
  { usage: '/help', description: 'This list.' },
  { usage: '/quit', description: 'Leave (so does the end of the input, or Ctrl-D).' },
];

export async function runConsole(options: ConsoleOptions): Promise<void> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const interactive = Boolean((input as { isTTY?: boolean }).isTTY && (output as { isTTY?: boolean }).isTTY);
  const width = options.width ?? (output as { columns?: number }).columns ?? 88;
  const engine = options.engine;
  const sections = new SectionLookup(engine);
  const write = (text: string) => output.write(`${text}\n`);
  let quizQuestionId: string | undefined;

  const lines = readline.createInterface({ input, ...(interactive ? { output } : {}), terminal: interactive, crlfDelay: Infinity });
  if (interactive) {
    write('Guidebot console mode (no DISCORD_TOKEN set). Type a question, /help, or /quit.');
    lines.setPrompt('> ');
    lines.prompt();
  }

  const handle = async (line: string): Promise<boolean> => {
    const text = line.trim();
    const [command = '', ...rest] = text.startsWith('/') ? text.split(/\s+/) : [];
    const argument = rest.join(' ');
    switch (command.toLowerCase()) {
      case '/quit':
      case '/exit':
        return false;
      case '/help':
        write(renderHelpText(CONSOLE_HELP));
        return true;
      case '/sections':
        write(renderTocText(engine.sections()));
        return true;
      case '/section': {
        if (argument === '') {
          write('Usage: /section <name>, for example: /section Miss Lucy');
          return true;
        }
        const found = sections.resolve(argument);
        if (found.entry) write(renderSectionText(sectionView(found.entry, engine.sections()), { width }));
        else if (found.suggestions.length > 0) write([`No section is called “${argument}”. Did you mean:`, ...found.suggestions.map((entry) => `  • ${entry.path.join(' › ')}`)].join('\n'));
        else write(`No section is called “${argument}”. /sections lists them all.`);
        return true;
      }
      case '/quote': {
        const quotation = engine.findQuote(argument === '' ? undefined : argument);
        write(quotation ? renderQuotationText(quotation, { width }) : `No quote in the guides is about “${argument}”.`);
        return true;
      }
      case '/quiz': {
        const questions = engine.studyQuestions();
        const question = questions[Math.floor(Math.random() * questions.length)];
        if (!question) {
          write('The guides have no study questions.');
          return true;
        }
        quizQuestionId = question.id;
        write([wrap(`Study question: ${question.question}`, width), `(from ${question.citation})`, 'Type your answer on the next line.'].join('\n'));
        return true;
      }
      case '':
        break;
      default:
        write(`Unknown command ${command}. /help lists what I can do.`);
        return true;
    }
    if (quizQuestionId !== undefined) {
      const id = quizQuestionId;
      quizQuestionId = undefined;
      try {
        write(renderQuizGradeText(await engine.gradeAnswer(id, text), { width }));
      } catch (error) {
        if (error instanceof InvalidQuestionError) quizQuestionId = id; // let them try again
        throw error;
      }
      return true;
    }
    write(renderAnswerText(await engine.ask(text), { width }));
    return true;
  };

  for await (const line of lines) {
    if (line.trim() === '') {
      if (interactive) lines.prompt();
      continue;
    }
    let keepGoing = true;
    try {
      keepGoing = await handle(line);
    } catch (error) {
      if (error instanceof InvalidQuestionError) write(error.message);
      else {
        options.logger?.error({ err: error }, 'console command failed');
        write('Sorry, something went wrong. Please try again.');
      }
    }
    if (!keepGoing) break;
    write('');
    if (interactive) lines.prompt();
  }
  lines.close();
}
