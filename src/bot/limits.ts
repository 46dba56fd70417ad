/**
 * Every Discord limit and every Guidebot limit the bot relies on, in one place.
 * Discord's numbers come from https://discord.com/developers/docs (messages, embeds, components,
 * interactions, application commands).
 */

// ── Messages and embeds ──────────────────────────────────────────────────────────────────────
export const MESSAGE_CONTENT_MAX = 2000;
export const EMBED_TITLE_MAX = 256;
export const EMBED_DESCRIPTION_MAX = 4096;
export const EMBED_FIELDS_MAX = 25;
export const EMBED_FIELD_NAME_MAX = 256;
export const EMBED_FIELD_VALUE_MAX = 1024;
export const EMBED_FOOTER_MAX = 2048;
export const EMBED_AUTHOR_NAME_MAX = 256;
/** Sum of every title, description, field name and value, footer and author name of all embeds of a message. */
export const EMBEDS_TOTAL_MAX = 6000;

// ── Components ───────────────────────────────────────────────────────────────────────────────
export const BUTTONS_PER_ROW_MAX = 5;
export const BUTTON_LABEL_MAX = 80;
export const CUSTOM_ID_MAX = 100;
export const MODAL_TITLE_MAX = 45;
export const TEXT_INPUT_PLACEHOLDER_MAX = 100;

// ── Interactions and commands ────────────────────────────────────────────────────────────────
/** If a handler has not acknowledged by then, the router defers for it. */
export const ACK_SAFETY_MS = 2000;
/** An interaction token (for edits and follow-ups) lives 15 minutes. */
export const INTERACTION_TOKEN_TTL_MS = 15 * 60 * 1000;
export const AUTOCOMPLETE_CHOICES_MAX = 25;
export const CHOICE_NAME_MAX = 100;
export const CHOICE_VALUE_MAX = 100;

// ── Guidebot ─────────────────────────────────────────────────────────────────────────────────
/** Longest question accepted by `/ask` (the same limit the engine applies). */
export { MAX_QUESTION_CHARS as QUESTION_MAX } from '../question.js';
export const QUESTION_MIN = 1;
/** How much of a question is echoed back above the answer. */
export const QUESTION_ECHO_MAX = 300;
/** Passages per `/ask` answer and per "More passages" page. */
export const PASSAGES_PER_PAGE = 5;
/** "More passages" stops after this many passages (the engine returns at most 25 per call). */
export const PASSAGES_MAX_OFFSET = 20;
/** Longest passage shown on a "More passages" page before it is cut (with a pointer to the section). */
export const PASSAGE_PREVIEW_MAX = 700;
/** Characters of section text per page of `/section` (kept well under the embed description limit). */
export const SECTION_PAGE_CHARS = 3500;
/** Lines of the table of contents per page of `/sections`. */
export const TOC_PAGE_CHARS = 3500;
/** Longest answer a student may type into the quiz modal; the same as the engine's MAX_QUIZ_ANSWER_CHARS (a test checks). */
export const QUIZ_ANSWER_MAX = 1500;
export const QUIZ_ANSWER_MIN = 1;
/** How long the engine may take for one answer before the student is told to try again. */
export const ENGINE_TIMEOUT_MS = 15_000;
/** How long shutdown waits for interactions in flight. */
export const SHUTDOWN_GRACE_MS = 10_000;
/** Recent answers kept in memory for "More passages" (an LRU in front of the question log). */
export const ANSWER_CACHE_MAX = 2000;
/** Members (per server) and users the discord.js client keeps in memory; when full, the longest held goes first, except the bot itself. */
export const PEOPLE_CACHED_MAX = 1000;
/** Users tracked at once by a rate limiter; the least recently seen are forgotten first. */
export const RATE_LIMIT_TRACKED_USERS_MAX = 10_000;
/** Replies to messages that mention the bot: at most this many per user per window. */
export const MENTION_REPLIES_PER_USER = 2;
export const MENTION_REPLY_WINDOW_SECONDS = 60;
/** Feedback votes kept by the in-memory feedback sink. */
export const FEEDBACK_MEMORY_MAX = 10_000;
/** Discord's global limit: requests per second a bot may make with its token, across every process. */
export const DISCORD_GLOBAL_REQUESTS_PER_SECOND = 50;
/**
 * Interaction responses (callbacks, edits and follow-ups with the interaction token, sent without the
 * bot's token) are not bound by the global limit; they are sent under this pace, which only keeps a
 * runaway loop in check, while Discord's per-route buckets pace them as usual.
 */
export const INTERACTION_REQUESTS_PER_SECOND = 10_000;
