// Group commit: updates from every room are written to storage together, at most SAVE_BATCH_MS
// after the first one arrived, in one transaction. Only after that write resolved does a room tell
// its clients "saved", and only for the updates that write held: what arrived while it was on its
// way goes in the next batch. One write at a time, so the log keeps each room's order.
//
// One error policy for storage:
// - transient (disk full, I/O error, the database away): nothing is dropped and nothing is
//   acknowledged; the batch goes back in front of what arrived since, the server reports
//   unhealthy, and the commit is retried with backoff until it goes through. Memory is bounded:
//   past maxPendingBytes rooms stop taking new changes (their writers reconnect and resend later).
// - permanent (the database refuses the rows themselves): the batch is written room by room, so
//   one room's bad rows never block the others; a room whose rows are refused is given up
//   (onLost), and its clients, who still hold their unacknowledged changes, resend them.
// - fenced (the room's lease moved to another process): that room is given up the same way.
import type { Logger } from '../log.ts'
import type { Storage, UpdateToAppend } from '../storage/Storage.ts'

export interface CommitListener {
  /** The session whose updates these are. */
  readonly id: string
  /** Called after this room's updates up to `seq` are durable. */
  onCommitted(seq: number): void
  /** Storage will never take this room's pending updates (fenced, or refused as they are): give the room up. */
  onLost(reason: string): void
}

const RETRY_MIN_MS = 200
const RETRY_MAX_MS = 5_000

export class Persister {
  private pending: UpdateToAppend[] = []
  /** Each room with updates in `pending`, and the highest seq among them. */
  private waiting = new Map<CommitListener, number>()
  private timer: NodeJS.Timeout | null = null
  /** The write under way (and any flush queued behind it); writes never overlap. */
  private writing: Promise<boolean> = Promise.resolve(true)
  private retryMs = RETRY_MIN_MS
  private failure: Error | null = null
  private closed = false
  private readonly storage: Storage
  private readonly batchMs: number
  private readonly log: Logger
  private readonly maxPendingBytes: number
  /** Bytes of the updates pending and in flight. */
  private pendingBytes = 0

  constructor(storage: Storage, batchMs: number, log: Logger, maxPendingBytes = 64 * 1024 * 1024) {
    this.storage = storage
    this.batchMs = batchMs
    this.log = log
    this.maxPendingBytes = maxPendingBytes
  }

  /** True while so much waits for storage that rooms should take no new changes. */
  get full(): boolean {
    return this.pendingBytes > this.maxPendingBytes
  }

  /** Drops a given-up room's updates that are not on their way to storage yet. */
  discard(sessionId: string): void {
    const kept = this.pending.filter((u) => u.sessionId !== sessionId)
    for (const u of this.pending) if (u.sessionId === sessionId) this.pendingBytes -= u.update.length
    this.pending = kept
    for (const listener of this.waiting.keys()) if (listener.id === sessionId) this.waiting.delete(listener)
  }

  get healthy(): boolean {
    return this.failure === null
  }

  get lastError(): Error | null {
    return this.failure
  }

  /** Updates not yet written (pending and in the write under way are both counted until it resolves). */
  get pendingCount(): number {
    return this.pending.length + this.inFlight
  }

  private inFlight = 0

  enqueue(update: UpdateToAppend, listener: CommitListener): void {
    this.pending.push(update)
    this.pendingBytes += update.update.length
    this.waiting.set(listener, Math.max(this.waiting.get(listener) ?? 0, update.seq))
    if (!this.timer && this.failure === null && !this.closed) this.timer = setTimeout(() => void this.flush(), this.batchMs)
  }

  /**
   * Commits everything pending now (after the write under way, if any). Resolves false if storage
   * refused (it retries by itself).
   */
  flush(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.writing = this.writing.then(() => this.writeBatch())
    return this.writing
  }

  private async writeBatch(): Promise<boolean> {
    if (this.pending.length === 0) return this.failure === null
    const batch = this.pending
    const upTo = this.waiting
    this.pending = []
    this.waiting = new Map()
    this.inFlight = batch.length
    let fenced: ReadonlySet<string>
    try {
      fenced = new Set((await this.storage.appendUpdates(batch))?.fenced)
    } catch (error) {
      this.inFlight = 0
      if (this.storage.isTransient?.(error) ?? true) return this.retryLater(batch, upTo, error)
      return this.writeRoomByRoom(batch, upTo, error)
    }
    this.inFlight = 0
    this.committed(batch, upTo, fenced)
    return true
  }

  /** Back in front, in order: the retry writes this batch and what arrived since, in one go. */
  private retryLater(batch: UpdateToAppend[], upTo: Map<CommitListener, number>, error: unknown): false {
    this.pending = batch.concat(this.pending)
    for (const [listener, seq] of this.waiting) upTo.set(listener, Math.max(upTo.get(listener) ?? 0, seq))
    this.waiting = upTo
    this.failure = error as Error
    this.log.error({ event: 'storage.commit_failed', err: error, pending: this.pending.length, retryMs: this.retryMs }, 'commit failed; keeping updates in memory')
    if (this.timer) clearTimeout(this.timer)
    if (!this.closed) this.timer = setTimeout(() => void this.flush(), this.retryMs)
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2)
    return false
  }

  /** A batch the database refused as it is: each room's rows alone, so only the room at fault is given up. */
  private async writeRoomByRoom(batch: UpdateToAppend[], upTo: Map<CommitListener, number>, error: unknown): Promise<boolean> {
    this.log.error({ event: 'storage.batch_refused', err: error, rows: batch.length }, 'storage refused a batch; writing room by room')
    const bySession = new Map<string, UpdateToAppend[]>()
    for (const u of batch) {
      const rows = bySession.get(u.sessionId)
      if (rows) rows.push(u)
      else bySession.set(u.sessionId, [u])
    }
    const groups = [...bySession]
    const listeners = new Map([...upTo.keys()].map((l) => [l.id, l]))
    for (const [i, [sessionId, rows]] of groups.entries()) {
      const listener = listeners.get(sessionId)
      const mine = new Map(listener ? [[listener, upTo.get(listener) ?? 0]] : [])
      try {
        const fenced = new Set((await this.storage.appendUpdates(rows))?.fenced)
        this.committed(rows, mine, fenced)
      } catch (roomError) {
        if (this.storage.isTransient?.(roomError) ?? true) {
          const rest = groups.slice(i)
          const restIds = new Set(rest.map(([id]) => id))
          return this.retryLater(rest.flatMap(([, r]) => r), new Map([...upTo].filter(([l]) => restIds.has(l.id))), roomError)
        }
        this.pendingBytes -= rows.reduce((n, u) => n + u.update.length, 0)
        this.log.error({ event: 'storage.room_refused', session: sessionId, err: roomError }, 'storage refused this room’s updates; giving the room up')
        listener?.onLost('storage refused its updates')
      }
    }
    return this.failure === null
  }

  private committed(rows: readonly UpdateToAppend[], upTo: Map<CommitListener, number>, fenced: ReadonlySet<string>): void {
    this.pendingBytes -= rows.reduce((n, u) => n + u.update.length, 0)
    if (this.failure) this.log.info({ event: 'storage.recovered', committed: rows.length }, 'storage is writable again')
    this.failure = null
    this.retryMs = RETRY_MIN_MS
    for (const [listener, seq] of upTo) {
      if (fenced.has(listener.id)) listener.onLost('its lease moved to another process')
      else listener.onCommitted(seq)
    }
    // What arrived during the write waits for its own timer (set by enqueue), as any batch does.
    if (this.pending.length > 0 && !this.timer && !this.closed) this.timer = setTimeout(() => void this.flush(), this.batchMs)
  }

  /** Stops the timers; the write under way, if any, still resolves. */
  close(): Promise<boolean> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    return this.writing
  }
}
