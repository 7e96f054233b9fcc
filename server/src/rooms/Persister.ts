// Group commit: updates from every room are written to storage together, at most SAVE_BATCH_MS
// after the first one arrived, in one transaction. Only after that write resolved does a room tell
// its clients "saved", and only for the updates that write held: what arrived while it was on its
// way goes in the next batch. One write at a time, so the log keeps each room's order. When
// storage fails (disk full, I/O error, the database away) nothing is dropped and nothing is
// acknowledged: the batch goes back in front of what arrived since, the server reports unhealthy,
// and the commit is retried until it goes through.
import type { Logger } from '../log.ts'
import type { Storage, UpdateToAppend } from '../storage/Storage.ts'

export interface CommitListener {
  /** Called after this room's updates up to `seq` are durable. */
  onCommitted(seq: number): void
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

  constructor(storage: Storage, batchMs: number, log: Logger) {
    this.storage = storage
    this.batchMs = batchMs
    this.log = log
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
    try {
      await this.storage.appendUpdates(batch)
    } catch (error) {
      this.inFlight = 0
      // Back in front, in order: the retry writes this batch and what arrived since, in one go.
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
    this.inFlight = 0
    if (this.failure) this.log.info({ event: 'storage.recovered', committed: batch.length }, 'storage is writable again')
    this.failure = null
    this.retryMs = RETRY_MIN_MS
    for (const [listener, seq] of upTo) listener.onCommitted(seq)
    // What arrived during the write waits for its own timer (set by enqueue), as any batch does.
    if (this.pending.length > 0 && !this.timer && !this.closed) this.timer = setTimeout(() => void this.flush(), this.batchMs)
    return true
  }

  /** Stops the timers; the write under way, if any, still resolves. */
  close(): Promise<boolean> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    return this.writing
  }
}
