import { sectionCitation } from '../guide/chunk.js';
import { normaliseForMatch } from '../guide/normalise.js';
import { splitSentences } from '../guide/sentences.js';
import type { Guide } from '../guide/types.js';
import { dot, termCoverage, type TermStatistics, weightedTerms } from '../search/answer.js';

/** A question the guide itself asks (a heading that is a question) and its answer. */
export interface StudyQuestion {
  id: string;
  question: string;
  citation: string;
  /** The guide's answer, exactly as written. */
  answer: string;
  /** The answer's sentences: the points a student's answer is compared with. */
  keyPoints: string[];
}

export interface KeyPointResult {
  text: string;
  /** 0..1: how closely the student's answer matches this point. */
  similarity: number;
}

export interface QuizGrade {
  question: StudyQuestion;
  covered: KeyPointResult[];
  missed: KeyPointResult[];
  /** Share of key points covered. */
  score: number;
}

/** A key point counts as covered at or above this similarity. */
export const COVERED_THRESHOLD = 0.45;

export function studyQuestions(guides: Guide[]): StudyQuestion[] {
  return guides.flatMap((guide) =>
    guide.sections
      .filter((section) => section.paragraphs.length > 0 && (section.path[section.path.length - 1] ?? '').trim().endsWith('?'))
      .map((section) => {
        const answer = section.paragraphs.join('\n\n');
        return {
          id: `${guide.source}#${normaliseForMatch(section.path.join(' '))}`,
          question: section.path[section.path.length - 1]!,
          citation: sectionCitation(guide.title, section.path),
          answer,
          keyPoints: section.paragraphs.flatMap(splitSentences),
        };
      }),
  );
}

/** A key point whose own words the answer mostly uses counts as covered, whatever its sentences. */
export const COVERED_BY_WORDS = 0.6;

/**
 * Compares a student's answer with the guide's key points. Each piece of the answer is matched
 * to the one key point it is most like, mixing meaning (cosine, scaled by the model's typical
 * paraphrase range; weighted most, so the student's own words count) and vocabulary (the
 * IDF-weighted share of the point's words the sentence uses); the point is covered when that match
 * is close enough. Matching each sentence to one point matters: the sentences of one guide answer
 * are all about one topic, so an answer that is near one of them is near all of them.
 */
/** A student's answer as idea-sized pieces: sentences, split again at commas, semicolons and "but", "and then"; pieces under three words join the one before. */
export function answerPieces(answer: string): string[] {
  const pieces: string[] = [];
  for (const sentence of splitSentences(answer)) {
    for (const clause of sentence.split(/[;,:]\s+|\s+(?:but|and then|while|whereas)\s+/i)) {
      const words = clause.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0) continue;
      if (words.length < 3 && pieces.length > 0) pieces[pieces.length - 1] += ` ${clause.trim()}`;
      else pieces.push(clause.trim());
    }
  }
  return pieces;
}

export async function gradeAnswer(
  question: StudyQuestion,
  studentAnswer: string,
  embed: (texts: string[]) => Promise<Float32Array[]>,
  statistics: TermStatistics,
  cosineRange: { low: number; high: number },
): Promise<QuizGrade> {
  const studentSentences = answerPieces(studentAnswer);
  const vectors = await embed([...question.keyPoints, ...studentSentences]);
  const pointVectors = vectors.slice(0, question.keyPoints.length);
  const answerVectors = vectors.slice(question.keyPoints.length);
  const pointTerms = question.keyPoints.map((text) => weightedTerms(text, statistics));
  const similarity = (point: number, sentence: number) => {
    const cosine = dot(answerVectors[sentence]!, pointVectors[point]!);
    const semantic = Math.min(1, Math.max(0, (cosine - cosineRange.low) / (cosineRange.high - cosineRange.low)));
    return 0.7 * semantic + 0.3 * termCoverage(pointTerms[point]!, studentSentences[sentence]!);
  };

  const best = question.keyPoints.map(() => 0);
  const covered = new Set<number>();
  studentSentences.forEach((_, sentence) => {
    let match = -1;
    let matchScore = -1;
    question.keyPoints.forEach((__, point) => {
      const score = similarity(point, sentence);
      best[point] = Math.max(best[point]!, score);
      if (score > matchScore) [match, matchScore] = [point, score];
    });
    if (match >= 0 && matchScore >= COVERED_THRESHOLD) covered.add(match);
  });
  pointTerms.forEach((terms, point) => {
    if (termCoverage(terms, studentAnswer) >= COVERED_BY_WORDS) covered.add(point);
  });

  const results = question.keyPoints.map((text, point) => ({ text, similarity: Number(best[point]!.toFixed(3)) }));
  const coveredResults = results.filter((_, point) => covered.has(point));
  const missed = results.filter((_, point) => !covered.has(point));
  return { question, covered: coveredResults, missed, score: results.length === 0 ? 0 : Number((coveredResults.length / results.length).toFixed(3)) };
}
