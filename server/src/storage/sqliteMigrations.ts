// SQLite schema versions, in order, and the step that brings a database file up to date. Never
// edit a released migration: add the next one. PostgreSQL's mirror is postgresMigrations.ts.
import type Database from 'better-sqlite3'
import { SQLITE_TIMELINE_SUMMARY_MIGRATION } from './timelineSummaries.ts'

/**
 * Schema versions, in order; `PRAGMA user_version` says how many have run. Databases made before
 * versioning hold version 1's tables at user_version 0, so version 1 only creates what is missing.
 */
const MIGRATIONS: readonly string[] = [
  // 1: sessions, the update log, checkpoints.
  `
  CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    participant_token_hash TEXT NOT NULL,
    facilitator_token_hash TEXT NOT NULL,
    viewer_token_hash TEXT NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS updates (
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    participant_id TEXT,
    bytes BLOB NOT NULL,
    PRIMARY KEY (session_id, seq)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS updates_by_time ON updates (session_id, at);
  CREATE TABLE IF NOT EXISTS checkpoints (
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    state BLOB NOT NULL,
    PRIMARY KEY (session_id, seq)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS checkpoints_by_time ON checkpoints (session_id, at);
  `,
  // 2: a CRC-32 of each row's bytes, and each log row's size in an index, so a session's stored
  // bytes are summed from the index instead of from the rows (which span many pages). Rows written
  // before it keep NULL: unverified but still read, and sized with length().
  `
  ALTER TABLE updates ADD COLUMN checksum INTEGER;
  ALTER TABLE updates ADD COLUMN size_bytes INTEGER;
  CREATE INDEX updates_by_size ON updates (session_id, size_bytes);
  ALTER TABLE checkpoints ADD COLUMN checksum INTEGER;
  `,
  // 3: what the server keeps out of the shared document until a reveal (private stickies, hidden
  // ballots), one row per owner and item.
  `
  CREATE TABLE secrets (
    session_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (session_id, kind, owner_id, item_id)
  ) STRICT, WITHOUT ROWID;
  `,
  // 4: series of sessions: each follow-up after the session it follows (at most one), and the
  // series' id (its first session's) with the position in it.
  `
  CREATE TABLE session_series (
    session_id TEXT PRIMARY KEY,
    series_id TEXT NOT NULL,
    previous_id TEXT UNIQUE,
    position INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX session_series_by_series ON session_series (series_id, position);
  `,
  // 5: posting to the team's chat: each session's webhook URLs and chosen updates, and every post
  // with where it stands (so a failure is shown, and an update is posted once).
  `
  CREATE TABLE chat_settings (
    session_id TEXT PRIMARY KEY,
    slack_url TEXT,
    teams_url TEXT,
    updates TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE chat_deliveries (
    session_id TEXT NOT NULL,
    key TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, key, channel)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX chat_deliveries_by_time ON chat_deliveries (session_id, updated_at);
  `,
  // 6: checkpoints stored deflated (rows before it are raw: 0), and the update bytes logged up to
  // each one's seq, which thinning weighs them against (NULL before it: filled in when first needed).
  `
  ALTER TABLE checkpoints ADD COLUMN deflated INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE checkpoints ADD COLUMN log_bytes INTEGER;
  `,
  // 7: the packed log (packs.ts): the verified rows a checkpoint covers, one row per range of
  // seqs, compressed. The body comes last, so reading a pack's columns skips its overflow pages.
  `
  CREATE TABLE update_packs (
    session_id TEXT NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    min_at INTEGER NOT NULL,
    max_at INTEGER NOT NULL,
    max_at_seq INTEGER NOT NULL,
    raw_bytes INTEGER NOT NULL,
    checksum INTEGER NOT NULL,
    body BLOB NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX update_packs_by_seq ON update_packs (session_id, last_seq);
  CREATE INDEX update_packs_by_time ON update_packs (session_id, max_at);
  `,
  // ---- 8: timeline summaries (storage/timelineSummaries.ts) ----
  SQLITE_TIMELINE_SUMMARY_MIGRATION,
  // ---- end of 8 ----
]
export const SCHEMA_VERSION = MIGRATIONS.length

/** Runs the migrations this database has not had yet, each in its own write transaction. */
export function migrate(db: Database.Database): void {
  const version = () => db.pragma('user_version', { simple: true }) as number
  if (version() > MIGRATIONS.length) {
    throw new Error(`This database is at schema version ${version()}, newer than this Sandbox knows (${MIGRATIONS.length}); run a newer Sandbox.`)
  }
  for (let next = version(); next < MIGRATIONS.length; next = version()) {
    // IMMEDIATE: a second process opening the same file waits, then sees the new version.
    db.transaction(() => {
      const at = version()
      if (at !== next) return
      db.exec(MIGRATIONS[at] as string)
      db.pragma(`user_version = ${at + 1}`)
    }).immediate()
  }
}
