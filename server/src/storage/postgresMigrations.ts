// PostgreSQL schema versions, in order; `schema_migrations` records which have run. Never edit a
// released migration: add the next one. The tables mirror SQLite's (SqliteStorage.ts), with
// bigint for times, seqs and CRC-32 checksums (unsigned 32-bit), and each row's size stored so a
// session's stored bytes are summed without reading the bytes.
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
  // 2: checkpoints stored deflated (rows before it are raw), and the update bytes logged up to each
  // one's seq, which thinning weighs them against (NULL before it: filled in when first needed).
  `
  ALTER TABLE checkpoints ADD COLUMN deflated boolean NOT NULL DEFAULT false;
  ALTER TABLE checkpoints ADD COLUMN log_bytes bigint;
  `,
]
