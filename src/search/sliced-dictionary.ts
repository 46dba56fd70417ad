import nspell from 'nspell';

type Checker = ReturnType<typeof nspell>;
/** What nspell keeps of the affix file's compound rules: their source until a word list is read, then expressions made from it. */
type CompoundRules = { compoundRules: (string | RegExp)[] };

/**
 * A Hunspell dictionary (nspell) read a slice of its word list at a time, so that reading it (about a quarter of a
 * second for en_US) can share the event loop with questions instead of holding start-up. When every slice is read,
 * the checker is the one nspell makes of the whole list at once: the same words in the same order, and the compound
 * rules made from all of them.
 *
 * nspell's own way to add a second word list (`dictionary()`) makes the compound rules again from what is already an
 * expression and loses them, so each slice is read with the rules' source put back first.
 */
export class SlicedDictionary {
  private readonly checker: Checker;
  private readonly ruleSources: string[];
  private readonly words: string;
  /** Where the next unread line of the word list starts; past its end when all is read. */
  private next: number;

  constructor(
    aff: Uint8Array,
    dic: Uint8Array,
    private readonly linesPerSlice: number,
  ) {
    this.checker = nspell(Buffer.from(aff));
    this.ruleSources = (this.checker as unknown as CompoundRules).compoundRules.map(String);
    this.words = Buffer.from(dic).toString('utf8');
    // The first line gives the number of words.
    const firstLineEnd = this.words.indexOf('\n');
    this.next = firstLineEnd === -1 ? this.words.length + 1 : firstLineEnd + 1;
  }

  get done(): boolean {
    return this.next > this.words.length;
  }

  /** Reads the next slice of the word list; true when the whole list has been read. */
  step(): boolean {
    if (this.done) return true;
    // The slice ends at the newline of its last line (-1: the list ends first).
    let end = this.next - 1;
    for (let line = 0; line < this.linesPerSlice; line++) {
      end = this.words.indexOf('\n', end + 1);
      if (end === -1) break;
    }
    const slice = end === -1 ? this.words.slice(this.next) : this.words.slice(this.next, end);
    (this.checker as unknown as CompoundRules).compoundRules = [...this.ruleSources];
    // nspell skips a word list's first line (the count).
    this.checker.dictionary(`0\n${slice}`);
    this.next = end === -1 ? this.words.length + 1 : end + 1;
    return this.done;
  }

  /** The checker, once every slice not yet read has been. */
  complete(): Checker {
    while (!this.step());
    return this.checker;
  }
}
