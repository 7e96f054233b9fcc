// The update log in SQLite: its rows and its packs (packs.ts), read together by seq in one read
// transaction each, and packed inside the caller's checkpoint transaction (SqliteStorage).
import zlib from 'node:zlib'
import type Database from 'better-sqlite3'
import type { LoggedUpdate, PageLimits, UpdateToAppend } from './Storage.ts'
import type { UpdateRow } from './rows.ts'
import { bestAtOrBefore, DuplicateSeqError, encodePack, entriesIn, groupForPacking, lowestSeqs, mergeBySeq, PACK_MAX_ROWS_PER_CHECKPOINT, PACK_MIN_ROWS, packBytesBetween, takeAfter, takePage, type PackRow } from './packs.ts'

const UPDATE_COLUMNS = 'seq, at, participant_id, bytes, checksum'
const PACK_COLUMNS = 'first_seq, last_seq, min_at, max_at, max_at_seq, raw_bytes, checksum, body'

export class SqliteLog {
  private readonly db: Database.Database
  private readonly stmt

  constructor(db: Database.Database) {
    this.db = db
    this.stmt = {
      insertUpdate: db.prepare('INSERT INTO updates (session_id, seq, at, participant_id, bytes, checksum, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      lastSeq: db.prepare(
        'SELECT MAX(seq) AS seq FROM (SELECT MAX(seq) AS seq FROM updates WHERE session_id = @id UNION ALL SELECT MAX(last_seq) FROM update_packs WHERE session_id = @id)',
      ),
      // Packing (packs.ts): whether enough checksummed rows lie under a checkpoint, those rows, a pack in their place.
      hasRowsToPack: db.prepare('SELECT seq FROM updates WHERE session_id = ? AND seq <= ? AND checksum IS NOT NULL ORDER BY seq LIMIT 1 OFFSET ?'),
      rowsToPack: db.prepare(`SELECT ${UPDATE_COLUMNS} FROM updates WHERE session_id = ? AND seq <= ? AND checksum IS NOT NULL ORDER BY seq LIMIT ?`),
      insertPack: db.prepare(
        `INSERT INTO update_packs (session_id, first_seq, last_seq, min_at, max_at, max_at_seq, raw_bytes, checksum, body)
         VALUES (@session_id, @first_seq, @last_seq, @min_at, @max_at, @max_at_seq, @raw_bytes, @checksum, @body)`,
      ),
      packedFrom: db.prepare('SELECT 1 FROM update_packs WHERE session_id = ? AND last_seq >= ? LIMIT 1'),
      deleteRows: db.prepare('DELETE FROM updates WHERE session_id = ? AND seq >= ? AND seq <= ?'),
      packsFrom: db.prepare(`SELECT ${PACK_COLUMNS} FROM update_packs WHERE session_id = ? AND last_seq > ? AND first_seq <= ? ORDER BY last_seq`),
      packsFromUntilAt: db.prepare(`SELECT ${PACK_COLUMNS} FROM update_packs WHERE session_id = ? AND last_seq > ? AND min_at <= ? ORDER BY last_seq`),
      wholePackBytes: db.prepare('SELECT COALESCE(SUM(raw_bytes), 0) AS bytes FROM update_packs WHERE session_id = ? AND first_seq > ? AND last_seq <= ?'),
      straddlingPacks: db.prepare(
        `SELECT ${PACK_COLUMNS} FROM update_packs WHERE session_id = @id AND last_seq > @after AND first_seq <= @until AND NOT (first_seq > @after AND last_seq <= @until)`,
      ),
      wholePackBefore: db.prepare('SELECT max_at, max_at_seq FROM update_packs WHERE session_id = ? AND max_at <= ? ORDER BY max_at DESC, max_at_seq DESC LIMIT 1'),
      packsAround: db.prepare(`SELECT ${PACK_COLUMNS} FROM update_packs WHERE session_id = @id AND max_at > @at AND min_at <= @at`),
      packBounds: db.prepare('SELECT MIN(min_at) AS first, MAX(max_at) AS last, COALESCE(SUM(last_seq - first_seq + 1), 0) AS count FROM update_packs WHERE session_id = ?'),
      logBytesBetween: db.prepare('SELECT COALESCE(SUM(COALESCE(size_bytes, length(bytes))), 0) AS bytes FROM updates WHERE session_id = ? AND seq > ? AND seq <= ?'),
      seqAt: db.prepare('SELECT at, seq FROM updates WHERE session_id = ? AND at <= ? ORDER BY at DESC, seq DESC LIMIT 1'),
      updatesAfter: db.prepare(`SELECT ${UPDATE_COLUMNS} FROM updates WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
      updatesAfterUntil: db.prepare(`SELECT ${UPDATE_COLUMNS} FROM updates WHERE session_id = ? AND seq > ? AND at <= ? ORDER BY seq LIMIT ?`),
      updatesRange: db.prepare(`SELECT ${UPDATE_COLUMNS} FROM updates WHERE session_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`),
      bounds: db.prepare('SELECT MIN(at) AS first, MAX(at) AS last, COUNT(*) AS count FROM updates WHERE session_id = ?'),
    }
  }

  /** Reads in one transaction: a snapshot, so a checkpoint packing rows in between is never half seen. */
  private read<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  /** Appends a batch (in the caller's transaction). */
  append(updates: readonly UpdateToAppend[]): void {
    // A seq already packed is a duplicate, as if its row were still there (the primary key no longer sees it).
    for (const [sessionId, seq] of lowestSeqs(updates)) {
      if (this.stmt.packedFrom.get(sessionId, seq)) throw new DuplicateSeqError(sessionId, seq)
    }
    for (const u of updates) this.stmt.insertUpdate.run(u.sessionId, u.seq, u.at, u.participantId, u.update, zlib.crc32(u.update), u.update.length)
  }

  lastSeq(sessionId: string): number {
    return (this.stmt.lastSeq.get({ id: sessionId }) as { seq: number | null }).seq ?? 0
  }

  /** Update bytes logged with seq in (after, until]: rows, whole packs by their column, packs across a bound entry by entry. */
  bytesBetween(sessionId: string, after: number, until: number): number {
    const rows = this.stmt.logBytesBetween.get(sessionId, after, until) as { bytes: number }
    const whole = this.stmt.wholePackBytes.get(sessionId, after, until) as { bytes: number }
    const straddling = this.stmt.straddlingPacks.all({ id: sessionId, after, until }) as PackRow[]
    return rows.bytes + whole.bytes + packBytesBetween(straddling, after, until)
  }

  /** Packs the checksummed rows at or before `seq` (packs.ts), once there are enough of them. */
  packUpTo(sessionId: string, seq: number): void {
    if (this.stmt.hasRowsToPack.get(sessionId, seq, PACK_MIN_ROWS - 1) === undefined) return
    const rows = this.stmt.rowsToPack.all(sessionId, seq, PACK_MAX_ROWS_PER_CHECKPOINT) as UpdateRow[]
    for (const group of groupForPacking(rows)) {
      const pack = encodePack(group)
      this.stmt.insertPack.run({ session_id: sessionId, ...pack })
      this.stmt.deleteRows.run(sessionId, pack.first_seq, pack.last_seq)
    }
  }

  seqAt(sessionId: string, at: number): number {
    return this.read(() => {
      const row = this.stmt.seqAt.get(sessionId, at) as { at: number; seq: number } | undefined
      const whole = this.stmt.wholePackBefore.get(sessionId, at) as { max_at: number; max_at_seq: number } | undefined
      const best = bestAtOrBefore(at, whole, this.stmt.packsAround.all({ id: sessionId, at }) as PackRow[])
      if (!row) return best?.[1] ?? 0
      if (!best) return row.seq
      return row.at > best[0] || (row.at === best[0] && row.seq > best[1]) ? row.seq : best[1]
    })
  }

  updatesAfter(sessionId: string, afterSeq: number, untilAt?: number, limit = -1): LoggedUpdate[] {
    return this.read(() => {
      const packs: PackRow[] = []
      const candidates = (
        untilAt === undefined ? this.stmt.packsFrom.iterate(sessionId, afterSeq, Number.MAX_SAFE_INTEGER) : this.stmt.packsFromUntilAt.iterate(sessionId, afterSeq, untilAt)
      ) as IterableIterator<PackRow>
      let entries = 0
      for (const p of candidates) {
        packs.push(p)
        entries += entriesIn(p, afterSeq)
        // Without a time bound every entry counts, so the packs holding `limit` entries are enough.
        if (untilAt === undefined && limit >= 0 && entries >= limit) break
      }
      const rows = (
        untilAt === undefined ? this.stmt.updatesAfter.all(sessionId, afterSeq, limit) : this.stmt.updatesAfterUntil.all(sessionId, afterSeq, untilAt, limit)
      ) as UpdateRow[]
      return takeAfter(mergeBySeq(packs, rows, afterSeq), untilAt, limit)
    })
  }

  updatesPage(sessionId: string, afterSeq: number, limits: PageLimits): LoggedUpdate[] {
    return this.read(() => {
      const until = limits.untilSeq ?? Number.MAX_SAFE_INTEGER
      // The packs that hold the page's first maxUpdates entries at most; then the rows, one by one
      // (a statement cannot run while another iterates), so memory stays at one page.
      const packs: PackRow[] = []
      let entries = 0
      for (const p of this.stmt.packsFrom.iterate(sessionId, afterSeq, until) as IterableIterator<PackRow>) {
        packs.push(p)
        entries += entriesIn(p, afterSeq, until)
        if (entries >= limits.maxUpdates) break
      }
      const rows = this.stmt.updatesRange.iterate(sessionId, afterSeq, until, limits.maxUpdates) as IterableIterator<UpdateRow>
      // Leaving the merge early ends the statement (for…of calls return()).
      return takePage(mergeBySeq(packs, rows, afterSeq, until), limits)
    })
  }

  historyBounds(sessionId: string): { first: number; last: number; count: number } | null {
    type Bounds = { first: number | null; last: number | null; count: number }
    const [r, p] = this.read(() => [this.stmt.bounds.get(sessionId) as Bounds, this.stmt.packBounds.get(sessionId) as Bounds])
    const count = r.count + p.count
    const firsts = [r.first, p.first].filter((x) => x !== null)
    const lasts = [r.last, p.last].filter((x) => x !== null)
    return count === 0 || firsts.length === 0 || lasts.length === 0 ? null : { first: Math.min(...firsts), last: Math.max(...lasts), count }
  }
}
