// The update log on PostgreSQL: its rows and its packs (packs.ts), read together by seq in one
// statement each, and packed inside the caller's checkpoint transaction (PostgresStorage, under
// the room's epoch fence).
import type postgres from 'postgres'
import type { LoggedUpdate, PageLimits } from './Storage.ts'
import type { UpdateRow } from './rows.ts'
import { bestAtOrBefore, DuplicateSeqError, encodePack, groupForPacking, lowestSeqs, mergeBySeq, PACK_MAX_ROWS_PER_CHECKPOINT, PACK_MIN_ROWS, packBytesBetween, takeAfter, takePage, type PackRow } from './packs.ts'

export type Sql = postgres.Sql<{ bigint: number }>
export type Tx = postgres.TransactionSql<{ bigint: number }>

/**
 * Reads of the log are one statement each over both `update_packs` and `updates` (a UNION ALL in
 * these columns), so they see one snapshot: a checkpoint packing rows meanwhile is seen whole or
 * not at all. `kind`: 0 a row, 1 a pack, 2 a pack's seqAt summary (no body).
 */
type LogRow = { kind: 0 | 1 | 2; seq: number; last_seq: number | null; at: number; max_at: number | null; max_at_seq: number | null; raw_bytes: number | null; participant_id: string | null; bytes: Buffer | null; checksum: number | null }
const packColumns = (sql: Sql | Tx) => sql`1 AS kind, first_seq AS seq, last_seq, min_at AS at, max_at, max_at_seq, raw_bytes, NULL::text AS participant_id, body AS bytes, checksum`
const rowColumns = (sql: Sql | Tx) =>
  sql`0 AS kind, seq, NULL::bigint AS last_seq, at, NULL::bigint AS max_at, NULL::bigint AS max_at_seq, NULL::integer AS raw_bytes, participant_id, bytes, checksum`

/** The packs and the rows of a LogRow result, each in seq order. */
function split(result: readonly LogRow[]): { packs: PackRow[]; rows: UpdateRow[] } {
  const packs: PackRow[] = []
  const rows: UpdateRow[] = []
  for (const r of result) {
    if (r.kind === 0) rows.push({ seq: r.seq, at: r.at, participant_id: r.participant_id, bytes: r.bytes as Buffer, checksum: r.checksum })
    else
      packs.push({
        first_seq: r.seq,
        last_seq: r.last_seq as number,
        min_at: r.at,
        max_at: r.max_at as number,
        max_at_seq: r.max_at_seq as number,
        raw_bytes: r.raw_bytes as number,
        checksum: r.checksum as number,
        body: r.bytes as Buffer,
      })
  }
  packs.sort((a, b) => a.first_seq - b.first_seq)
  rows.sort((a, b) => a.seq - b.seq)
  return { packs, rows }
}

/** Refuses a batch holding a seq already packed: a duplicate, as if its row were still there (the primary key no longer sees it). */
export async function refuseTakenSeqs(tx: Tx, rows: readonly { session_id: string; seq: number }[]): Promise<void> {
  const lowest = lowestSeqs(rows.map((r) => ({ sessionId: r.session_id, seq: r.seq })))
  if (lowest.size === 0) return
  const [taken] = await tx<{ session_id: string; seq: number }[]>`
    SELECT l.session_id, l.seq FROM unnest(${[...lowest.keys()]}::text[], ${[...lowest.values()]}::bigint[]) AS l(session_id, seq)
    WHERE EXISTS (SELECT 1 FROM update_packs p WHERE p.session_id = l.session_id AND p.last_seq >= l.seq) LIMIT 1`
  if (taken) throw new DuplicateSeqError(taken.session_id, taken.seq)
}

export async function lastSeq(sql: Sql, sessionId: string): Promise<number> {
  const [r] = await sql<{ seq: number | null }[]>`
    SELECT GREATEST((SELECT MAX(seq) FROM updates WHERE session_id = ${sessionId}), (SELECT MAX(last_seq) FROM update_packs WHERE session_id = ${sessionId})) AS seq`
  return r?.seq ?? 0
}

/** Update bytes logged with seq in (after, until]: rows, whole packs by their column, packs across a bound entry by entry. */
export async function logBytesBetween(tx: Tx, sessionId: string, after: number, until: number): Promise<number> {
  const [sum] = await tx<{ bytes: number }[]>`
    SELECT (COALESCE((SELECT SUM(size_bytes) FROM updates WHERE session_id = ${sessionId} AND seq > ${after} AND seq <= ${until}), 0)
          + COALESCE((SELECT SUM(raw_bytes) FROM update_packs WHERE session_id = ${sessionId} AND first_seq > ${after} AND last_seq <= ${until}), 0))::bigint AS bytes`
  const straddling = await tx<LogRow[]>`
    SELECT ${packColumns(tx)} FROM update_packs
    WHERE session_id = ${sessionId} AND last_seq > ${after} AND first_seq <= ${until} AND NOT (first_seq > ${after} AND last_seq <= ${until})`
  return (sum?.bytes ?? 0) + packBytesBetween(split(straddling).packs, after, until)
}

/** Packs the checksummed rows at or before `seq` (packs.ts), once there are enough of them, in the caller's transaction (and fence). */
export async function packUpTo(tx: Tx, sessionId: string, seq: number): Promise<number> {
  const [enough] = await tx`
    SELECT seq FROM updates WHERE session_id = ${sessionId} AND seq <= ${seq} AND checksum IS NOT NULL ORDER BY seq OFFSET ${PACK_MIN_ROWS - 1} LIMIT 1`
  if (!enough) return 0
  const rows = await tx<UpdateRow[]>`
    SELECT seq, at, participant_id, bytes, checksum FROM updates
    WHERE session_id = ${sessionId} AND seq <= ${seq} AND checksum IS NOT NULL ORDER BY seq LIMIT ${PACK_MAX_ROWS_PER_CHECKPOINT}`
  const packs = groupForPacking(rows).map(encodePack)
  if (packs.length === 0) return 0
  await tx`INSERT INTO update_packs ${tx(packs.map((p) => ({ session_id: sessionId, ...p })))}`
  await tx`
    DELETE FROM updates u USING unnest(${packs.map((p) => p.first_seq)}::bigint[], ${packs.map((p) => p.last_seq)}::bigint[]) AS r(first_seq, last_seq)
    WHERE u.session_id = ${sessionId} AND u.seq >= r.first_seq AND u.seq <= r.last_seq`
  return packs.reduce((n, p) => n + p.last_seq - p.first_seq + 1, 0)
}

export async function seqAt(sql: Sql, sessionId: string, at: number): Promise<number> {
  const result = await sql<LogRow[]>`
    (SELECT ${rowColumns(sql)} FROM updates WHERE session_id = ${sessionId} AND at <= ${at} ORDER BY at DESC, seq DESC LIMIT 1)
    UNION ALL
    (SELECT 2, first_seq, last_seq, min_at, max_at, max_at_seq, raw_bytes, NULL, NULL, checksum FROM update_packs
      WHERE session_id = ${sessionId} AND max_at <= ${at} ORDER BY max_at DESC, max_at_seq DESC LIMIT 1)
    UNION ALL
    (SELECT ${packColumns(sql)} FROM update_packs WHERE session_id = ${sessionId} AND max_at > ${at} AND min_at <= ${at})`
  const row = result.find((r) => r.kind === 0)
  const whole = result.find((r) => r.kind === 2)
  const best = bestAtOrBefore(at, whole ? { max_at: whole.max_at as number, max_at_seq: whole.max_at_seq as number } : undefined, split(result.filter((r) => r.kind === 1)).packs)
  if (!row) return best?.[1] ?? 0
  if (!best) return row.seq
  return row.at > best[0] || (row.at === best[0] && row.seq > best[1]) ? row.seq : best[1]
}

export async function updatesAfter(sql: Sql, sessionId: string, afterSeq: number, untilAt?: number, limit = -1): Promise<LoggedUpdate[]> {
  const max = limit < 0 ? null : limit
  const result =
    untilAt === undefined
      ? await sql<LogRow[]>`
          (SELECT ${packColumns(sql)} FROM update_packs WHERE session_id = ${sessionId} AND last_seq > ${afterSeq})
          UNION ALL
          (SELECT ${rowColumns(sql)} FROM updates WHERE session_id = ${sessionId} AND seq > ${afterSeq} ORDER BY seq LIMIT ${max})`
      : await sql<LogRow[]>`
          (SELECT ${packColumns(sql)} FROM update_packs WHERE session_id = ${sessionId} AND last_seq > ${afterSeq} AND min_at <= ${untilAt})
          UNION ALL
          (SELECT ${rowColumns(sql)} FROM updates WHERE session_id = ${sessionId} AND seq > ${afterSeq} AND at <= ${untilAt} ORDER BY seq LIMIT ${max})`
  const { packs, rows } = split(result)
  return takeAfter(mergeBySeq(packs, rows, afterSeq), untilAt, limit)
}

export async function updatesPage(sql: Sql, sessionId: string, afterSeq: number, limits: PageLimits): Promise<LoggedUpdate[]> {
  // The packs holding the page's first maxUpdates entries at most, and the rows: their byte bound
  // applied in the query (a running sum of the sizes before each row), so only the page's rows
  // leave the database. The page is cut from both, merged by seq.
  const until = limits.untilSeq ?? Number.MAX_SAFE_INTEGER
  const result = await sql<LogRow[]>`
    (SELECT kind, seq, last_seq, at, max_at, max_at_seq, raw_bytes, participant_id, bytes, checksum FROM (
      SELECT ${packColumns(sql)},
        SUM(LEAST(last_seq, ${until}) - GREATEST(first_seq, ${afterSeq + 1}) + 1) OVER (ORDER BY last_seq) AS upto,
        LEAST(last_seq, ${until}) - GREATEST(first_seq, ${afterSeq + 1}) + 1 AS here
      FROM update_packs WHERE session_id = ${sessionId} AND last_seq > ${afterSeq} AND first_seq <= ${until}
    ) AS packs WHERE upto - here < ${limits.maxUpdates})
    UNION ALL
    (SELECT ${rowColumns(sql)} FROM (
      SELECT seq, size_bytes, SUM(size_bytes) OVER (ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_bytes
      FROM (SELECT seq, size_bytes FROM updates WHERE session_id = ${sessionId} AND seq > ${afterSeq} AND seq <= ${until} ORDER BY seq LIMIT ${limits.maxUpdates}) AS head
    ) AS sized
    JOIN updates USING (seq)
    WHERE updates.session_id = ${sessionId} AND (sized.before_bytes IS NULL OR sized.before_bytes + sized.size_bytes <= ${limits.maxBytes}))`
  const { packs, rows } = split(result)
  return takePage(mergeBySeq(packs, rows, afterSeq, until), limits)
}

export async function historyBounds(sql: Sql, sessionId: string): Promise<{ first: number; last: number; count: number } | null> {
  const [r] = await sql<{ first: number | null; last: number | null; count: number }[]>`
    SELECT MIN(first) AS first, MAX(last) AS last, COALESCE(SUM(count), 0)::bigint AS count FROM (
      SELECT MIN(at) AS first, MAX(at) AS last, COUNT(*) AS count FROM updates WHERE session_id = ${sessionId}
      UNION ALL
      SELECT MIN(min_at), MAX(max_at), COALESCE(SUM(last_seq - first_seq + 1), 0) FROM update_packs WHERE session_id = ${sessionId}
    ) AS bounds`
  return !r || r.count === 0 || r.first === null || r.last === null ? null : { first: r.first, last: r.last, count: r.count }
}

/**
 * A VACUUM of `updates` after this many rows packed (by this process), at most every
 * VACUUM_MIN_INTERVAL_MS. At 2,000 rows and 1 s a fast writer outran it, and the log's dead rows
 * took PostgreSQL past 2× on disk (BENCHMARKS.md, storage of a long session).
 */
const VACUUM_AFTER_ROWS = 500
const VACUUM_MIN_INTERVAL_MS = 250

/**
 * Once enough rows were packed, and not too often, a plain VACUUM of `updates`: the packed rows'
 * space (heap and index pages) is then reused by the next rows, so the table holds about the
 * logs' unpacked tails instead of every row ever written. It reads little: the table is those
 * tails, and pages untouched since the last one are skipped. Autovacuum would get there too, but
 * only every minute at best, and a busy room logs thousands of rows a minute.
 */
export class LogVacuum {
  private packedSince = 0
  private lastAt = 0
  private running: Promise<void> | null = null
  private readonly sql: Sql

  constructor(sql: Sql) {
    this.sql = sql
  }

  noteRowsPacked(rows: number): void {
    this.packedSince += rows
    if (this.running || this.packedSince < VACUUM_AFTER_ROWS || Date.now() - this.lastAt < VACUUM_MIN_INTERVAL_MS) return
    this.packedSince = 0
    this.running = this.sql`VACUUM (SKIP_LOCKED) updates`
      .then(
        () => undefined,
        // Not allowed (another owner) or the database away: autovacuum still does it.
        () => undefined,
      )
      .finally(() => {
        this.lastAt = Date.now()
        this.running = null
      })
  }

  /** Once the VACUUM under way, if any, is over (before the connection pool closes). */
  async settled(): Promise<void> {
    await this.running
  }
}
