// Corrupt rows found while reading a session's history: each is logged once as `storage.corrupt`
// (naming the session and seq) and the newest few are kept for /healthz. Whoever reads storage
// reports here, so live loading and replay speak with one voice.
import type { Logger } from '../log.ts'

export type CorruptKind = 'checkpoint' | 'update'
/**
 * `checksum`: the bytes do not match the checksum written with them. `decode`: the bytes are not
 * a Yjs update. `missingDependency`: the update builds on one that was skipped; what depended on
 * the skipped row was dropped.
 */
export type CorruptReason = 'checksum' | 'decode' | 'missingDependency'

export interface CorruptRow {
  session: string
  seq: number
  kind: CorruptKind
  reason: CorruptReason
}

/** How many corrupt rows /healthz lists (the newest). */
export const MAX_REPORTED_CORRUPT_ROWS = 20
/**
 * How many rows are remembered as already reported. One corrupt row can cost hundreds after it
 * (a client's later updates cannot follow the gap), and every replay of that stretch meets them again.
 */
const MAX_REMEMBERED_ROWS = 10_000

export class CorruptionReport {
  private readonly log: Logger | undefined
  /** Keys (session, kind, seq) of rows already reported, oldest first. */
  private readonly seen = new Set<string>()
  /** The newest reported rows, newest last. */
  private readonly recent: CorruptRow[] = []
  private count = 0

  constructor(log?: Logger) {
    this.log = log
  }

  report(row: CorruptRow): void {
    const key = `${row.session}\u0000${row.kind}\u0000${row.seq}`
    if (this.seen.has(key)) return
    this.seen.add(key)
    if (this.seen.size > MAX_REMEMBERED_ROWS) this.seen.delete(this.seen.values().next().value as string)
    this.count += 1
    this.recent.push(row)
    if (this.recent.length > MAX_REPORTED_CORRUPT_ROWS) this.recent.shift()
    this.log?.error(
      { event: 'storage.corrupt', session: row.session, seq: row.seq, kind: row.kind, reason: row.reason },
      row.reason === 'missingDependency'
        ? `update at seq ${row.seq} builds on a corrupt row that was skipped; the part of it that depends on that row was dropped`
        : `corrupt ${row.kind} at seq ${row.seq} skipped (${row.reason}); the session loads from the good data around it`,
    )
  }

  /** The newest corrupt rows (at most MAX_REPORTED_CORRUPT_ROWS), and how many were found in all. */
  snapshot(): { rows: CorruptRow[]; total: number } {
    return { rows: [...this.recent], total: this.count }
  }
}
