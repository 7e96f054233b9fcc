// A room's checkpoint bookkeeping: how big the document is, what the session occupies in storage
// (the quota), where the checkpoint policy stands (rooms/checkpointPolicy.ts), and the checkpoint
// write and thinning themselves. The room tells it what it logs and when its log is committed.
import { FencedError, type Storage } from '../storage/Storage.ts'
import type { Logger } from '../log.ts'
import { checkpointsToThin, dueForCheckpoint, type CheckpointSpacing } from './checkpointPolicy.ts'

/** Where the policy stands after loading (without it: a checkpoint once the log after loading reaches the document's size). */
export type SinceLoadedCheckpoint = { checkpointBytes: number; updateBytes: number }

export interface CheckpointDeps {
  storage: Storage
  log: Logger
  spacing: CheckpointSpacing
  epoch?: number
  /** Storage fenced the write: the lease moved to another process. */
  onFenced(): void
  /** A checkpoint up to `seq` is stored (before thinning). */
  onWritten?(seq: number): void
}

/** What the room gives a checkpoint write: its log position and the whole document as one update. */
export interface CheckpointSource {
  seq: number
  at: number
  state(): Uint8Array
}

export class RoomCheckpoints {
  /** The seq the newest checkpoint holds everything up to. */
  private checkpointSeq: number
  /** The document's size as the sum of what was applied since the last checkpoint plus that checkpoint. */
  private approxDocBytes: number
  /** approxDocBytes as of the last checkpoint: what was applied since is the difference. */
  private docBytesAtCheckpoint: number
  /** The last checkpoint's stored size (0: none; the document's size when the loader did not say). */
  private lastStoredBytes: number
  /** What this session occupies in storage (log rows and checkpoints), kept up to date as it grows. */
  private stored: number
  /** The checkpoint write under way. */
  private writing: Promise<boolean> | null = null
  private readonly sessionId: string
  private readonly deps: CheckpointDeps

  constructor(sessionId: string, checkpointSeq: number, approxDocBytes: number, storedBytes: number, since: SinceLoadedCheckpoint | undefined, deps: CheckpointDeps) {
    this.sessionId = sessionId
    this.checkpointSeq = checkpointSeq
    this.approxDocBytes = approxDocBytes
    this.docBytesAtCheckpoint = approxDocBytes - (since?.updateBytes ?? 0)
    this.lastStoredBytes = since?.checkpointBytes ?? approxDocBytes
    this.stored = storedBytes
    this.deps = deps
  }

  /** Stored bytes of the session: log rows and kept checkpoints (what the storage quota counts). */
  get storedBytes(): number {
    return this.stored
  }

  /** The newest checkpoint's stored size. */
  get checkpointBytes(): number {
    return this.lastStoredBytes
  }

  get docBytes(): number {
    return this.approxDocBytes
  }

  /** An update of this many bytes was applied and logged. */
  logged(bytes: number): void {
    this.approxDocBytes += bytes
    this.stored += bytes
  }

  /** Whether the policy calls for a checkpoint now, `seq` being the room's newest committed seq. */
  due(seq: number): boolean {
    if (this.writing) return false
    const since = { updates: seq - this.checkpointSeq, updateBytes: this.approxDocBytes - this.docBytesAtCheckpoint, checkpointBytes: this.lastStoredBytes }
    return dueForCheckpoint(since, this.deps.spacing)
  }

  /**
   * Writes the room's whole state as a checkpoint, after the write under way (if any), when `source`
   * (asked then) gives one and it holds something new. Resolves whether one was written; a failed
   * write is logged (the update log still has everything).
   */
  async write(source: () => CheckpointSource | null): Promise<boolean> {
    while (this.writing) await this.writing
    const from = source()
    if (!from || from.seq === this.checkpointSeq) return false
    const seq = from.seq
    const state = from.state()
    const docBytesBefore = this.approxDocBytes
    const write = this.deps.storage.writeCheckpoint(this.sessionId, { seq, at: from.at, state }, this.deps.epoch).then(
      async (storedSize) => {
        this.checkpointSeq = seq
        // The document is the checkpoint plus what was applied while it was being written.
        this.approxDocBytes = state.length + (this.approxDocBytes - docBytesBefore)
        this.docBytesAtCheckpoint = state.length
        this.lastStoredBytes = storedSize
        this.stored += storedSize
        this.deps.log.debug({ event: 'room.checkpoint', seq, bytes: state.length, stored: storedSize }, 'checkpoint written')
        this.deps.onWritten?.(seq)
        await this.thin()
        return true
      },
      (error: unknown) => {
        if (error instanceof FencedError) {
          this.deps.onFenced()
          return false
        }
        this.deps.log.error({ event: 'room.checkpoint_failed', err: error }, 'checkpoint failed; the update log still has everything')
        return false
      },
    )
    this.writing = write
    try {
      return await write
    } finally {
      this.writing = null
    }
  }

  /** Deletes the checkpoints the log no longer pays for (checkpointPolicy.ts); the quota gets their bytes back. */
  private async thin(): Promise<void> {
    const spacing = this.deps.spacing
    const freed = await this.deps.storage.thinCheckpoints(this.sessionId, (kept) => checkpointsToThin(kept, spacing)).catch((error: unknown) => {
      this.deps.log.warn({ event: 'room.thin_failed', err: error }, 'thinning checkpoints failed; they stay until the next checkpoint')
      return 0
    })
    // Not `stored -= await …`: that would read `stored` before the await and lose what was logged during it.
    this.stored -= freed
  }
}
