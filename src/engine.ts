import type { Config } from './config.js';
import { loadEmbedder, type Embedder } from './embed/embedder.js';
import { citation, sectionCitation } from './guide/chunk.js';
import { corpusFiles, loadGuideFiles } from './guide/load.js';
import { normaliseForMatch, normaliseText } from './guide/normalise.js';
import { splitSentences } from './guide/sentences.js';
import { isWithin, sectionPart, spoilerMap, type BookPart } from './guide/spoilers.js';
import type { Guide, Sentence } from './guide/types.js';
import type { Logger } from './log.js';
import { InvalidQuestionError, prepareQuestion, prepareText, type PreparedQuestion } from './question.js';
import { dot, refusedAnswer, refusalMessage, termCoverage, unknownNames, weightedTerms, type Answer, type Passage, type Quote } from './search/answer.js';
import { BookTitle } from './search/book-title.js';
import { fromChatRegister } from './search/chat-register.js';
import { levelOf, probability, unknownMass, type AnswerSignals } from './search/confidence.js';
import { loadEnglishDictionary } from './search/english.js';
import { selectQuotes, type QuoteSentence } from './search/quotes.js';
import { ScopeGuard } from './search/scope.js';
import { Bm25Index, CONTEXT_WEIGHT, HEADING_WEIGHT, type Bm25Weights } from './search/bm25.js';
import { chunkLexicalDocuments, sectionLexicalDocuments, sectionWeights } from './search/lexical-documents.js';
import { terms } from './search/tokenize.js';
import { bookNameWords, booksAndAuthors, termsOf } from './search/corpus-terms.js';
import { DocumentTerms } from './search/document-terms.js';
import { buildIndex, IndexUnavailableError, type BuildEvent } from './search/index-build.js';
import { chunkEmbeddingText, filesHash, readIndex, type Manifest, type StoredIndex } from './search/index-store.js';
import { SpellingCorrector } from './search/spelling.js';
import { findSections, type SectionEntry } from './section-catalogue.js';
import { retrieve, RRF_K, SECTION_WEIGHT, type RetrievalMode } from './search/retrieve.js';
import { QuotationFinder, type Quotation } from './tutor/quotations.js';
import { gradeAnswer, studyQuestions, type QuizGrade, type StudyQuestion } from './tutor/quiz.js';

export type { Answer, BookPart, Passage, Quotation, Quote, QuizGrade, RetrievalMode, StudyQuestion };

/** The longest quiz answer read. */
export const MAX_QUIZ_ANSWER_CHARS = 1500;

export { IndexUnavailableError, type BuildEvent };

export interface EngineOptions {
  config: Pick<Config, 'CORPUS_DIR' | 'INDEX_DIR' | 'MODEL_ID' | 'MODEL_DIR' | 'MODELS_DIR'> & Partial<Pick<Config, 'MODEL_DTYPE'>>;
  logger: Logger;
  /** `auto` rebuilds a missing, stale or corrupt index; `force` always rebuilds; `never` refuses instead. */
  rebuild?: 'auto' | 'force' | 'never';
  onProgress?: (event: BuildEvent) => void;
  /** An already loaded model (tests, benchmarks). */
  embedder?: Embedder;
  /** Overrides of retrieval weights, for evaluation experiments. */
  tuning?: Partial<RetrievalTuning>;
  /** An explicit set of guide files instead of every guide in CORPUS_DIR (a server's library of one book). */
  guideFiles?: string[];
}

export interface RetrievalTuning {
  denseWeight: number;
  sectionWeight: number;
  rrfK: number;
  headingWeight: number;
  contextWeight: number;
}

export interface AskOptions {
  /** How many passages to return (default 5). */
  k?: number;
  /** Skip this many passages (for "more passages"). */
  offset?: number;
  mode?: RetrievalMode;
  /** Leave out passages that reveal more of the novel than this (a reader's progress). */
  readerPart?: BookPart;
  /** Leave out passages for which this returns true. In-process only: a function cannot reach a worker thread (use `exclude`). */
  skip?: (passage: { id: string; source: string }) => boolean;
  /** Leave out passages as plain data (e.g. other servers' teacher notes), so the options cross a worker thread. */
  exclude?: PassageExclusion[];
}

/** Leaves out every passage of `source`, except those whose id starts with `exceptIdPrefix`. */
export interface PassageExclusion {
  source: string;
  exceptIdPrefix?: string;
}

export const isExcluded = (passage: { id: string; source: string }, exclusions: readonly PassageExclusion[] = []) =>
  exclusions.some((rule) => passage.source === rule.source && (rule.exceptIdPrefix === undefined || !passage.id.startsWith(rule.exceptIdPrefix)));

export type { SectionEntry };

export interface TeacherNote {
  id: string;
  authorName: string;
  createdAt: Date;
  text: string;
  /** The question the note answers, if any; searched like a heading. */
  question?: string;
}

interface Document {
  id: string;
  source: string;
  guide: string;
  path: string[];
  paragraph: number;
  text: string;
  sentences: Sentence[];
  sentenceVectors: Float32Array[];
  citation: string;
  part: BookPart;
  /** Search terms of the heading path and text, and of each sentence, made once when first needed (queries stay garbage-light). */
  terms: DocumentTerms;
  /** The section ranking's key: the guide section, or for a teacher note the note itself. */
  sectionKey: string;
}

export const NOTE_SOURCE = 'teacher-notes';
const DEFAULT_K = 5;
const MAX_K = 25;

/** A question whose every topic word is unknown to the guides, with at least this much specific vocabulary, is refused. */
const UNKNOWN_ONLY_MASS = 0.5;
/** A refused question's closest sections are offered when the best passages hold this share of its topic words… */
const RELATED_COVERAGE = 0.34;
/** …or its confidence is at least this share of the answering threshold. */
const RELATED_SHARE_OF_THRESHOLD = 0.6;

/** Headings of a guide's overview rather than its detail: a quote prefers the detail when both match. */
const OVERVIEW_HEADING = /\b(introduction|overview|spoiler[- ]free|at a glance|in brief|in a nutshell)\b/i;
const isOverviewSection = (path: string[]) => path.some((heading) => OVERVIEW_HEADING.test(heading)) || (path.length === 1 && /^summary$/i.test(path[0]!.trim()));

const sectionKey = (source: string, sectionPath: string[]) => `${source}#${normaliseForMatch(sectionPath.join(' '))}`;
const sameWeights = (a: Bm25Weights, b: Bm25Weights) => a.headingWeight === b.headingWeight && a.contextWeight === b.contextWeight;

export class Engine {
  /** By label: the chunks' (made on first use, see {@link documentAt}), then the teacher notes'. */
  private readonly documents: (Document | undefined)[] = [];
  private readonly labelById = new Map<string, number>();
  private readonly lexical: Bm25Index;
  private readonly sectionLexical: Bm25Index;
  private readonly sectionList: SectionEntry[];
  /** Made on first use: /ask needs neither the quotations nor the study questions. */
  private quotationIndex: QuotationFinder | undefined;
  private readonly spelling: SpellingCorrector;
  private readonly scope: ScopeGuard;
  /** The book the guides are about, as their front matter names it. */
  readonly bookTitle: string | undefined;
  private readonly title: BookTitle | undefined;
  /** The names the guides use (people and places), as search terms. */
  private readonly names: ReadonlySet<string>;
  /** The words of the book's title and author: capitalised in every guide, yet never the answer to "who". */
  private readonly bookNameWords: ReadonlySet<string>;
  private studyQuestionCache: StudyQuestion[] | undefined;
  readonly tuning: RetrievalTuning;
  private readonly partOf: (source: string, sectionPath: string[]) => BookPart;

  private constructor(
    readonly guides: Guide[],
    private readonly index: StoredIndex,
    readonly embedder: Embedder,
    private readonly logger: Logger,
    tuning: Partial<RetrievalTuning> = {},
  ) {
    this.tuning = {
      denseWeight: embedder.profile.denseWeight,
      sectionWeight: SECTION_WEIGHT,
      rrfK: RRF_K,
      headingWeight: HEADING_WEIGHT,
      contextWeight: CONTEXT_WEIGHT,
      ...tuning,
    };
    const spoilers = new Map(guides.map((guide) => [guide.source, spoilerMap(guide)]));
    this.partOf = (source: string, sectionPath: string[]) => {
      const map = spoilers.get(source);
      return map ? sectionPart(map, sectionPath) : 'part-three';
    };
    index.chunks.forEach((chunk, label) => this.labelById.set(chunk.id, label));
    // The terms and lexical indexes were made when the index was built (see corpus-terms.ts, lexical-store.ts): loading does not tokenize or count the corpus again.
    const stored = index.terms;
    const weights = { headingWeight: this.tuning.headingWeight, contextWeight: this.tuning.contextWeight };
    this.lexical = sameWeights(index.lexical.chunks.weights, weights)
      ? Bm25Index.fromStored(
          index.chunks.map((chunk) => chunk.id),
          stored.termIds,
          index.lexical.chunks,
        )
      : Bm25Index.fromTermIds(stored.vocabulary, chunkLexicalDocuments(index.chunks, stored), weights);
    this.sectionList = guides.flatMap((guide) =>
      guide.sections.map((section) => ({
        key: sectionKey(guide.source, section.path),
        source: guide.source,
        guide: guide.title,
        path: section.path,
        citation: sectionCitation(guide.title, section.path),
        paragraphs: section.paragraphs,
        ...(section.pages ? { pages: section.pages } : {}),
        part: this.partOf(guide.source, section.path),
      })),
    );
    const sectionIds = this.sectionList.filter((entry) => entry.paragraphs.length > 0).map((entry) => entry.key);
    const sectionLexicalWeights = sectionWeights(this.tuning.headingWeight);
    this.sectionLexical = sameWeights(index.lexical.sections.weights, sectionLexicalWeights)
      ? Bm25Index.fromStored(sectionIds, stored.termIds, index.lexical.sections)
      : Bm25Index.fromTermIds(stored.vocabulary, sectionLexicalDocuments(sectionIds, stored), sectionLexicalWeights);
    this.spelling = SpellingCorrector.fromCounts(stored.wordCounts, { keys: index.spellingKeys, stems: stored.wordStems });
    const { books, authors } = booksAndAuthors(guides);
    this.scope = ScopeGuard.fromMentioned(stored.mentionedWorks, authors);
    this.bookTitle = books[0];
    this.title = books[0] ? new BookTitle(books[0]) : undefined;
    this.bookNameWords = bookNameWords(guides);
    this.names = new Set(stored.names);
    loadEnglishDictionary();
  }

  /** The document of a label: a chunk's is made the first time a question needs it (most questions see a few dozen of them). */
  private documentAt(label: number): Document | undefined {
    const made = this.documents[label];
    if (made || label < 0 || label >= this.index.chunks.length) return made;
    const chunk = this.index.chunks[label]!;
    const start = this.index.sentenceStart[label]!;
    const stored = this.index.terms;
    const own = stored.chunk(label);
    return this.addDocument(label, {
      id: chunk.id,
      source: chunk.source,
      guide: chunk.guide,
      path: chunk.path,
      paragraph: chunk.paragraph,
      text: chunk.text,
      sentences: chunk.sentences,
      sentenceVectors: this.index.sentenceVectors.slice(start, start + chunk.sentences.length),
      citation: citation(chunk),
      part: this.partOf(chunk.source, chunk.path),
      terms: new DocumentTerms(() => ({ words: [...termsOf(stored, own.heading), ...termsOf(stored, own.text)], sentences: own.sentences.map((list) => termsOf(stored, list)) })),
    });
  }

  /** Loads the model, then loads the index, rebuilding it when the corpus or model changed. */
  static async open(options: EngineOptions): Promise<Engine> {
    const { config, logger } = options;
    const started = performance.now();
    const files = options.guideFiles ?? corpusFiles(config.CORPUS_DIR);
    const embedder = options.embedder ?? (await loadEmbedder(config, logger));
    // The hash covers every guide file's bytes: an index that matches it holds the guides as they are now parsed.
    const hash = filesHash(files);
    const mode = options.rebuild ?? 'auto';

    const existing = mode === 'force' ? ({ status: 'stale', reason: 'a rebuild was asked for' } as const) : readIndex(config.INDEX_DIR, { modelId: embedder.identity, corpusHash: hash });
    if (existing.status === 'ok') {
      options.onProgress?.({ stage: 'ready', rebuilt: false, computed: 0, ms: Math.round(performance.now() - started) });
      // Stored guides parsed from other files (an index copied for guides that chunk the same) are parsed again.
      return new Engine(existing.index.guides ?? (await loadGuideFiles(files)), existing.index, embedder, logger, options.tuning);
    }
    if (mode === 'never') {
      throw new IndexUnavailableError(`The search index in ${config.INDEX_DIR} cannot be used (${existing.reason}). Run \`npm run index\` to rebuild it.`);
    }
    const guides = await loadGuideFiles(files);
    if (mode === 'force') logger.info('rebuilding the search index, as asked');
    else if (existing.status !== 'missing') logger.warn({ reason: existing.reason }, 'rebuilding the search index');
    const { index, computed } = await buildIndex(guides, hash, embedder, config.INDEX_DIR, options.onProgress);
    options.onProgress?.({ stage: 'ready', rebuilt: true, reason: existing.reason, computed, ms: Math.round(performance.now() - started) });
    return new Engine(guides, index, embedder, logger, options.tuning);
  }

  private get quotationFinder(): QuotationFinder {
    return (this.quotationIndex ??= new QuotationFinder(this.guides));
  }

  private get studyQuestionList(): StudyQuestion[] {
    return (this.studyQuestionCache ??= studyQuestions(this.guides));
  }

  get manifest(): Manifest {
    return this.index.manifest;
  }

  stats() {
    return {
      guides: this.guides.length,
      sections: this.sectionList.length,
      chunks: this.index.chunks.length,
      sentences: this.index.sentenceVectors.length,
      notes: this.documents.filter((document) => document?.source === NOTE_SOURCE).length,
      model: this.embedder.modelId,
    };
  }

  /**
   * Answers a question with quoted, cited sentences, or says plainly that the guides do not cover
   * it. Every question gets an answer object, however odd: one that cannot be searched is refused
   * with the reason.
   */
  async ask(question: unknown, options: AskOptions = {}): Promise<Answer> {
    let prepared: PreparedQuestion;
    try {
      prepared = prepareQuestion(question);
    } catch (error) {
      if (!(error instanceof InvalidQuestionError)) throw error;
      return refusedAnswer(typeof question === 'string' ? question : '', [], { reason: 'invalid', message: error.message });
    }
    const { searchText, notices } = this.searchTextFor(prepared);

    const offTopic = this.scope.offTopic(prepared.text);
    // A request to write something is refused too, but after the search: the sections on its topic are what the student can build on.
    if (offTopic && offTopic !== 'writing') return refusedAnswer(prepared.text, notices, { reason: offTopic, message: refusalMessage(offTopic, this.bookTitle) });
    const queryTerms = weightedTerms(searchText, this.lexical);
    if (queryTerms.size === 0) return refusedAnswer(prepared.text, notices, { reason: 'no-topic', message: refusalMessage('no-topic', this.bookTitle) });

    const mode = options.mode ?? 'hybrid';
    const k = Math.min(MAX_K, Math.max(1, Math.floor(options.k ?? DEFAULT_K)));
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    const queryVector = mode === 'bm25' ? undefined : (await this.embedder.embed([normaliseText(searchText)]))[0];

    const ranked = retrieve(
      {
        dense: this.index.dense,
        lexical: this.lexical,
        sections: this.sectionLexical,
        idForLabel: (label) => this.documentAt(label)?.id,
        refFor: (id) => {
          const document = this.document(id);
          if (!document || (options.readerPart !== undefined && !isWithin(document.part, options.readerPart))) return undefined;
          if (options.skip?.(document) || isExcluded(document, options.exclude)) return undefined;
          return { id, sectionKey: document.sectionKey, paragraphKey: `${document.sectionKey}¶${document.paragraph}` };
        },
      },
      searchText,
      queryVector,
      { mode, denseWeight: this.tuning.denseWeight, sectionWeight: this.tuning.sectionWeight, rrfK: this.tuning.rrfK, limit: offset + k },
    );

    const all = ranked.map((hit) => ({ hit, document: this.document(hit.id)! }));
    const passages: Passage[] = all.map(({ hit, document }) => ({
      id: document.id,
      source: document.source,
      guide: document.guide,
      section: document.path,
      paragraph: document.paragraph,
      citation: document.citation,
      text: document.text,
      score: Number(hit.score.toFixed(6)),
      part: document.part,
    }));

    const top = all.slice(0, 3);
    const signals: AnswerSignals = {
      coverage: Math.max(0, ...top.map(({ document }) => termCoverage(queryTerms, document.terms.terms))),
      cosine: queryVector && top.length > 0 ? Math.max(...top.map(({ document }) => this.cosineTo(queryVector, document))) : undefined,
      unknownMass: unknownMass(queryTerms, this.lexical),
      unknownNames: unknownNames(searchText, this.lexical).length,
      topicTerms: queryTerms.size,
    };
    const calibration = this.embedder.profile.calibration;
    // None of the question's topic words is in the guides, and some are specific: nothing there can answer it.
    const nothingInCommon = signals.coverage === 0 && signals.unknownMass >= UNKNOWN_ONLY_MASS;
    // A question about someone or somewhere the best passages never mention cannot be answered by quoting them.
    const missingName = [...queryTerms.keys()].some((term) => this.names.has(term) && !top.some(({ document }) => document.terms.terms.has(term)));
    const confidence = top.length === 0 || nothingInCommon || missingName ? 0 : probability(mode === 'bm25' ? { ...signals, cosine: undefined } : signals, calibration);
    const answered = confidence >= calibration.threshold;
    const level = levelOf(confidence, calibration);

    const shown = passages.slice(offset, offset + k);
    const quotes =
      answered && offTopic === undefined
        ? selectQuotes(this.quoteSentences(all.slice(offset, offset + k).map(({ document }) => document)), { text: searchText, vector: queryVector, terms: queryTerms }, this.lexical, {
            duplicateCosine: this.embedder.profile.duplicateCosine,
            notNames: this.bookNameWords,
          })
        : [];
    this.logger.debug({ question: prepared.text, mode, confidence, signals, top: shown[0]?.citation }, 'answered');
    const rounded = Number(confidence.toFixed(3));
    // The closest sections are offered only when they are plausibly related to the question.
    const related = answered || signals.coverage >= RELATED_COVERAGE || confidence >= calibration.threshold * RELATED_SHARE_OF_THRESHOLD;
    if (offTopic === 'writing') return { ...refusedAnswer(prepared.text, notices, { reason: offTopic, message: refusalMessage(offTopic, this.bookTitle), related }), passages: shown, signals };
    if (answered) return { question: prepared.text, answered, confidence: rounded, level, quotes, passages: shown, notices, signals };
    return { ...refusedAnswer(prepared.text, notices, { reason: 'not-covered', message: refusalMessage('not-covered', this.bookTitle), related }), confidence: rounded, passages: shown, signals };
  }

  /**
   * What is searched for a question, and what the asker is told about it: the chat register read
   * for what it means, the book's initials as its title, misspellings corrected, the title left out.
   */
  private searchTextFor(prepared: PreparedQuestion): { searchText: string; notices: string[] } {
    const chatFree = fromChatRegister(this.title && this.bookTitle ? this.title.expandInitials(prepared.text, this.bookTitle) : prepared.text);
    const { text: corrected, corrections } = this.spelling.correctText(chatFree);
    const searchText = this.title ? this.title.withoutTitle(corrected, (text) => weightedTerms(text, this.lexical).size > 0) : corrected;
    const notices = [...prepared.notices];
    if (corrections.length > 0) notices.push(`Searched for ${corrections.map(([, to]) => `"${to}"`).join(', ')} (the guides do not use ${corrections.map(([from]) => `"${from}"`).join(', ')}).`);
    return { searchText, notices };
  }

  /** Every section of every guide, in reading order. */
  sections(): SectionEntry[] {
    return this.sectionList;
  }

  section(key: string): SectionEntry | undefined {
    return this.sectionList.find((entry) => entry.key === key);
  }

  /** Sections whose heading path matches what was typed (every typed word a prefix of a heading word), best first. */
  findSections(typed: string, limit = 25): SectionEntry[] {
    return findSections(this.sectionList, typed, limit);
  }

  /** Highlighted quotes and quoted lines of every guide. */
  quotations(): Quotation[] {
    return this.quotationFinder.all();
  }

  /** The quotation most relevant to a topic (undefined when none mentions it); without a topic, the highlighted quotes in turn. */
  findQuote(topic?: string): Quotation | undefined {
    return this.quotationFinder.find(topic);
  }

  /** Questions the guides ask and answer themselves (question headings, such as an FAQ's). */
  studyQuestions(): StudyQuestion[] {
    return this.studyQuestionList;
  }

  /** Which key points of the guide's answer a student's answer covers, by sentence similarity. */
  async gradeAnswer(questionId: string, studentAnswer: unknown): Promise<QuizGrade> {
    const question = this.studyQuestionList.find((candidate) => candidate.id === questionId);
    if (!question) throw new Error(`Unknown study question: ${questionId}`);
    const prepared = prepareText(studentAnswer, { noun: 'answer', maxChars: MAX_QUIZ_ANSWER_CHARS, example: 'a few sentences in your own words' });
    return gradeAnswer(question, prepared.text, (texts) => this.embed(texts), this.lexical, this.embedder.profile.paraphraseCosine);
  }

  /** Embeds texts with the engine's model (e.g. to compare a student's answer with the guide's). */
  embed(texts: string[]): Promise<Float32Array[]> {
    return this.embedder.embed(texts.map(normaliseText));
  }

  /** Adds (or replaces) a teacher note in the dense and lexical indexes, without a rebuild. */
  async addNote(note: TeacherNote): Promise<void> {
    this.removeNote(note.id);
    const sentences = splitSentences(note.text).map((text) => ({ text, normalised: normaliseText(text) }));
    const heading = note.question ? [note.question] : [];
    const [vector, ...sentenceVectors] = await this.embedder.embed([chunkEmbeddingText({ path: heading, text: note.text }), ...sentences.map((sentence) => sentence.normalised)]);
    // Past every chunk, made or not (see documentAt).
    const label = Math.max(this.documents.length, this.index.chunks.length);
    const date = note.createdAt.toISOString().slice(0, 10);
    this.addDocument(label, {
      id: note.id,
      source: NOTE_SOURCE,
      guide: `Teacher note by ${note.authorName}, ${date}`,
      path: heading,
      paragraph: 1,
      text: note.text,
      sentences,
      sentenceVectors,
      citation: `Teacher note by ${note.authorName}, ${date}`,
      part: 'none',
    });
    this.index.dense.add(label, vector!);
    this.lexical.add({ id: note.id, text: note.text, heading });
    // A note is its own section, so it competes in the section ranking too.
    this.sectionLexical.add({ id: this.documents[label]!.sectionKey, text: note.text, heading });
  }

  removeNote(id: string): boolean {
    const label = this.labelById.get(id);
    if (label === undefined || this.documents[label]?.source !== NOTE_SOURCE) return false;
    this.index.dense.remove(label);
    this.lexical.remove(id);
    this.sectionLexical.remove(this.documents[label].sectionKey);
    this.documents[label] = undefined;
    this.labelById.delete(id);
    return true;
  }

  private addDocument(label: number, fields: Omit<Document, 'terms' | 'sectionKey'> & Partial<Pick<Document, 'terms'>>): Document {
    const document = {
      ...fields,
      terms: fields.terms ?? new DocumentTerms(() => ({ words: terms([...fields.path, fields.text].join(' ')), sentences: fields.sentences.map((sentence) => terms(sentence.normalised)) })),
      sectionKey: sectionKey(fields.source, fields.path) + (fields.source === NOTE_SOURCE ? `#${fields.id}` : ''),
    };
    this.documents[label] = document;
    this.labelById.set(document.id, label);
    return document;
  }

  private document(id: string): Document | undefined {
    const label = this.labelById.get(id);
    return label === undefined ? undefined : this.documentAt(label);
  }

  /**
   * The sentences of the shown passages, linked to the sentences before and after them in their
   * section (also across paragraphs), so a quote can bring the lead-in or line it needs.
   */
  private quoteSentences(shown: Document[]): QuoteSentence[] {
    const made = new Map<Document, QuoteSentence[]>();
    const sentencesOf = (document: Document, passageIndex: number | undefined) => {
      let list = made.get(document);
      if (!list) {
        const overview = isOverviewSection(document.path);
        list = document.sentences.map((sentence, index) => ({
          text: sentence.text,
          normalised: sentence.normalised,
          terms: document.terms.sentenceTerms[index]!,
          vector: document.sentenceVectors[index],
          passageIndex,
          citation: document.citation,
          passageId: document.id,
          paragraphKey: `${document.sectionKey}¶${document.paragraph}`,
          overview,
        }));
        list.forEach((sentence, index) => {
          sentence.previous = list![index - 1];
          sentence.next = list![index + 1];
        });
        made.set(document, list);
      } else if (passageIndex !== undefined) for (const sentence of list) sentence.passageIndex ??= passageIndex;
      return list;
    };
    const neighbour = (document: Document, step: 1 | -1) => {
      const label = this.labelById.get(document.id);
      const other = label === undefined ? undefined : this.documentAt(label + step);
      return other && other.sectionKey === document.sectionKey && other.source !== NOTE_SOURCE ? other : undefined;
    };
    shown.forEach((document, passageIndex) => sentencesOf(document, passageIndex));
    for (const document of shown) {
      const own = sentencesOf(document, undefined);
      const before = neighbour(document, -1);
      const after = neighbour(document, 1);
      if (before && own[0]) {
        const previous = sentencesOf(before, undefined);
        own[0].previous = previous[previous.length - 1];
        if (previous.length > 0) previous[previous.length - 1]!.next = own[0];
      }
      if (after && own.length > 0) {
        const next = sentencesOf(after, undefined);
        own[own.length - 1]!.next = next[0];
        if (next[0]) next[0].previous = own[own.length - 1];
      }
    }
    return shown.flatMap((document) => made.get(document)!);
  }

  private cosineTo(queryVector: Float32Array, document: Document): number {
    // The best-matching sentence says more than the passage average for a short question.
    let best = -1;
    for (const vector of document.sentenceVectors) best = Math.max(best, dot(vector, queryVector));
    return best;
  }
}
