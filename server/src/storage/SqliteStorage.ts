// The embedded default: one SQLite file in DATA_DIR, in WAL mode. The update log is append-only;
// checkpoints are kept (never overwritten) so replay can seek to any moment without the whole log.
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Checkpoint, LoggedUpdate, SessionRow, Storage, UpdateToAppend } from './Storage.ts'

const SCHEMA = `
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
`

interface UpdateRow {
  seq: number
  at: number
  participant_id: string | null
  bytes: Buffer
}
interface CheckpointRow {
  seq: number
  at: number
  state: Buffer
}

const toUpdate = (r: UpdateRow): LoggedUpdate => ({
  seq: r.seq,
  at: r.at,
  participantId: r.participant_id,
  update: new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength),
})
const toCheckpoint = (r: CheckpointRow): Checkpoint => ({
  seq: r.seq,
  at: r.at,
  state: new Uint8Array(r.state.buffer, r.state.byteOffset, r.state.byteLength),
})

export interface SqliteOptions {
  synchronous?: 'FULL' | 'NORMAL'
}

export class SqliteStorage implements Storage {
  readonly file: string
  private readonly db: Database.Database
  private readonly stmt

  constructor(dataDir: string, options: SqliteOptions = {}) {
    fs.mkdirSync(dataDir, { recursive: true })
    this.file = path.join(dataDir, 'sandbox.sqlite')
    this.db = new Database(this.file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`)
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(SCHEMA)
    this.stmt = {
      insertSession: this.db.prepare(
        'INSERT INTO sessions (id, title, created_at, participant_token_hash, facilitator_token_hash, viewer_token_hash) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      getSession: this.db.prepare('SELECT * FROM sessions WHERE id = ?'),
      insertUpdate: this.db.prepare('INSERT INTO updates (session_id, seq, at, participant_id, bytes) VALUES (?, ?, ?, ?, ?)'),
      lastSeq: this.db.prepare('SELECT MAX(seq) AS seq FROM updates WHERE session_id = ?'),
      insertCheckpoint: this.db.prepare('INSERT OR REPLACE INTO checkpoints (session_id, seq, at, state) VALUES (?, ?, ?, ?)'),
      latestCheckpoint: this.db.prepare('SELECT seq, at, state FROM checkpoints WHERE session_id = ? ORDER BY seq DESC LIMIT 1'),
      checkpointAtOrBefore: this.db.prepare(
        'SELECT seq, at, state FROM checkpoints WHERE session_id = ? AND at <= ? ORDER BY at DESC, seq DESC LIMIT 1',
      ),
      checkpointAtOrBeforeSeq: this.db.prepare('SELECT seq, at, state FROM checkpoints WHERE session_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1'),
      seqAt: this.db.prepare('SELECT seq FROM updates WHERE session_id = ? AND at <= ? ORDER BY at DESC, seq DESC LIMIT 1'),
      updatesAfter: this.db.prepare('SELECT seq, at, participant_id, bytes FROM updates WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      updatesAfterUntil: this.db.prepare(
        'SELECT seq, at, participant_id, bytes FROM updates WHERE session_id = ? AND seq > ? AND at <= ? ORDER BY seq LIMIT ?',
      ),
      bounds: this.db.prepare('SELECT MIN(at) AS first, MAX(at) AS last, COUNT(*) AS count FROM updates WHERE session_id = ?'),
    }
  }

  createSession(row: SessionRow): void {
    const t = row.tokenHashes
    this.stmt.insertSession.run(row.id, row.title, row.createdAt, t.participant, t.facilitator, t.viewer)
  }

  getSession(id: string): SessionRow | null {
    const r = this.stmt.getSession.get(id) as
      | { id: string; title: string; created_at: number; participant_token_hash: string; facilitator_token_hash: string; viewer_token_hash: string }
      | undefined
    if (!r) return null
    return {
      id: r.id,
      title: r.title,
      createdAt: r.created_at,
      tokenHashes: { participant: r.participant_token_hash, facilitator: r.facilitator_token_hash, viewer: r.viewer_token_hash },
    }
  }

  private readonly appendMany = (updates: readonly UpdateToAppend[]) => {
    for (const u of updates) this.stmt.insertUpdate.run(u.sessionId, u.seq, u.at, u.participantId, u.update)
  }

  appendUpdates(updates: readonly UpdateToAppend[]): void {
    if (updates.length === 0) return
    this.db.transaction(this.appendMany)(updates)
  }

  lastSeq(sessionId: string): number {
    return (this.stmt.lastSeq.get(sessionId) as { seq: number | null }).seq ?? 0
  }

  writeCheckpoint(sessionId: string, cp: Checkpoint): void {
    this.stmt.insertCheckpoint.run(sessionId, cp.seq, cp.at, cp.state)
  }

  latestCheckpoint(sessionId: string, atOrBefore?: number): Checkpoint | null {
    const row = (
      atOrBefore === undefined ? this.stmt.latestCheckpoint.get(sessionId) : this.stmt.checkpointAtOrBefore.get(sessionId, atOrBefore)
    ) as CheckpointRow | undefined
    return row ? toCheckpoint(row) : null
  }

  checkpointAtOrBeforeSeq(sessionId: string, seq: number): Checkpoint | null {
    const row = this.stmt.checkpointAtOrBeforeSeq.get(sessionId, seq) as CheckpointRow | undefined
    return row ? toCheckpoint(row) : null
  }

  seqAt(sessionId: string, at: number): number {
    return (this.stmt.seqAt.get(sessionId, at) as { seq: number } | undefined)?.seq ?? 0
  }

  updatesAfter(sessionId: string, afterSeq: number, untilAt?: number, limit = -1): LoggedUpdate[] {
    const rows = (
      untilAt === undefined
        ? this.stmt.updatesAfter.all(sessionId, afterSeq, limit)
        : this.stmt.updatesAfterUntil.all(sessionId, afterSeq, untilAt, limit)
    ) as UpdateRow[]
    return rows.map(toUpdate)
  }

  historyBounds(sessionId: string): { first: number; last: number; count: number } | null {
    const r = this.stmt.bounds.get(sessionId) as { first: number | null; last: number | null; count: number }
    return r.count === 0 || r.first === null || r.last === null ? null : { first: r.first, last: r.last, count: r.count }
  }

  healthCheck(): void {
    this.db.prepare('SELECT 1').get()
  }

  integrityCheck(): string {
    return (this.db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown'
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
