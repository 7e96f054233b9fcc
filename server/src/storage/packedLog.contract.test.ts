// The packed log's contract (packs.ts): the rows a checkpoint covers are packed by the storage
// itself, and every read answers as it did before; run against both backends.
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { loadDoc } from '../rooms/RoomManager.ts'
import { rebuildDoc } from './rebuild.ts'
import type { Storage } from './Storage.ts'
import { describeOnBothBackends, LONG, longLog, PACKED_UP_TO, row } from './contractBackends.ts'

describeOnBothBackends('Packed log contract', (backend) => {
  it('packs the rows a checkpoint covers, and every read of the log answers as it did before packing', async () => {
    const { storage, stored } = await backend.fresh()
    const log = longLog()
    await storage.appendUpdates(log.rows('packed'))
    await storage.appendUpdates(log.rows('plain'))
    const stateAt = (seq: number) => {
      const doc = new Y.Doc()
      for (const u of log.updates.slice(0, seq)) Y.applyUpdate(doc, u)
      return Y.encodeStateAsUpdate(doc)
    }
    const before = await storage.storedBytes('packed')
    const stateBytes = await storage.writeCheckpoint('packed', { seq: PACKED_UP_TO, at: log.at(PACKED_UP_TO), state: stateAt(PACKED_UP_TO) })
    expect(await stored('packed')).toEqual({ rows: LONG - PACKED_UP_TO, packs: 3 })
    expect(await stored('plain')).toEqual({ rows: LONG, packs: 0 })
    // The quota counts a packed entry as its row: packing changes nothing it sees.
    expect(await storage.storedBytes('packed')).toBe(before + stateBytes)
    const both = async <T>(read: (id: string) => Promise<T>): Promise<T> => {
      const [packed, plain] = [await read('packed'), await read('plain')]
      expect(packed).toEqual(plain)
      return packed
    }
    const page = (after: number, limits: Parameters<Storage['updatesPage']>[2]) => both((id) => storage.updatesPage(id, after, limits))
    expect(await both((id) => storage.lastSeq(id))).toBe(LONG)
    expect(await both((id) => storage.historyBounds(id))).toEqual({ first: log.at(1), last: log.at(LONG), count: LONG })
    expect((await both((id) => storage.updatesAfter(id, 0))).length).toBe(LONG)
    expect((await both((id) => storage.updatesAfter(id, 0))).every((u) => u.integrity === 'verified')).toBe(true)
    // Reads starting inside a pack, crossing from one pack to the next, and from packs into rows.
    for (const after of [0, 1, 500, 1_023, 1_024, 1_500, 2_047, 2_090, 2_100, 2_101, 2_999, 3_000]) {
      expect((await page(after, { maxUpdates: 1_000, maxBytes: 1e9 })).map((u) => u.seq)[0]).toBe(after < LONG ? after + 1 : undefined)
      await page(after, { maxUpdates: 7, maxBytes: 1e9 })
      await page(after, { maxUpdates: 1_000, maxBytes: 2_000 })
      await page(after, { maxUpdates: 1_000, maxBytes: 1, untilSeq: 2_105 })
      await page(after, { maxUpdates: 5_000, maxBytes: 1e9, untilSeq: 2_100 })
      await both((id) => storage.updatesAfter(id, after, undefined, 30))
      await both((id) => storage.updatesAfter(id, after, log.at(after + 40), 30))
      await both((id) => storage.updatesAfter(id, after, log.at(after + 40)))
    }
    // A page limited in rows ends exactly at its limit across a pack boundary.
    expect((await page(1_020, { maxUpdates: 10, maxBytes: 1e9 })).map((u) => u.seq)).toEqual([1_021, 1_022, 1_023, 1_024, 1_025, 1_026, 1_027, 1_028, 1_029, 1_030])
    expect((await page(2_095, { maxUpdates: 10, maxBytes: 1e9 })).map((u) => u.seq)).toEqual([2_096, 2_097, 2_098, 2_099, 2_100, 2_101, 2_102, 2_103, 2_104, 2_105])
    // Times inside packs, between them, at a clock step, before and after everything.
    for (const seq of [1, 2, 3, 4, 700, 1_024, 1_025, 1_499, 1_500, 1_501, 2_100, 2_101, 2_500, LONG]) {
      for (const dt of [-11, -1, 0, 1]) await both((id) => storage.seqAt(id, log.at(seq) + dt))
    }
    expect(await storage.seqAt('packed', log.at(1) - 1)).toBe(0)
    expect(await storage.seqAt('packed', log.at(LONG) + 1)).toBe(LONG)
    expect(await storage.seqAt('packed', log.at(1_024))).toBe(1_025)
    // Loading reads the same document.
    const [packed, plain] = [await loadDoc(storage, 'packed'), await loadDoc(storage, 'plain')]
    expect(packed.seq).toBe(LONG)
    expect(Y.encodeStateAsUpdate(packed.doc)).toEqual(Y.encodeStateAsUpdate(plain.doc))
    // A checkpoint's log bytes count packed entries too, also one inside a pack.
    await storage.writeCheckpoint('packed', { seq: 1_500, at: log.at(1_500), state: stateAt(1_500) })
    let seen: unknown = null
    await storage.thinCheckpoints('packed', (kept) => {
      seen = kept.map((c) => [c.seq, c.logBytes])
      return []
    })
    const logUpTo = (seq: number) => log.updates.slice(0, seq).reduce((n, u) => n + u.length, 0)
    expect(seen).toEqual([[1_500, logUpTo(1_500)], [PACKED_UP_TO, logUpTo(PACKED_UP_TO)]])
    // A checkpoint at the end packs the rest; every read still answers the same.
    await storage.writeCheckpoint('packed', { seq: LONG, at: log.at(LONG), state: stateAt(LONG) })
    expect(await stored('packed')).toEqual({ rows: 0, packs: 4 })
    expect(await both((id) => storage.lastSeq(id))).toBe(LONG)
    expect(await both((id) => storage.historyBounds(id))).toEqual({ first: log.at(1), last: log.at(LONG), count: LONG })
    await page(2_500, { maxUpdates: 1_000, maxBytes: 1e9 })
    await both((id) => storage.seqAt(id, log.at(2_500)))
    // A seq inside a pack is taken, as its row was: the whole batch is refused, the other session's row too.
    await expect(storage.appendUpdates([row('other', 1, 1, log.updates[0] as Uint8Array), row('packed', 1_200, 1, log.updates[0] as Uint8Array)])).rejects.toThrow()
    expect(await storage.lastSeq('other')).toBe(0)
    await storage.appendUpdates([row('packed', LONG + 1, log.at(LONG), log.updates[0] as Uint8Array)])
    expect(await storage.lastSeq('packed')).toBe(LONG + 1)
  })

  it('leaves a short log, and rows that fail their checksum, unpacked', async () => {
    const { storage, stored, corrupt } = await backend.fresh()
    const log = longLog()
    const rows = log.rows('s')
    await storage.appendUpdates(rows.slice(0, 200))
    await storage.writeCheckpoint('s', { seq: 200, at: log.at(200), state: new Uint8Array([0, 0]) })
    expect(await stored('s')).toEqual({ rows: 200, packs: 0 })
    await storage.appendUpdates(rows.slice(200, 700))
    await corrupt('updates', 's', 300, new Uint8Array([1, 2, 3]))
    await storage.writeCheckpoint('s', { seq: 700, at: log.at(700), state: new Uint8Array([0, 0]) })
    // 1…299 and 301…700 packed; the corrupt row stays as it was, and reads as a mismatch.
    expect(await stored('s')).toEqual({ rows: 1, packs: 2 })
    const read = await storage.updatesAfter('s', 0)
    expect(read.map((u) => u.seq)).toEqual(rows.slice(0, 700).map((r) => r.seq))
    expect(read.filter((u) => u.integrity !== 'verified').map((u) => [u.seq, u.integrity])).toEqual([[300, 'mismatch']])
  })

  it('reports a corrupt pack: each of its seqs reads as a mismatch, reads and loading go on around it', async () => {
    const { storage, corruptPack } = await backend.fresh()
    const log = longLog()
    await storage.appendUpdates(log.rows('s'))
    await storage.writeCheckpoint('s', { seq: PACKED_UP_TO, at: log.at(PACKED_UP_TO), state: Y.encodeStateAsUpdate(new Y.Doc()) })
    await corruptPack('s', 1_500)
    const all = await storage.updatesAfter('s', 0)
    expect(all.map((u) => u.seq)).toEqual(Array.from({ length: LONG }, (_, i) => i + 1))
    const bad = all.filter((u) => u.integrity === 'mismatch').map((u) => u.seq)
    expect(bad).toEqual(Array.from({ length: 1_024 }, (_, i) => 1_025 + i))
    expect((await storage.updatesPage('s', 1_020, { maxUpdates: 10, maxBytes: 1e9 })).map((u) => [u.seq, u.integrity])).toEqual([
      ...[1_021, 1_022, 1_023, 1_024].map((seq) => [seq, 'verified']),
      ...[1_025, 1_026, 1_027, 1_028, 1_029, 1_030].map((seq) => [seq, 'mismatch']),
    ])
    expect(await storage.lastSeq('s')).toBe(LONG)
    expect(await storage.historyBounds('s')).toEqual({ first: log.at(1), last: log.at(LONG), count: LONG })
    // A moment inside it answers a seq of it, never an error.
    const inside = await storage.seqAt('s', log.at(1_300))
    expect(inside).toBeGreaterThanOrEqual(1_025)
    expect(inside).toBeLessThanOrEqual(2_048)
    // Rebuilding up to a seq before the checkpoint reads the log, skips the pack's seqs and reports them.
    const rebuilt = await rebuildDoc(storage, 's', 2_050)
    expect(rebuilt.seq).toBe(2_050)
    expect(rebuilt.skippedUpdates).toBeGreaterThanOrEqual(1_024)
    expect(storage.corruption.snapshot().rows.some((r) => r.kind === 'update' && r.seq === 2_048 && r.reason === 'checksum')).toBe(true)
  })

  it('opens a store an older version wrote (no packs) with every row, and packs it at the next checkpoint', async () => {
    const { storage, reopen, stored, downgradeToVersion6 } = await backend.fresh()
    const log = longLog()
    await storage.appendUpdates(log.rows('s').slice(0, 1_000))
    await storage.writeCheckpoint('s', { seq: 100, at: log.at(100), state: new Uint8Array([0, 0]) })
    await storage.close()
    await downgradeToVersion6()
    const again = await reopen()
    expect(await stored('s')).toEqual({ rows: 1_000, packs: 0 })
    const plain = await again.updatesAfter('s', 0)
    expect(plain).toHaveLength(1_000)
    await again.writeCheckpoint('s', { seq: 900, at: log.at(900), state: new Uint8Array([0, 0]) })
    expect(await stored('s')).toEqual({ rows: 100, packs: 1 })
    expect(await again.updatesAfter('s', 0)).toEqual(plain)
  })
})
