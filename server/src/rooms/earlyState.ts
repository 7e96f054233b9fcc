// What a cold room can hand a newcomer before its document is built. Applying a large board to a
// Y.Doc takes hundreds of milliseconds (a 5,000-sticky board: ~200 ms), but the newest checkpoint
// is already the whole document as one update, and the few log rows after it are updates too: a
// client that has nothing (an empty state vector) gets those bytes as they are stored, while the
// room is still being built. Only bytes whose checksums verify are served this way; anything else
// (a corrupt row, an unverified one, a long tail) waits for the rebuilt document, which skips and
// reports what it cannot trust (storage/rebuild.ts).
import type { Checkpoint, LoggedUpdate, Storage } from '../storage/Storage.ts'

/** The room as stored, before it is applied: the checkpoint and the log rows after it. */
export interface EarlyState {
  /** The log position the bytes reach: the room is built at this seq (or later, if it writes on load). */
  seq: number
  checkpoint: Uint8Array
  tail: Uint8Array[]
}

/** Longer tails are not served early: the rebuilt room answers (they are rare: a crash without a final checkpoint). */
const MAX_EARLY_TAIL_ROWS = 500
const MAX_EARLY_TAIL_BYTES = 4 * 1024 * 1024

export interface EarlyRead {
  early: EarlyState | null
  /** The same storage, whose first latestCheckpoint(sessionId) returns what was read here, so the rebuild does not read and inflate it again. */
  storage: Storage
}

/** Reads the newest checkpoint and the log after it; `early` is null when they cannot be served as they are. */
export async function readEarlyState(storage: Storage, sessionId: string): Promise<EarlyRead> {
  const checkpoint = await storage.latestCheckpoint(sessionId)
  let handedOver = false
  const prefetched = new Proxy(storage, {
    get(target, key, receiver) {
      if (key === 'latestCheckpoint') {
        return (id: string, atOrBefore?: number): Promise<Checkpoint | null> => {
          if (!handedOver && id === sessionId && atOrBefore === undefined) {
            handedOver = true
            return Promise.resolve(checkpoint)
          }
          return target.latestCheckpoint(id, atOrBefore)
        }
      }
      const value = Reflect.get(target, key, receiver) as unknown
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
  if (!checkpoint || checkpoint.integrity !== 'verified') return { early: null, storage: prefetched }
  const tail: LoggedUpdate[] = await storage.updatesPage(sessionId, checkpoint.seq, { maxUpdates: MAX_EARLY_TAIL_ROWS + 1, maxBytes: MAX_EARLY_TAIL_BYTES })
  if (tail.length > MAX_EARLY_TAIL_ROWS || tail.some((u) => u.integrity !== 'verified')) return { early: null, storage: prefetched }
  const last = tail.at(-1)
  if (last && (await storage.lastSeq(sessionId)) !== last.seq) return { early: null, storage: prefetched }
  return { early: { seq: last?.seq ?? checkpoint.seq, checkpoint: checkpoint.state, tail: tail.map((u) => u.update) }, storage: prefetched }
}
