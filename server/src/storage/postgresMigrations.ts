// PostgreSQL schema versions, in order; `schema_migrations` records which have run. Never edit a
// released migration: add the next one. The tables mirror SQLite's (sqliteMigrations.ts), with
// bigint for times, seqs and CRC-32 checksums (unsigned 32-bit), and each row's size stored so a
// session's stored bytes are summed without reading the bytes.
import type { Sql } from './postgresLog.ts'
import { POSTGRES_TIMELINE_SUMMARY_MIGRATION } from './timelineSummaries.ts'

/** Any one number, the same in every Sandbox process: the advisory lock that serialises migrations. */
const MIGRATION_LOCK_KEY = 0x5a4e_db01

export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: sessions, the update log, checkpoints, secrets, and settings every process shares.
  `
  CREATE TABLE sessions (
    id text PRIMARY KEY,
    title text NOT NULL,
    created_at bigint NOT NULL,
    participant_token_hash text NOT NULL,
    facilitator_token_hash text NOT NULL,
    viewer_token_hash text NOT NULL
  );
  CREATE TABLE updates (
    session_id text NOT NULL,
    seq bigint NOT NULL,
    at bigint NOT NULL,
    participant_id text,
    bytes bytea NOT NULL,
    checksum bigint,
    size_bytes integer NOT NULL,
    PRIMARY KEY (session_id, seq)
  );
  CREATE INDEX updates_by_time ON updates (session_id, at);
  CREATE TABLE checkpoints (
    session_id text NOT NULL,
    seq bigint NOT NULL,
    at bigint NOT NULL,
    state bytea NOT NULL,
    checksum bigint,
    size_bytes integer NOT NULL,
    PRIMARY KEY (session_id, seq)
  );
  CREATE INDEX checkpoints_by_time ON checkpoints (session_id, at);
  CREATE TABLE secrets (
    session_id text NOT NULL,
    kind text NOT NULL,
    owner_id text NOT NULL,
    item_id text NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (session_id, kind, owner_id, item_id)
  );
  CREATE TABLE settings (
    name text PRIMARY KEY,
    value bytea NOT NULL
  );
  `,
  // 2: series of sessions (SQLite's migration 4): each follow-up after the session it follows.
  `
  CREATE TABLE session_series (
    session_id text PRIMARY KEY,
    series_id text NOT NULL,
    previous_id text UNIQUE,
    position integer NOT NULL
  );
  CREATE INDEX session_series_by_series ON session_series (series_id, position);
  `,
  // 3: room ownership (issue 10). Two tables, so that renewing a lease never waits for the log:
  // appends lock their room's `room_owners` row FOR SHARE (the fence); renewals write only
  // `room_leases`; a claim changes both. Rows are never deleted, so epochs only grow.
  `
  CREATE TABLE room_owners (
    session_id text PRIMARY KEY,
    epoch bigint NOT NULL,
    process_id text NOT NULL,
    url text NOT NULL
  );
  CREATE TABLE room_leases (
    session_id text PRIMARY KEY,
    process_id text NOT NULL,
    expires_at timestamptz NOT NULL
  );
  `,
  // 4: uploaded images, so that every process of a deployment serves every session's images.
  `
  CREATE TABLE assets (
    session_id text NOT NULL,
    sha256 text NOT NULL,
    mime_type text NOT NULL,
    bytes bytea NOT NULL,
    size_bytes integer NOT NULL,
    PRIMARY KEY (session_id, sha256)
  );
  `,
  // 5: posting to the team's chat (SQLite's migration 5): each session's webhook URLs and chosen updates, and every post
  // with where it stands (so a failure is shown, and an update is posted once).
  `
  CREATE TABLE chat_settings (
    session_id text PRIMARY KEY,
    slack_url text,
    teams_url text,
    updates text NOT NULL,
    updated_at bigint NOT NULL
  );
  CREATE TABLE chat_deliveries (
    session_id text NOT NULL,
    key text NOT NULL,
    channel text NOT NULL,
    status text NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (session_id, key, channel)
  );
  CREATE INDEX chat_deliveries_by_time ON chat_deliveries (session_id, updated_at);
  `,
  // 6: checkpoints stored deflated (rows before it are raw), and the update bytes logged up to each
  // one's seq, which thinning weighs them against (NULL before it: filled in when first needed).
  `
  ALTER TABLE checkpoints ADD COLUMN deflated boolean NOT NULL DEFAULT false;
  ALTER TABLE checkpoints ADD COLUMN log_bytes bigint;
  `,
  // 7: the packed log (packs.ts, SQLite's migration 7): the verified rows a checkpoint covers, one
  // row per range of seqs, compressed. The body is stored out of line without pglz: it is compressed already.
  `
  CREATE TABLE update_packs (
    session_id text NOT NULL,
    first_seq bigint NOT NULL,
    last_seq bigint NOT NULL,
    min_at bigint NOT NULL,
    max_at bigint NOT NULL,
    max_at_seq bigint NOT NULL,
    raw_bytes integer NOT NULL,
    checksum bigint NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (session_id, last_seq)
  );
  ALTER TABLE update_packs ALTER COLUMN body SET STORAGE EXTERNAL;
  CREATE INDEX update_packs_by_time ON update_packs (session_id, max_at);
  `,
  // ---- 8: timeline summaries (storage/timelineSummaries.ts) ----
  POSTGRES_TIMELINE_SUMMARY_MIGRATION,
  // ---- end of 8 ----
]

/**
 * Runs the migrations this database has not had yet, each in its own transaction. Every
 * transaction first takes one advisory lock, so processes starting together run each migration
 * once: the second waits, then finds it recorded in schema_migrations.
 */
export async function migrate(sql: Sql): Promise<void> {
  for (let version = 1; version <= POSTGRES_MIGRATIONS.length; version++) {
    const statements = POSTGRES_MIGRATIONS[version - 1] as string
    await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`
      await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`
      const [newest] = await tx<{ version: number | null }[]>`SELECT MAX(version)::bigint AS version FROM schema_migrations`
      const at = newest?.version ?? 0
      if (at > POSTGRES_MIGRATIONS.length) {
        throw new Error(`This database is at schema version ${at}, newer than this Sandbox knows (${POSTGRES_MIGRATIONS.length}); run a newer Sandbox.`)
      }
      if (at >= version) return
      await tx.unsafe(statements).simple()
      await tx`INSERT INTO schema_migrations (version) VALUES (${version})`
    })
  }
}
