// Rebuilding a session's document from storage while trusting only good data. A checkpoint or log
// row is corrupt when its checksum does not match or its bytes are not a Yjs update; a corrupt
// checkpoint is passed over for an older one (or the log from its start), a corrupt log row is
// skipped, and whatever built on a skipped row is dropped, so the document never keeps structs
// waiting for an update that will not come. Every skip is reported (storage.corrupt). Live loading
// (rooms/RoomManager.ts) and replay (replay/) share this, so they agree on what the history is.
import * as Y from 'yjs'
import { SERVER_ORIGIN } from '@sandbox/shared'
import type { CorruptKind, CorruptReason } from './CorruptionReport.ts'
import type { Checkpoint, Integrity, LoggedUpdate, Storage } from './Storage.ts'

export interface SkippedRow {
  seq: number
  kind: CorruptKind
  reason: CorruptReason
}

/** Log rows read per page while rebuilding (and per transaction: deleted content is collected between). */
const PAGE_UPDATES = 1_000
const PAGE_BYTES = 8 * 1024 * 1024
/** Skipped rows kept in a result (they are all counted, and all reported). */
const MAX_SKIPPED_LISTED = 100

/** Why these bytes cannot be trusted, or null. Unverified bytes (no checksum) must at least decode. */
export function problemWith(integrity: Integrity | undefined, bytes: Uint8Array): CorruptReason | null {
  if (integrity === 'mismatch') return 'checksum'
  if (integrity === 'verified') return null
  try {
    Y.decodeUpdate(bytes)
    return null
  } catch {
    return 'decode'
  }
}

const hasPending = (doc: Y.Doc): boolean => doc.store.pendingStructs !== null || doc.store.pendingDs !== null

/** Drops structs and deletions waiting for updates that are not in the log. */
function dropPending(doc: Y.Doc): void {
  doc.store.pendingStructs = null
  doc.store.pendingDs = null
}

/**
 * Applies one logged update if it can be trusted. Returns why it was skipped (or only partly
 * applied: `missingDependency`, the part that built on a skipped row is dropped), or null.
 * The log is written in the order the live document integrated it, so a good log never leaves
 * anything pending; only a skipped row can.
 */
export function applyLoggedUpdate(doc: Y.Doc, u: LoggedUpdate): CorruptReason | null {
  const problem = problemWith(u.integrity, u.update)
  if (problem) return problem
  try {
    Y.applyUpdate(doc, u.update, SERVER_ORIGIN)
  } catch {
    dropPending(doc)
    return 'decode'
  }
  if (!hasPending(doc)) return null
  dropPending(doc)
  return 'missingDependency'
}

export interface Rebuilt {
  /** Garbage-collected (gc: true), like a live room's document. */
  doc: Y.Doc
  /** The checkpoint the document starts from (null: from the start of the log). */
  checkpoint: Checkpoint | null
  /** The last seq read, skipped rows included (the checkpoint's, or 0, when the tail is empty). */
  seq: number
  /** Log rows read after the checkpoint, skipped ones included. */
  tailRows: number
  /** Of those, the rows applied (in whole, or in part when they built on a skipped row). */
  appliedRows: number
  /** Bytes applied: the checkpoint and the tail. */
  bytes: number
  /** The latest `at` read. */
  lastAt: number
  /** Rows passed over (at most MAX_SKIPPED_LISTED are listed; `skippedCount` counts them all). */
  skipped: SkippedRow[]
  skippedCount: number
  /** Of those, log rows: what the document lacks (a corrupt checkpoint passed over costs nothing). */
  skippedUpdates: number
}

/**
 * The document holding every good update with `seq <= untilSeq` (default: the whole log): the
 * newest good checkpoint at or before it, then the log rows after that checkpoint.
 */
export async function rebuildDoc(storage: Storage, sessionId: string, untilSeq?: number): Promise<Rebuilt> {
  const result: Rebuilt = { doc: new Y.Doc(), checkpoint: null, seq: 0, tailRows: 0, appliedRows: 0, bytes: 0, lastAt: 0, skipped: [], skippedCount: 0, skippedUpdates: 0 }
  const skip = (seq: number, kind: CorruptKind, reason: CorruptReason) => {
    storage.corruption.report({ session: sessionId, seq, kind, reason })
    result.skippedCount += 1
    if (kind === 'update') result.skippedUpdates += 1
    if (result.skipped.length < MAX_SKIPPED_LISTED) result.skipped.push({ seq, kind, reason })
  }

  let checkpoint = untilSeq === undefined ? await storage.latestCheckpoint(sessionId) : await storage.checkpointAtOrBeforeSeq(sessionId, untilSeq)
  while (checkpoint) {
    const problem = applyCheckpoint(result.doc, checkpoint)
    if (problem === null) break
    skip(checkpoint.seq, 'checkpoint', problem)
    // The document may hold part of the bad checkpoint: start again from nothing.
    result.doc.destroy()
    result.doc = new Y.Doc()
    checkpoint = checkpoint.seq > 0 ? await storage.checkpointAtOrBeforeSeq(sessionId, checkpoint.seq - 1) : null
  }
  result.checkpoint = checkpoint
  result.seq = checkpoint?.seq ?? 0
  result.bytes = checkpoint?.state.length ?? 0
  result.lastAt = checkpoint?.at ?? 0

  const limits = { maxUpdates: PAGE_UPDATES, maxBytes: PAGE_BYTES, untilSeq }
  for (;;) {
    const page = await storage.updatesPage(sessionId, result.seq, limits)
    if (page.length === 0) break
    result.doc.transact(() => {
      for (const u of page) {
        const problem = applyLoggedUpdate(result.doc, u)
        if (problem) skip(u.seq, 'update', problem)
        if (problem !== 'checksum' && problem !== 'decode') {
          result.appliedRows += 1
          result.bytes += u.update.length
        }
        result.seq = u.seq
        result.lastAt = Math.max(result.lastAt, u.at)
        result.tailRows += 1
      }
    }, SERVER_ORIGIN)
  }
  return result
}

/**
 * Applies a checkpoint to an empty document; returns why it cannot be used, or null. No decoding
 * first (unlike a log row): a document a bad checkpoint went partly into is thrown away anyway.
 */
function applyCheckpoint(doc: Y.Doc, checkpoint: Checkpoint): CorruptReason | null {
  if (checkpoint.integrity === 'mismatch') return 'checksum'
  try {
    Y.applyUpdate(doc, checkpoint.state, SERVER_ORIGIN)
  } catch {
    return 'decode'
  }
  // Checkpoints are encoded from a live document, which never keeps anything pending.
  return hasPending(doc) ? 'missingDependency' : null
}

/**
 * The newest checkpoint at or before `seq` (default: the newest) that is not corrupt by checksum
 * or decoding, and lies after `afterSeq`; corrupt ones passed over are reported.
 */
export async function goodCheckpoint(storage: Storage, sessionId: string, seq: number | undefined, afterSeq = 0): Promise<Checkpoint | null> {
  let checkpoint = seq === undefined ? await storage.latestCheckpoint(sessionId) : await storage.checkpointAtOrBeforeSeq(sessionId, seq)
  while (checkpoint && checkpoint.seq > afterSeq) {
    const problem = problemWith(checkpoint.integrity, checkpoint.state)
    if (problem === null) return checkpoint
    storage.corruption.report({ session: sessionId, seq: checkpoint.seq, kind: 'checkpoint', reason: problem })
    checkpoint = await storage.checkpointAtOrBeforeSeq(sessionId, checkpoint.seq - 1)
  }
  return null
}
