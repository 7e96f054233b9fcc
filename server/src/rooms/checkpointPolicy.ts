// When a room writes a checkpoint, and which old checkpoints storage may delete. Pure: the room
// (Room.onCommitted) and storage (Storage.thinCheckpoints) call these with numbers they hold.
//
// Why by size: a checkpoint is the whole document. Written every N updates, a session of small
// edits on a large board stores the board again and again (a 90-minute, 20-person session was 26×
// its update bytes). Written once the update bytes logged since the previous checkpoint reach that
// checkpoint's stored size, each checkpoint is paid for by the log that follows it.
//
// The bound. Let the kept checkpoints be c_1 … c_n in log order, L(c) the update bytes logged up
// to c's seq, |c| its stored size, U the update bytes of the whole log, and r = `ratio`. Every kept
// checkpoint but the newest satisfies  L(c_{i+1}) − L(c_i) ≥ r·|c_i|  (the room writes c_{i+1}
// only then, and thinning deletes any c_i that does not). The intervals (L(c_i), L(c_{i+1})] are
// disjoint parts of the log, so  Σ_{i<n} |c_i| ≤ U / r,  and
//     stored bytes = U + Σ|c_i| ≤ U + U/r + |c_n|.
// c_n is the document as of the last checkpoint (the final document once the room unloads), so
// with r = 1 a session stores at most 2·U + D ≤ 2·(U + D): within twice its updates plus its
// document. Checkpoints are stored deflated (storage/rows.ts), so |c| is usually a fifth of the
// document's bytes and checkpoints come about five times as often as raw ones would, which is
// what keeps replay seeks (checkpoint + tail) fast without a count cap that would break the bound.

import type { CheckpointInfo } from '../storage/Storage.ts'

export type { CheckpointInfo }

export interface CheckpointSpacing {
  /**
   * r above: a checkpoint once the update bytes logged since the last one reach r × that
   * checkpoint's stored bytes. 1 keeps a session within 2 × (updates + document); 0 checkpoints
   * after every `minUpdates` updates and keeps every checkpoint (tests only).
   */
  ratio: number
  /**
   * And not before this many updates: a new, small board is not checkpointed every few edits
   * (each checkpoint encodes the whole document). Only ever delays a checkpoint, so the bound holds.
   */
  minUpdates: number
}

export const DEFAULT_CHECKPOINT_SPACING: CheckpointSpacing = { ratio: 1, minUpdates: 100 }

/** What the room knows since its last checkpoint. */
export interface SinceCheckpoint {
  updates: number
  /** Update bytes logged after the last checkpoint's seq. */
  updateBytes: number
  /** The last checkpoint's stored size (0 when there is none). An over-estimate only delays the next one. */
  checkpointBytes: number
}

/** Whether to write a checkpoint now. */
export function dueForCheckpoint(since: SinceCheckpoint, spacing: CheckpointSpacing): boolean {
  if (since.updates < Math.max(1, spacing.minUpdates)) return false
  return since.updateBytes >= spacing.ratio * since.checkpointBytes
}

/**
 * The seqs of the checkpoints to delete so that every kept one but the newest is followed by at
 * least `ratio` × its size of log before the next kept one (the invariant of the bound above).
 * Walks from the newest back: the newest is always kept (loading a room starts from it); an older
 * one is kept when the log between it and the next kept one pays for it. Checkpoints the room
 * wrote by dueForCheckpoint already satisfy this when the document grows, so they stay: what goes
 * is a checkpoint written too soon (on unload or shutdown, or by the old every-500-updates rule)
 * or one larger than the document became after it.
 */
export function checkpointsToThin(checkpoints: readonly CheckpointInfo[], spacing: CheckpointSpacing): number[] {
  const sorted = [...checkpoints].sort((a, b) => a.seq - b.seq)
  const drop: number[] = []
  let next = sorted.at(-1)
  if (!next) return drop
  for (let i = sorted.length - 2; i >= 0; i--) {
    const c = sorted[i] as CheckpointInfo
    if (next.logBytes - c.logBytes >= spacing.ratio * c.storedBytes) next = c
    else drop.push(c.seq)
  }
  return drop.reverse()
}
