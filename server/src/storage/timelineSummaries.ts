// Timeline summaries (schema version 8 on both backends): per session, the replay timeline as built
// up to a seq of the log (replay/timelineSummary.ts encodes it), so a process that starts fresh
// reads the summary and the log after it instead of the whole log. Derived data: losing or
// discarding a summary only costs one full read of the log.
//
// One row per session, replaced only by a summary of the same format that covers as much of the
// log or more (the same seq: a damaged one is written over by a fresh build) or by one of a newer
// format (an older process of a deployment never replaces it): writes never go back. A summary is a function of the log prefix it covers, and that prefix never changes once written (the log is append-only
// and fenced), so on PostgreSQL any process may write it without holding the room's lease: two
// writers of the same seq write equivalent summaries, and an older one cannot replace a newer one.
// Kept apart from the rest of the storage code so the two backends' parts are read side by side.
import zlib from 'node:zlib'
import type Database from 'better-sqlite3'
import type postgres from 'postgres'
import type { TimelineSummaryRow } from './Storage.ts'
import { integrity } from './rows.ts'

export const SQLITE_TIMELINE_SUMMARY_MIGRATION = `
  CREATE TABLE IF NOT EXISTS timeline_summaries (
    session_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    version INTEGER NOT NULL,
    data BLOB NOT NULL,
    checksum INTEGER NOT NULL
  ) STRICT;
  `

export const POSTGRES_TIMELINE_SUMMARY_MIGRATION = `
  CREATE TABLE IF NOT EXISTS timeline_summaries (
    session_id text PRIMARY KEY,
    seq bigint NOT NULL,
    version integer NOT NULL,
    data bytea NOT NULL,
    checksum bigint NOT NULL
  );
  `

interface SummaryDbRow {
  seq: number
  version: number
  data: Buffer
  checksum: number | null
}

const toSummary = (r: SummaryDbRow): TimelineSummaryRow => ({ seq: r.seq, version: r.version, data: new Uint8Array(r.data), integrity: integrity(r.data, r.checksum) })

export class SqliteTimelineSummaries {
  private readonly select
  private readonly upsert

  constructor(db: Database.Database) {
    this.select = db.prepare('SELECT seq, version, data, checksum FROM timeline_summaries WHERE session_id = ?')
    this.upsert = db.prepare(
      `INSERT INTO timeline_summaries (session_id, seq, version, data, checksum) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET seq = excluded.seq, version = excluded.version, data = excluded.data, checksum = excluded.checksum
       WHERE excluded.version > timeline_summaries.version OR (excluded.version = timeline_summaries.version AND excluded.seq >= timeline_summaries.seq)`,
    )
  }

  read(sessionId: string): TimelineSummaryRow | null {
    const r = this.select.get(sessionId) as SummaryDbRow | undefined
    return r ? toSummary(r) : null
  }

  write(sessionId: string, row: TimelineSummaryRow): boolean {
    const data = Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength)
    return this.upsert.run(sessionId, row.seq, row.version, data, zlib.crc32(data)).changes === 1
  }
}

type Sql = postgres.Sql<{ bigint: number }>

export class PostgresTimelineSummaries {
  private readonly sql: Sql

  constructor(sql: Sql) {
    this.sql = sql
  }

  async read(sessionId: string): Promise<TimelineSummaryRow | null> {
    const [r] = await this.sql<SummaryDbRow[]>`SELECT seq, version, data, checksum FROM timeline_summaries WHERE session_id = ${sessionId}`
    return r ? toSummary(r) : null
  }

  async write(sessionId: string, row: TimelineSummaryRow): Promise<boolean> {
    const data = Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength)
    const written = await this.sql`
      INSERT INTO timeline_summaries AS t (session_id, seq, version, data, checksum)
      VALUES (${sessionId}, ${row.seq}, ${row.version}, ${data}, ${zlib.crc32(data)})
      ON CONFLICT (session_id) DO UPDATE SET seq = excluded.seq, version = excluded.version, data = excluded.data, checksum = excluded.checksum
      WHERE excluded.version > t.version OR (excluded.version = t.version AND excluded.seq >= t.seq)`
    return written.count === 1
  }
}
