import { describe, expect, it } from 'vitest'
import { decodeFeed, encodeFeed, NO_AUTHOR, type FeedUpdate } from './replayFeed.ts'

const update = (seq: number, author: string | null, ...bytes: number[]): FeedUpdate => ({ seq, at: 1_700_000_000_000 + seq * 0.5, author, update: new Uint8Array(bytes) })

describe('replay feed', () => {
  it('round-trips updates, authors by index, a checkpoint and where the chunk reached', () => {
    const updates = [update(4, 'p1', 1, 2, 3), update(5, null), update(6, 'p2', 9), update(7, 'p1', 7, 7)]
    const checkpoint = { seq: 3, at: 1_700_000_000_001, state: new Uint8Array([0, 1, 2]) }
    const decoded = decodeFeed(encodeFeed(updates, checkpoint, true, 9))
    expect(decoded?.header).toEqual({ participants: ['p1', 'p2'], more: true, lastSeq: 9, checkpoint: { seq: 3, at: checkpoint.at, bytes: 3 } })
    expect(decoded?.checkpoint).toEqual(checkpoint)
    expect(decoded?.updates).toEqual(updates)
  })

  it('says an empty chunk reached the checkpoint or `reached`', () => {
    expect(decodeFeed(encodeFeed([], null, false, 12))).toEqual({ header: { participants: [], more: false, lastSeq: 12, checkpoint: null }, checkpoint: null, updates: [] })
  })

  it('refuses what is not a chunk: truncated, a bad header, a length past the end', () => {
    const good = encodeFeed([update(1, 'p1', 1, 2, 3)], null, false, 1)
    expect(decodeFeed(good.subarray(0, good.length - 1))).toBeNull()
    expect(decodeFeed(new Uint8Array([1, 0, 0]))).toBeNull()
    const badJson = new Uint8Array([2, 0, 0, 0, 0x7b, 0x7b])
    expect(decodeFeed(badJson)).toBeNull()
    expect(decodeFeed(encodeFeed([], null, false, 0).subarray(0, 4))).toBeNull()
  })

  it('gives up naming authors past 65,535 participants in one chunk, without failing', () => {
    const many = Array.from({ length: NO_AUTHOR + 2 }, (_, i) => update(i + 1, `p${i}`))
    const decoded = decodeFeed(encodeFeed(many, null, false, 0))
    expect(decoded?.updates.at(-1)?.author).toBeNull()
    expect(decoded?.updates[0]?.author).toBe('p0')
  })
})
