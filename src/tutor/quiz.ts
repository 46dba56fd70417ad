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

/**
 * Compares a student's answer with the guide's key points. A point's similarity mixes meaning (the
 * best cosine between the point and any sentence of the answer, scaled by the model's typical
 * paraphrase range), weighted most, with vocabulary (the IDF-weighted share of the point's words
 * that the answer uses), so an answer in the student's own words counts.
 */
export async function gradeAnswer(
  question: StudyQuestion,
  studentAnswer: string,
  embed: (texts: string[]) => Promise<Float32Array[]>,
  statistics: TermStatistics,
  cosineRange: { low: number; high: number },
): Promise<QuizGrade> {
  const studentSentences = splitSentences(studentAnswer);
  const vectors = await embed([...question.keyPoints, ...studentSentences]);
  const pointVectors = vectors.slice(0, question.keyPoints.length);
  const answerVectors = vectors.slice(question.keyPoints.length);
  const results = question.keyPoints.map((text, index) => {
    const cosine = Math.max(0, ...answerVectors.map((vector) => dot(vector, pointVectors[index]!)));
    const semantic = Math.min(1, Math.max(0, (cosine - cosineRange.low) / (cosineRange.high - cosineRange.low)));
    const lexical = termCoverage(weightedTerms(text, statistics), studentAnswer);
    return { text, similarity: Number((0.7 * semantic + 0.3 * lexical).toFixed(3)) };
  });
  const covered = results.filter((result) => result.similarity >= COVERED_THRESHOLD);
  const missed = results.filter((result) => result.similarity < COVERED_THRESHOLD);
  return { question, covered, missed, score: results.length === 0 ? 0 : Number((covered.length / results.length).toFixed(3)) };
}
