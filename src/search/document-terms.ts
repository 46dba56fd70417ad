/** The term lists a document's sets are made from: of its heading path and text, and of each sentence. */
export interface TermLists {
  words: readonly string[];
  sentences: readonly (readonly string[])[];
}

/**
 * A document's search terms as sets, made from its term lists the first time a question needs them: a
 * question looks at the few passages it shows, so building the sets of every chunk at start-up cost time
 * and memory for documents most questions never see.
 */
export class DocumentTerms {
  private all: ReadonlySet<string> | undefined;
  private perSentence: ReadonlySet<string>[] | undefined;

  constructor(private readonly lists: () => TermLists) {}

  /** The terms of the heading path and the text. */
  get terms(): ReadonlySet<string> {
    return (this.all ??= new Set(this.lists().words));
  }

  /** The terms of each sentence, in order. */
  get sentenceTerms(): readonly ReadonlySet<string>[] {
    return (this.perSentence ??= this.lists().sentences.map((list) => new Set(list)));
  }
}
