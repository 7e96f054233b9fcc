// Reading a session's past: the document at any moment, and the update feed the replay page
// scrubs through locally. "The document at t" is the log prefix up to the last update logged at
// or before t: the nearest checkpoint at or before that update, plus the updates after it. Never
// the whole log, unless no checkpoint can be read (then the log, the source of truth, is used).
import * as Y from 'yjs'
import { SERVER_ORIGIN } from '@sandbox/shared'
import type { Checkpoint, LoggedUpdate, Storage } from '../storage/Storage.ts'

/** The document as it was at `at` (epoch ms), as one Yjs update. Empty before the session. */
export function stateAt(storage: Storage, sessionId: string, at: number): Uint8Array {
  return stateAtSeq(storage, sessionId, storage.seqAt(sessionId, at))
}

/** Updates with `afterSeq < seq <= untilSeq`, in order. */
export function updatesBetween(storage: Storage, sessionId: string, afterSeq: number, untilSeq: number): LoggedUpdate[] {
  if (untilSeq <= afterSeq) return []
  // Seqs are dense per session, so this limit fetches exactly the range (and no more if not).
  return storage.updatesAfter(sessionId, afterSeq, undefined, untilSeq - afterSeq).filter((u) => u.seq <= untilSeq)
}

/**
 * Tails up to this long are merged at the encoding level (no Y.Doc: 3-5x faster on big documents,
 * whose load is dominated by integrating every tombstone); longer ones are applied to a doc,
 * because merging many small updates from many clients is slower than linear (yjs#710).
 */
const MERGE_TAIL_MAX_UPDATES = 1_000

/** The document holding every update with `seq <= seq`, as one Yjs update. */
export function stateAtSeq(storage: Storage, sessionId: string, seq: number): Uint8Array {
  if (seq <= 0) return emptyState()
  const checkpoint = storage.checkpointAtOrBeforeSeq(sessionId, seq)
  const tail = updatesBetween(storage, sessionId, checkpoint?.seq ?? 0, seq)
  if (checkpoint && tail.length === 0) return checkpoint.state
  try {
    if (checkpoint && tail.length <= MERGE_TAIL_MAX_UPDATES) return Y.mergeUpdates([checkpoint.state, ...tail.map((u) => u.update)])
    return applyToDoc(checkpoint ? [checkpoint.state, ...tail.map((u) => u.update)] : tail.map((u) => u.update))
  } catch (error) {
    // A checkpoint that cannot be read must not lose history: rebuild from the log instead.
    if (!checkpoint) throw error
    return applyToDoc(updatesBetween(storage, sessionId, 0, seq).map((u) => u.update))
  }
}

function emptyState(): Uint8Array {
  const doc = new Y.Doc()
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return state
}

function applyToDoc(updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc()
  try {
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update)
    }, SERVER_ORIGIN)
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

/** Where a feed starts when the client asks for `from=checkpoint`. */
export function feedCheckpoint(storage: Storage, sessionId: string, at: number | undefined): Checkpoint | null {
  if (at === undefined) return storage.latestCheckpoint(sessionId)
  return storage.checkpointAtOrBeforeSeq(sessionId, storage.seqAt(sessionId, at))
}

export interface FeedHeader {
  /** Participant ids; each record names its author by index here (0xffff: the server or a guest). */
  participants: string[]
  /** Whether more updates follow after the last one in this chunk. */
  more: boolean
  /** The seq of the last update in this chunk (or of the checkpoint, or `after`, when empty). */
  lastSeq: number
  /** When the feed starts from a checkpoint: its position; its state comes right after the header. */
  checkpoint: { seq: number; at: number; bytes: number } | null
}

export const NO_AUTHOR = 0xffff
const RECORD_HEADER_BYTES = 4 + 8 + 2 + 4

/**
 * The binary feed: [u32 headerBytes][header JSON][checkpoint state?] then per update
 * [u32 seq][f64 at][u16 author index][u32 length][bytes], all little-endian.
 */
export function encodeFeed(updates: readonly LoggedUpdate[], checkpoint: Checkpoint | null, more: boolean, after: number): Buffer {
  const participants: string[] = []
  const index = new Map<string, number>()
  for (const u of updates) {
    if (u.participantId !== null && !index.has(u.participantId) && index.size < NO_AUTHOR) {
      index.set(u.participantId, participants.length)
      participants.push(u.participantId)
    }
  }
  const header: FeedHeader = {
    participants,
    more,
    lastSeq: updates.at(-1)?.seq ?? checkpoint?.seq ?? after,
    checkpoint: checkpoint ? { seq: checkpoint.seq, at: checkpoint.at, bytes: checkpoint.state.length } : null,
  }
  const json = Buffer.from(JSON.stringify(header))
  const size = 4 + json.length + (checkpoint?.state.length ?? 0) + updates.reduce((n, u) => n + RECORD_HEADER_BYTES + u.update.length, 0)
  const out = Buffer.allocUnsafe(size)
  let offset = out.writeUInt32LE(json.length, 0)
  offset += json.copy(out, offset)
  if (checkpoint) {
    out.set(checkpoint.state, offset)
    offset += checkpoint.state.length
  }
  for (const u of updates) {
    offset = out.writeUInt32LE(u.seq, offset)
    offset = out.writeDoubleLE(u.at, offset)
    offset = out.writeUInt16LE(u.participantId === null ? NO_AUTHOR : (index.get(u.participantId) ?? NO_AUTHOR), offset)
    offset = out.writeUInt32LE(u.update.length, offset)
    out.set(u.update, offset)
    offset += u.update.length
  }
  return out
}
