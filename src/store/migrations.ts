import type { Database } from './db.js';
import { rekeyGaps } from './gaps.js';

/**
 * Schema migrations, applied in order. Migration N (1-based) brings the database to
 * `PRAGMA user_version = N`. Never edit a migration that has shipped: append a new one.
 */
export interface Migration {
  readonly name: string;
  /** Run first, when given. */
  readonly sql?: string;
  /** Then this, when given: data changes that need code (in the same transaction). */
  readonly run?: (db: Database) => void;
}

export const migrations: readonly Migration[] = [
  {
    name: 'initial schema',
    sql: `
      CREATE TABLE guild_settings (
        guild_id TEXT PRIMARY KEY,
        allowed_channel_ids TEXT NOT NULL DEFAULT '[]'
          CHECK (json_valid(allowed_channel_ids) AND json_type(allowed_channel_ids) = 'array'),
        answer_visibility TEXT NOT NULL DEFAULT 'public' CHECK (answer_visibility IN ('public', 'private')),
        review_mode TEXT NOT NULL DEFAULT 'off' CHECK (review_mode IN ('off', 'on')),
        review_channel_id TEXT,
        spoiler_mode TEXT NOT NULL DEFAULT 'off' CHECK (spoiler_mode IN ('off', 'tag', 'progress')),
        -- NULL means "use the configured default" (RATE_LIMIT_* in the environment).
        rate_limit_per_user INTEGER CHECK (rate_limit_per_user IS NULL OR rate_limit_per_user BETWEEN 1 AND 1000),
        rate_limit_window_seconds INTEGER
          CHECK (rate_limit_window_seconds IS NULL OR rate_limit_window_seconds BETWEEN 1 AND 86400),
        teacher_role_id TEXT,
        updated_at INTEGER NOT NULL,
        CHECK (review_mode = 'off' OR review_channel_id IS NOT NULL)
      ) STRICT;

      CREATE TABLE reading_progress (
        guild_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        progress TEXT NOT NULL CHECK (progress IN ('part-one', 'part-two', 'part-three', 'finished')),
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (guild_id, user_id)
      ) STRICT, WITHOUT ROWID;

      -- AUTOINCREMENT: ids are never reused after forget/purge, so a stale button never hits another question.
      CREATE TABLE question_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        guild_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        user_name TEXT NOT NULL,
        question TEXT NOT NULL,
        answered INTEGER NOT NULL CHECK (answered IN (0, 1)),
        confidence REAL,
        passages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(passages) AND json_type(passages) = 'array'),
        latency_ms INTEGER NOT NULL CHECK (latency_ms >= 0),
        review_outcome TEXT CHECK (review_outcome IN ('pending', 'approved', 'rejected')),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX question_log_guild_time ON question_log (guild_id, created_at);
      CREATE INDEX question_log_guild_user ON question_log (guild_id, user_id);
      CREATE INDEX question_log_time ON question_log (created_at);

      CREATE TABLE feedback (
        log_id INTEGER NOT NULL REFERENCES question_log (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (log_id, user_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX feedback_user ON feedback (user_id);

      CREATE TABLE reviews (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        log_id INTEGER REFERENCES question_log (id) ON DELETE SET NULL,
        guild_id TEXT NOT NULL,
        origin_channel_id TEXT NOT NULL,
        asker_id TEXT NOT NULL,
        question TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        queue_channel_id TEXT NOT NULL,
        queue_message_id TEXT,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        handled_by TEXT,
        handled_at INTEGER,
        note TEXT,
        created_at INTEGER NOT NULL,
        CHECK ((status = 'pending') = (handled_by IS NULL AND handled_at IS NULL))
      ) STRICT;
      CREATE INDEX reviews_guild_status ON reviews (guild_id, status, created_at);
      CREATE INDEX reviews_log ON reviews (log_id);
      CREATE INDEX reviews_asker ON reviews (guild_id, asker_id);

      CREATE TABLE notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        guild_id TEXT NOT NULL,
        author_id TEXT NOT NULL,
        author_name TEXT NOT NULL,
        question TEXT,
        gap_id INTEGER REFERENCES gaps (id) ON DELETE SET NULL,
        text TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX notes_guild ON notes (guild_id, updated_at);
      CREATE INDEX notes_gap ON notes (gap_id);

      -- A gap is a group of similar unanswered questions; each time one is asked, a gap_asks row is added.
      CREATE TABLE gaps (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        guild_id TEXT NOT NULL,
        question TEXT NOT NULL,
        norm_key TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered')),
        note_id INTEGER REFERENCES notes (id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        last_asked_at INTEGER NOT NULL,
        answered_at INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX gaps_open_key ON gaps (guild_id, norm_key) WHERE status = 'open';
      CREATE INDEX gaps_guild_status ON gaps (guild_id, status, last_asked_at);
      CREATE INDEX gaps_note ON gaps (note_id);

      CREATE TABLE gap_asks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        gap_id INTEGER NOT NULL REFERENCES gaps (id) ON DELETE CASCADE,
        guild_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        question TEXT NOT NULL,
        norm_key TEXT NOT NULL,
        log_id INTEGER REFERENCES question_log (id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX gap_asks_gap ON gap_asks (gap_id);
      CREATE INDEX gap_asks_user ON gap_asks (guild_id, user_id);
      CREATE INDEX gap_asks_key ON gap_asks (guild_id, norm_key);
      CREATE INDEX gap_asks_log ON gap_asks (log_id);
    `,
  },
  {
    name: 'answer ids and review notices',
    sql: `
      -- The id of the answer a logged question produced (the /ask interaction id), so votes on the
      -- answer's buttons find their row after a restart.
      ALTER TABLE question_log ADD COLUMN answer_id TEXT;
      CREATE UNIQUE INDEX question_log_answer ON question_log (answer_id) WHERE answer_id IS NOT NULL;

      -- How the asker was told about a decision: a follow-up on their /ask, a direct message, or not at all.
      ALTER TABLE reviews ADD COLUMN notified TEXT CHECK (notified IS NULL OR notified IN ('follow-up', 'dm', 'failed'));
    `,
  },
  {
    // Question keys are now made with the search tokenizer (stemmed search terms) instead of a second
    // tokenizer of their own; stored keys are rebuilt so old questions still group with new ones.
    name: 'question keys from the search tokenizer',
    run: rekeyGaps,
  },
  {
    // State that several shard processes share: the last quiz question per user (so /quiz does not
    // repeat it on another shard or after a restart) and the change feed of notes (see changes.ts).
    name: 'shared state for shards',
    sql: `
      CREATE TABLE quiz_last (
        user_id TEXT PRIMARY KEY,
        question_id TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX quiz_last_time ON quiz_last (updated_at);

      CREATE TABLE changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('note')),
        guild_id TEXT NOT NULL,
        subject_id INTEGER NOT NULL,
        origin TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX changes_time ON changes (created_at);
    `,
  },
];

export const SCHEMA_VERSION = migrations.length;
