/** A library change a teacher asked for that cannot be made; `message` is one friendly sentence saying why and what to do. */
export class LibraryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibraryError';
  }
}

/** An import stopped before it was committed (Cancel pressed while indexing, or the bot stopping). */
export class ImportCancelledError extends Error {
  constructor() {
    super('The import was cancelled; the library was left as it was.');
    this.name = 'ImportCancelledError';
  }
}
