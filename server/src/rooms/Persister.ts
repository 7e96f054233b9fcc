// Group commit: updates from every room are written to storage together, at most SAVE_BATCH_MS
// after the first one arrived, in one transaction. Only after that commit does a room tell its
// clients "saved". When storage fails (disk full, I/O error) nothing is dropped: the batch stays
// in memory, the server reports unhealthy, and the commit is retried until it goes through.
import type { Logger } from '../log.ts'
import type { Storage, UpdateToAppend } from '../storage/Storage.ts'

export interface CommitListener {
  /** Called after this room's updates in the batch are durable. */
  onCommitted(): void
}

const RETRY_MIN_MS = 200
const RETRY_MAX_MS = 5_000

export class Persister {
  private pending: UpdateToAppend[] = []
  private readonly waiting = new Set<CommitListener>()
  private timer: NodeJS.Timeout | null = null
  private retryMs = RETRY_MIN_MS
  private failure: Error | null = null
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

  get pendingCount(): number {
    return this.pending.length
  }

  enqueue(update: UpdateToAppend, listener: CommitListener): void {
    this.pending.push(update)
    this.waiting.add(listener)
    if (!this.timer && this.failure === null) this.timer = setTimeout(() => this.flush(), this.batchMs)
  }

  /** Commits everything pending now. Returns false if storage refused (it will retry by itself). */
  flush(): boolean {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.length === 0) return true
    const batch = this.pending
    const listeners = [...this.waiting]
    try {
      this.storage.appendUpdates(batch)
    } catch (error) {
      this.failure = error as Error
      this.log.error({ event: 'storage.commit_failed', err: error, pending: batch.length, retryMs: this.retryMs }, 'commit failed; keeping updates in memory')
      this.timer = setTimeout(() => this.flush(), this.retryMs)
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2)
      return false
    }
    if (this.failure) this.log.info({ event: 'storage.recovered', committed: batch.length }, 'storage is writable again')
    this.failure = null
    this.retryMs = RETRY_MIN_MS
    this.pending = []
    this.waiting.clear()
    for (const listener of listeners) listener.onCommitted()
    return true
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
