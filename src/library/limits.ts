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
