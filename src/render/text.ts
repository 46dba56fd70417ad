import type { Answer } from '../search/answer.js';

/** Plain-text rendering of answers for terminals (the CLI and the console mode). */

export function wrap(text: string, width: number, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}

export interface TextRenderOptions {
  width?: number;
  /** Also print each passage in full. */
  full?: boolean;
}

export const NOT_COVERED = "The guides don't seem to cover this question.";

export function renderAnswerText(answer: Answer, options: TextRenderOptions = {}): string {
  const width = Math.max(40, Math.min(options.width ?? 88, 120));
  const out: string[] = [];
  for (const notice of answer.notices) out.push(`(${notice})`);
  if (answer.answered) {
    out.push(wrap(`Q: ${answer.question}`, width), '');
    for (const quote of answer.quotes) {
      out.push(wrap(`“${quote.text}”`, width, '  │ '));
      out.push(wrap(`— ${quote.citation}`, width, '    '), '');
    }
    out.push(`From the guides, word for word · confidence ${Math.round(answer.confidence * 100)}%`);
  } else {
    out.push(wrap(`Q: ${answer.question}`, width), '', NOT_COVERED);
    if (answer.passages.length > 0) {
      out.push('The closest sections are:');
      const seen = new Set<string>();
      for (const passage of answer.passages) {
        const section = passage.citation.replace(/ ¶\d+$/, '');
        if (seen.has(section)) continue;
        seen.add(section);
        out.push(wrap(`• ${section}`, width, '  '));
      }
    }
  }
  if (options.full && answer.passages.length > 0) {
    out.push('', 'Passages:');
    answer.passages.forEach((passage, index) => {
      out.push('', wrap(`${index + 1}. ${passage.citation}`, width), wrap(passage.text, width, '   '));
    });
  }
  return out.join('\n');
}
