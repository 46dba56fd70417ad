/** Typed errors raised by the store. Every message is written for a person, not a stack trace. */

export type StoreErrorCode =
  | 'folder-unavailable'
  | 'folder-read-only'
  | 'file-read-only'
  | 'not-a-file'
  | 'not-found'
  | 'not-readable'
  | 'not-a-database'
  | 'damaged'
  | 'newer-schema'
  | 'foreign-database'
  | 'outdated-readonly'
  | 'busy'
  | 'disk-full'
  | 'unreachable'
  | 'auth-failed'
  | 'unknown';

/** A problem opening or using the database. `path` is the file (or the PostgreSQL URL, password hidden) the problem concerns. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** A value that came from a user (or the bot) was not acceptable. Nothing was changed. */
export class InvalidInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** A guild setting was not acceptable. Nothing was changed. */
export class InvalidSettingError extends InvalidInputError {
  constructor(field: string, message: string) {
    super(field, message);
    this.name = 'InvalidSettingError';
  }
}

/** The row an id pointed to does not exist (it may have been deleted or purged). */
export class NotFoundError extends Error {
  constructor(
    readonly entity: string,
    readonly id: number | string,
  ) {
    super(`No ${entity} with id ${id} exists (it may have been deleted).`);
    this.name = 'NotFoundError';
  }
}
