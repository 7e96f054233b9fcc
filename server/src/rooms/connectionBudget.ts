// What one connection may cost its room, beyond the transport's message and byte rates: refused
// changes before it is closed, new board records per second, presence bytes per second, and log
// lines. A hostile client then costs a bounded amount of CPU, bandwidth and disk, whatever it sends.
import { BoardLimits } from '@sandbox/shared/board'
import type { Logger } from '../log.ts'
import type { Connection } from './Connection.ts'
import { TokenBucket } from './tokenBucket.ts'

export const ConnectionLimits = {
  /** Refused changes a connection may send (burst, then per minute) before it is closed. */
  REFUSALS_BURST: 10,
  REFUSALS_PER_MINUTE: 10,
  /** One presence state (a tldraw presence is a few hundred bytes; a big selection a few KB). */
  MAX_PRESENCE_STATE_BYTES: 16 * 1024,
  /** Presence bytes a connection may have relayed: cursors at 60 Hz use a tenth of this. */
  PRESENCE_BYTES_PER_SECOND: 64 * 1024,
  PRESENCE_BYTES_BURST: 256 * 1024,
  /** A tab has one awareness client id; a second covers a client id change after a conflict. */
  MAX_PRESENCE_IDS: 2,
  /** Warning lines a connection may cause per minute; the rest are counted and summarised. */
  LOG_LINES_PER_MINUTE: 10,
} as const

/** A logger that writes at most `perMinute` warnings, then reports how many it held back. */
export class LimitedLog {
  private log: Logger | null = null
  private readonly makeLog: () => Logger
  private readonly perMinute: number
  private windowStart = 0
  private written = 0
  private suppressed = 0

  /** `log`: the logger, or how to make it on the first line (a child logger per connection costs memory that most never use). */
  constructor(log: Logger | (() => Logger), perMinute: number) {
    this.makeLog = typeof log === 'function' ? log : () => log
    this.perMinute = perMinute
  }

  warn(fields: Record<string, unknown>, message: string, now = Date.now()): void {
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now
      this.written = 0
    }
    if (this.written >= this.perMinute) {
      this.suppressed += 1
      return
    }
    this.written += 1
    const log = (this.log ??= this.makeLog())
    if (this.suppressed > 0) {
      log.warn({ ...fields, suppressedSinceLast: this.suppressed }, message)
      this.suppressed = 0
    } else log.warn(fields, message)
  }
}

export class ConnectionBudget {
  readonly refusals = new TokenBucket(ConnectionLimits.REFUSALS_PER_MINUTE / 60, ConnectionLimits.REFUSALS_BURST)
  readonly newRecords = new TokenBucket(BoardLimits.NEW_RECORDS_PER_SECOND, BoardLimits.NEW_RECORDS_BURST)
  readonly presenceBytes = new TokenBucket(ConnectionLimits.PRESENCE_BYTES_PER_SECOND, ConnectionLimits.PRESENCE_BYTES_BURST)
  readonly log: LimitedLog
  /** Refusal reasons already logged in full for this connection (each is logged once). */
  readonly loggedReasons = new Set<string>()

  constructor(log: Logger | (() => Logger)) {
    this.log = new LimitedLog(log, ConnectionLimits.LOG_LINES_PER_MINUTE)
  }
}

/** Budgets by connection, created on first use and dropped with the connection. */
export class ConnectionBudgets {
  private readonly budgets = new WeakMap<Connection, ConnectionBudget>()
  private readonly log: Logger

  constructor(log: Logger) {
    this.log = log
  }

  of(conn: Connection): ConnectionBudget {
    let budget = this.budgets.get(conn)
    if (!budget) {
      const log = this.log
      budget = new ConnectionBudget(() => log.child({ conn: conn.id }))
      this.budgets.set(conn, budget)
    }
    return budget
  }
}
