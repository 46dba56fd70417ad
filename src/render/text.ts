import type { Answer } from '../search/answer.js';
import {
  answerView,
  CLOSEST_SECTIONS,
  NOT_COVERED,
  quizGradeView,
  quotationView,
  tocView,
  type AnswerView,
  type GradeLike,
  type HelpEntry,
  type QuotationLike,
  type SectionView,
  type SectionLike,
} from './view.js';

/** Plain-text rendering of the shared view models, for terminals (the CLI and the console mode). */

export { NOT_COVERED };

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

const widthOf = (options: TextRenderOptions) => Math.max(40, Math.min(options.width ?? 88, 120));

export function renderAnswerText(answer: Answer, options: TextRenderOptions = {}): string {
  return renderAnswerViewText(answerView(answer), options);
}

export function renderAnswerViewText(view: AnswerView, options: TextRenderOptions = {}): string {
  const width = widthOf(options);
  const out: string[] = [];
  for (const notice of view.notices) out.push(`(${notice})`);
  if (view.covered) {
    out.push(wrap(`Q: ${view.question}`, width), '');
    for (const quote of view.quotes) {
      out.push(wrap(`“${quote.text}”`, width, '  │ '));
      out.push(wrap(`— ${quote.citation}`, width, '    '), '');
    }
    out.push(`${view.headline} · ${view.matchLabel.toLowerCase()}`);
  } else {
    out.push(wrap(`Q: ${view.question}`, width), '', view.headline);
    if (view.closestSections.length > 0) {
      out.push(CLOSEST_SECTIONS);
      for (const section of view.closestSections) out.push(wrap(`• ${section.citation}`, width, '  '));
    }
  }
  if (options.full && view.passages.length > 0) {
    out.push('', 'Passages:');
    for (const passage of view.passages) {
      out.push('', wrap(`${passage.rank}. ${passage.citation}`, width), wrap(passage.text, width, '   '));
    }
  }
  return out.join('\n');
}

export function renderSectionText(view: SectionView, options: TextRenderOptions = {}): string {
  const width = widthOf(options);
  const out = [wrap(view.citation, width), ''];
  for (const paragraph of view.paragraphs) out.push(wrap(paragraph, width), '');
  if (view.paragraphs.length === 0) {
    out.push(view.subsections.length > 0 ? 'This heading has no text of its own. Its sections are:' : 'This heading has no text of its own.');
    for (const citation of view.subsections) out.push(wrap(`• ${citation}`, width, '  '));
  }
  return out.join('\n').trimEnd();
}

export function renderTocText(sections: readonly SectionLike[]): string {
  const out: string[] = [];
  for (const guide of tocView(sections)) {
    if (out.length > 0) out.push('');
    out.push(guide.title);
    for (const entry of guide.entries) out.push(`${'  '.repeat(entry.depth + 1)}${entry.hasText ? '•' : '▸'} ${entry.heading}`);
  }
  return out.join('\n');
}

export function renderQuotationText(quotation: QuotationLike, options: TextRenderOptions = {}): string {
  const width = widthOf(options);
  const view = quotationView(quotation);
  return [`${view.label}:`, wrap(`“${view.text}”`, width, '  │ '), wrap(`— ${view.citation}`, width, '    ')].join('\n');
}

export function renderQuizGradeText(grade: GradeLike, options: TextRenderOptions = {}): string {
  const width = widthOf(options);
  const view = quizGradeView(grade);
  const out = [view.summary];
  if (view.covered.length > 0) out.push('', 'You covered:', ...view.covered.map((point) => wrap(`✓ ${point}`, width, '  ')));
  if (view.missed.length > 0) out.push('', 'You missed:', ...view.missed.map((point) => wrap(`✗ ${point}`, width, '  ')));
  out.push('', "The guide's answer:", wrap(`“${view.guideAnswer}”`, width, '  │ '), wrap(`— ${view.citation}`, width, '    '));
  return out.join('\n');
}

export function renderHelpText(entries: readonly HelpEntry[]): string {
  const pad = Math.max(...entries.map((entry) => entry.usage.length));
  return entries.map((entry) => `${entry.usage.padEnd(pad)}  ${entry.description}`).join('\n');
}
