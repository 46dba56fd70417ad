/** Every limit of the per-server library, in one place. */

/** The largest guide file a teacher may upload is the ingest limit, checked on the attachment's announced size before it is downloaded. */
export { MAX_GUIDE_BYTES as MAX_GUIDE_FILE_BYTES } from '../guide/ingest/index.js';
/** Guides one server may hold (its own, not counting the shared library). */
export const MAX_GUIDES_PER_SERVER = 50;
/** The longest guide title and book name a teacher may give. */
export const MAX_TITLE_CHARS = 120;
export const MAX_BOOK_CHARS = 80;
/** How long an upload's preview waits for Add or Cancel before it is forgotten. */
export const PREVIEW_TTL_MS = 15 * 60 * 1000;
/** Previews waiting at once (across servers); the oldest is forgotten past this. */
export const MAX_PENDING_PREVIEWS = 200;
/** Changes in the host's corpus folder within this time are re-indexed together. */
export const WATCH_DEBOUNCE_MS = 400;
/** How often a background import edits its message with progress, at most. */
export const PROGRESS_EDIT_INTERVAL_MS = 1500;
/** A download that takes longer than this is abandoned. */
export const DOWNLOAD_TIMEOUT_MS = 30_000;
/**
 * How long one file may take to parse in the parser thread before it is stopped. A 490-page PDF of
 * 336,000 words (past the word limit, so larger than any guide accepted) took 19 s, and 32 s in a new
 * thread, on the 2-core development machine under a load average of 11: this leaves room for a busy
 * machine and stops only a pathological file, which must not keep the parser from everyone else.
 */
export const PARSE_TIME_LIMIT_MS = 120_000;
/**
 * Parser threads. Uploads are rare and a teacher waits for one preview at a time, so one thread
 * reading one file at a time is enough; each thread holds the PDF, Word and HTML readers in memory,
 * and on a small server the other cores answer questions.
 */
export const PARSE_WORKERS = 1;
/** Files being parsed or waiting for a parser thread at once (each holds up to 10 MB); more are refused until one is done. */
export const MAX_WAITING_PARSES = 8;
/** An idle parser thread is stopped after this long (its memory goes back); the next upload starts another. */
export const PARSE_WORKER_IDLE_MS = 5 * 60 * 1000;
