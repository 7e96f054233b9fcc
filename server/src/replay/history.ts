// Reading a session's past: the document at any moment, and the update feed the replay page
// scrubs through locally. "The document at t" is the log prefix up to the last update logged at
// or before t: the nearest good checkpoint at or before that update, plus the good updates after
// it (storage/rebuild.ts, shared with live loading), put into a garbage-collected document so the
// answer is the size of the board, not of its whole overwrite history.
import * as Y from 'yjs'
import { encodeFeed } from '@sandbox/shared'
import type { Checkpoint, LoggedUpdate, Storage } from '../storage/Storage.ts'
import { goodCheckpoint, problemWith, rebuildDoc, type SkippedRow } from '../storage/rebuild.ts'

/** The state at a moment cannot be rebuilt from what storage holds: answering would show a wrong board. */
export class CorruptHistoryError extends Error {
  readonly sessionId: string
  readonly seq: number
  constructor(sessionId: string, seq: number) {
    super(`Nothing readable is stored for session ${sessionId} up to seq ${seq}.`)
    this.name = 'CorruptHistoryError'
    this.sessionId = sessionId
    this.seq = seq
  }
}

export interface StateAt {
  /** The document as one Yjs update. */
  state: Uint8Array
  /** Corrupt log rows left out (listed up to a bound) and how many in all; empty when nothing was. */
  skipped: SkippedRow[]
  skippedCount: number
}

/** The document as it was at `at` (epoch ms), as one Yjs update. Empty before the session. */
export async function stateAt(storage: Storage, sessionId: string, at: number): Promise<Uint8Array> {
  return (await readStateAt(storage, sessionId, at)).state
}

/** Like stateAt, and says which corrupt rows were left out. */
export async function readStateAt(storage: Storage, sessionId: string, at: number): Promise<StateAt> {
  return readStateAtSeq(storage, sessionId, await storage.seqAt(sessionId, at))
}

/** The document holding every update with `seq <= seq`, as one Yjs update. */
export async function stateAtSeq(storage: Storage, sessionId: string, seq: number): Promise<Uint8Array> {
  return (await readStateAtSeq(storage, sessionId, seq)).state
}

/**
 * Like stateAtSeq, and says which corrupt rows were left out. Throws CorruptHistoryError when the
 * log says something happened by `seq` but not one row of it can be read: an empty document
 * would be a wrong answer, not a partial one.
 */
export async function readStateAtSeq(storage: Storage, sessionId: string, seq: number): Promise<StateAt> {
  if (seq <= 0) return { state: emptyState(), skipped: [], skippedCount: 0 }
  const rebuilt = await rebuildDoc(storage, sessionId, seq)
  try {
    if (rebuilt.checkpoint === null && rebuilt.appliedRows === 0 && rebuilt.skippedCount > 0) throw new CorruptHistoryError(sessionId, seq)
    // A checkpoint with nothing after it was encoded from a live (garbage-collected) document.
    const state = rebuilt.checkpoint && rebuilt.tailRows === 0 ? rebuilt.checkpoint.state : Y.encodeStateAsUpdate(rebuilt.doc)
    return { state, skipped: rebuilt.skipped.filter((s) => s.kind === 'update'), skippedCount: rebuilt.skippedUpdates }
  } finally {
    rebuilt.doc.destroy()
  }
}

function emptyState(): Uint8Array {
  const doc = new Y.Doc()
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return state
}

/**
 * Where a feed starts when the client asks for `from=checkpoint`: the newest good checkpoint at or
 * before the moment `at` (or the newest good one) that lies after `afterSeq`.
 */
export async function feedCheckpoint(storage: Storage, sessionId: string, at: number | undefined, afterSeq = 0): Promise<Checkpoint | null> {
  return goodCheckpoint(storage, sessionId, at === undefined ? undefined : await storage.seqAt(sessionId, at), afterSeq)
}

/** Update bytes per feed page, whatever `limit` asks: a page is built in memory before it is sent. */
export const MAX_FEED_PAGE_BYTES = 4 * 1024 * 1024

export interface FeedPage {
  checkpoint: Checkpoint | null
  /** Good updates, in order. */
  updates: LoggedUpdate[]
  /** Seqs of corrupt rows left out of this page. */
  skipped: number[]
  /** The last seq this page covers: continue with `after=reached`. */
  reached: number
  more: boolean
}

/**
 * One page of the feed after `afterSeq`: at most `maxUpdates` rows and MAX_FEED_PAGE_BYTES of
 * update bytes (the checkpoint, if any, counts against it), read row by row from storage.
 */
export async function feedPage(
  storage: Storage,
  sessionId: string,
  afterSeq: number,
  maxUpdates: number,
  checkpoint: Checkpoint | null,
  maxBytes = MAX_FEED_PAGE_BYTES,
): Promise<FeedPage> {
  const start = checkpoint?.seq ?? afterSeq
  const budget = maxBytes - (checkpoint?.state.length ?? 0)
  const rows = checkpoint && budget <= 0 ? [] : await storage.updatesPage(sessionId, start, { maxUpdates, maxBytes: budget })
  const updates: LoggedUpdate[] = []
  const skipped: number[] = []
  for (const u of rows) {
    const problem = problemWith(u.integrity, u.update)
    if (problem === null) {
      updates.push(u)
      continue
    }
    storage.corruption.report({ session: sessionId, seq: u.seq, kind: 'update', reason: problem })
    skipped.push(u.seq)
  }
  const reached = rows.at(-1)?.seq ?? start
  return { checkpoint, updates, skipped, reached, more: (await storage.lastSeq(sessionId)) > reached }
}

/** A page of the log in the replay's binary feed (shared/src/replayFeed.ts). */
export function encodeFeedPage(page: FeedPage): Buffer {
  const updates = page.updates.map((u) => ({ seq: u.seq, at: u.at, author: u.participantId, update: u.update }))
  const bytes = encodeFeed(updates, page.checkpoint, page.more, page.reached)
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
