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
  // 2: posting to the team's chat: each session's webhook URLs and chosen updates, and every post
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
]
