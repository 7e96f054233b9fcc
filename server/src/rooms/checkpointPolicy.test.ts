import { describe, expect, it } from 'vitest'
import { seededRandom } from '@sandbox/shared'
import { checkpointsToThin, dueForCheckpoint, type CheckpointInfo, type CheckpointSpacing } from './checkpointPolicy.ts'

const spacing: CheckpointSpacing = { ratio: 1, minUpdates: 10 }

describe('dueForCheckpoint', () => {
  it('waits until the log since the last checkpoint is as large as that checkpoint', () => {
    expect(dueForCheckpoint({ updates: 50, updateBytes: 999, checkpointBytes: 1_000 }, spacing)).toBe(false)
    expect(dueForCheckpoint({ updates: 50, updateBytes: 1_000, checkpointBytes: 1_000 }, spacing)).toBe(true)
    expect(dueForCheckpoint({ updates: 50, updateBytes: 1_999, checkpointBytes: 1_000 }, { ratio: 2, minUpdates: 10 })).toBe(false)
  })

  it('never before minUpdates, even with nothing checkpointed yet', () => {
    expect(dueForCheckpoint({ updates: 9, updateBytes: 1e6, checkpointBytes: 0 }, spacing)).toBe(false)
    expect(dueForCheckpoint({ updates: 10, updateBytes: 1, checkpointBytes: 0 }, spacing)).toBe(true)
    expect(dueForCheckpoint({ updates: 0, updateBytes: 0, checkpointBytes: 0 }, { ratio: 0, minUpdates: 0 })).toBe(false)
  })

  it('with ratio 0 (tests), every minUpdates updates', () => {
    expect(dueForCheckpoint({ updates: 2, updateBytes: 0, checkpointBytes: 1e6 }, { ratio: 0, minUpdates: 2 })).toBe(true)
  })
})

describe('checkpointsToThin', () => {
  const cp = (seq: number, logBytes: number, storedBytes: number): CheckpointInfo => ({ seq, logBytes, storedBytes })

  it('keeps nothing to delete when there are zero or one checkpoints', () => {
    expect(checkpointsToThin([], spacing)).toEqual([])
    expect(checkpointsToThin([cp(5, 10, 1e9)], spacing)).toEqual([])
  })

  it('never deletes the newest, even when it came right after the previous one', () => {
    // 900 logged after seq 10's 1,000-byte checkpoint: seq 10 goes, seq 20 (newest) stays.
    expect(checkpointsToThin([cp(10, 1_000, 1_000), cp(20, 1_900, 1_000)], spacing)).toEqual([10])
    expect(checkpointsToThin([cp(10, 1_000, 1_000), cp(20, 2_000, 1_000)], spacing)).toEqual([])
  })

  it('thins checkpoints written every few updates down to one per checkpoint-size of log', () => {
    // Old rule: a 1,000-byte checkpoint every 100 log bytes.
    const old = Array.from({ length: 50 }, (_, i) => cp((i + 1) * 10, (i + 1) * 100, 1_000))
    const dropped = new Set(checkpointsToThin(old, spacing))
    const kept = old.filter((c) => !dropped.has(c.seq))
    expect(kept.at(-1)?.seq).toBe(500)
    for (let i = 0; i + 1 < kept.length; i++) expect((kept[i + 1] as CheckpointInfo).logBytes - (kept[i] as CheckpointInfo).logBytes).toBeGreaterThanOrEqual(1_000)
    expect(kept.length).toBe(5)
    // Thinning what it kept deletes nothing more.
    expect(checkpointsToThin(kept, spacing)).toEqual([])
  })

  it('drops an old checkpoint larger than the log after it once the board shrank', () => {
    expect(checkpointsToThin([cp(10, 100, 5_000), cp(20, 1_100, 100), cp(30, 1_300, 100)], spacing)).toEqual([10])
  })

  it('ratio 0 keeps every checkpoint', () => {
    expect(checkpointsToThin([cp(1, 1, 100), cp(2, 1, 100), cp(3, 1, 100)], { ratio: 0, minUpdates: 1 })).toEqual([])
  })

  it('a room writing by dueForCheckpoint and thinning after each write keeps checkpoints within the log plus the last one', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const random = seededRandom(seed)
      let kept: CheckpointInfo[] = []
      let logBytes = 0
      let docBytes = 2_000
      let since = { updates: 0, updateBytes: 0 }
      let lastCheckpointBytes = 0
      // Stored size: deflated, a fraction of the document (as storage writes it).
      const write = (seq: number) => {
        const storedBytes = Math.max(1, Math.round(docBytes * (0.15 + random() * 0.2)))
        kept.push({ seq, logBytes, storedBytes })
        const drop = new Set(checkpointsToThin(kept, spacing))
        kept = kept.filter((c) => !drop.has(c.seq))
        lastCheckpointBytes = storedBytes
        since = { updates: 0, updateBytes: 0 }
      }
      for (let seq = 1; seq <= 20_000; seq++) {
        const bytes = random() < 0.02 ? 2_000 + Math.floor(random() * 3_000) : 20 + Math.floor(random() * 40)
        logBytes += bytes
        // The board grows with new stickies and shrinks when some are deleted.
        docBytes = Math.max(500, docBytes + (bytes > 1_000 ? bytes : random() < 0.001 ? -docBytes / 2 : 2))
        since = { updates: since.updates + 1, updateBytes: since.updateBytes + bytes }
        if (dueForCheckpoint({ ...since, checkpointBytes: lastCheckpointBytes }, spacing)) write(seq)
        // Now and then the room unloads: a checkpoint whatever the spacing.
        else if (random() < 0.0005) write(seq)
      }
      const newest = kept.at(-1) as CheckpointInfo
      const total = kept.reduce((n, c) => n + c.storedBytes, 0)
      expect(total).toBeLessThanOrEqual(logBytes / spacing.ratio + newest.storedBytes)
      // And the room still has checkpoints to seek from: more than a handful over 20,000 updates.
      expect(kept.length).toBeGreaterThan(10)
    }
  })
})
