// Room leases and the fence on a real PostgreSQL: one holder at a time, epochs that only grow,
// expiry by the database's clock, and writes under a stale epoch refused by the database itself.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FencedError, type Lease } from './Storage.ts'
import { PostgresStorage } from './PostgresStorage.ts'
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts'

let cluster: TestPostgres
let storage: PostgresStorage
let url: string
const a = { processId: 'process-a', url: 'http://127.0.0.1:1001' }
const b = { processId: 'process-b', url: 'http://127.0.0.1:1002' }
const row = (seq: number, epoch: number | undefined) => ({ sessionId: 's1', seq, at: seq, participantId: null, update: Uint8Array.of(seq), epoch })

beforeAll(async () => {
  cluster = await startTestPostgres()
  url = await cluster.createDatabase()
  storage = await PostgresStorage.open(url)
}, 120_000)
afterAll(async () => {
  await storage?.close()
  await cluster?.stop()
}, 60_000)

describe('room leases on PostgreSQL', () => {
  it('gives a room to one process at a time, and to the next only once the lease lapsed or was released', async () => {
    const first = (await storage.leases.claim('room-1', a, 60_000)) as Lease
    expect(first.epoch).toBe(1)
    const refused = await storage.leases.claim('room-1', b, 60_000)
    expect(refused).toMatchObject({ heldBy: a })
    expect((refused as { expiresInMs: number }).expiresInMs).toBeGreaterThan(50_000)
    expect(await storage.leases.renew(a.processId, [first], 60_000)).toEqual(new Set(['room-1']))
    await storage.leases.release(a.processId, first)
    const second = (await storage.leases.claim('room-1', b, 60_000)) as Lease
    expect(second.epoch).toBe(2)
    // The process that lost it cannot renew it any more.
    expect(await storage.leases.renew(a.processId, [first], 60_000)).toEqual(new Set())
  })

  it('lets a lapsed lease be taken, and a process restarted on the same address take its predecessor’s', async () => {
    await storage.leases.claim('room-2', a, 200)
    await new Promise((r) => setTimeout(r, 300))
    const taken = (await storage.leases.claim('room-2', b, 60_000)) as Lease
    expect(taken.epoch).toBe(2)
    const successor = { processId: 'process-b-restarted', url: b.url }
    const again = (await storage.leases.claim('room-2', successor, 60_000)) as Lease
    expect(again.epoch).toBe(3)
  })

  it('two processes claiming at once: exactly one wins', async () => {
    const results = await Promise.all([storage.leases.claim('room-3', a, 60_000), storage.leases.claim('room-3', b, 60_000)])
    expect(results.filter((r) => 'epoch' in r)).toHaveLength(1)
  })

  it('refuses log rows and checkpoints written under a stale epoch, and keeps the rest of the batch', async () => {
    const old = (await storage.leases.claim('s1', a, 100)) as Lease
    await storage.appendUpdates([row(1, old.epoch)])
    await new Promise((r) => setTimeout(r, 150))
    const current = (await storage.leases.claim('s1', b, 60_000)) as Lease
    const other = { sessionId: 's2', seq: 1, at: 1, participantId: null, update: Uint8Array.of(9) }
    const outcome = await storage.appendUpdates([row(2, old.epoch), other])
    expect(outcome).toEqual({ fenced: ['s1'] })
    expect(await storage.lastSeq('s1')).toBe(1)
    expect(await storage.lastSeq('s2')).toBe(1)
    await expect(storage.writeCheckpoint('s1', { seq: 1, at: 1, state: Uint8Array.of(0, 0) }, old.epoch)).rejects.toBeInstanceOf(FencedError)
    await storage.appendUpdates([row(2, current.epoch)])
    await storage.writeCheckpoint('s1', { seq: 2, at: 2, state: Uint8Array.of(0, 0) }, current.epoch)
    expect(await storage.lastSeq('s1')).toBe(2)
    expect((await storage.latestCheckpoint('s1'))?.seq).toBe(2)
    expect(storage.isTransient(new FencedError('s1'))).toBe(false)
    expect(storage.isTransient(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false)
    expect(storage.isTransient(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }))).toBe(true)
  })

  it('refuses to pack the log under a stale epoch: the rows stay as they were, the new owner packs them', async () => {
    const raw = postgres(url, { max: 1, onnotice: () => {} })
    const stored = async () =>
      (await raw<{ rows: number; packs: number }[]>`
        SELECT (SELECT COUNT(*) FROM updates WHERE session_id = 'packed')::int AS rows, (SELECT COUNT(*) FROM update_packs WHERE session_id = 'packed')::int AS packs`)[0]
    try {
      const old = (await storage.leases.claim('packed', a, 100)) as Lease
      const rows = Array.from({ length: 600 }, (_, i) => ({ sessionId: 'packed', seq: i + 1, at: i + 1, participantId: null, update: Uint8Array.of(i % 256, 1, 2), epoch: old.epoch }))
      await storage.appendUpdates(rows)
      await new Promise((r) => setTimeout(r, 150))
      const current = (await storage.leases.claim('packed', b, 60_000)) as Lease
      const before = await storage.updatesAfter('packed', 0)
      await expect(storage.writeCheckpoint('packed', { seq: 600, at: 600, state: Uint8Array.of(0, 0) }, old.epoch)).rejects.toBeInstanceOf(FencedError)
      expect(await stored()).toEqual({ rows: 600, packs: 0 })
      await storage.writeCheckpoint('packed', { seq: 600, at: 600, state: Uint8Array.of(0, 0) }, current.epoch)
      expect(await stored()).toEqual({ rows: 0, packs: 1 })
      expect(await storage.updatesAfter('packed', 0)).toEqual(before)
    } finally {
      await raw.end({ timeout: 1 })
    }
  })

  it('refuses secrets written by a process whose claim of the room is stale, and keeps the new owner’s', async () => {
    // Two processes, each with its own store on the same database.
    const other = await PostgresStorage.open(url)
    try {
      await storage.leases.claim('secret-room', a, 100)
      await storage.putSecret('secret-room', 'sticky', 'p1', 'shape:a', '{"v":"first"}')
      await new Promise((r) => setTimeout(r, 150))
      await other.leases.claim('secret-room', b, 60_000)
      // The process that lost the room: a late private sticky, a late ballot, late deletions.
      await expect(storage.putSecret('secret-room', 'sticky', 'p1', 'shape:a', '{"v":"late"}')).rejects.toBeInstanceOf(FencedError)
      await expect(storage.putSecret('secret-room', 'ballot', 'p1', '', '{"shape:a":1}')).rejects.toBeInstanceOf(FencedError)
      await expect(storage.deleteSecret('secret-room', 'sticky', 'p1', 'shape:a')).rejects.toBeInstanceOf(FencedError)
      await expect(storage.deleteSecrets('secret-room', 'sticky')).rejects.toBeInstanceOf(FencedError)
      expect((await other.secrets('secret-room', 'sticky')).map((x) => x.value)).toEqual(['{"v":"first"}'])
      expect(await other.secrets('secret-room', 'ballot')).toEqual([])
      // The new owner writes; a store that never claimed the room (one process, no leases) is not fenced.
      await other.putSecret('secret-room', 'sticky', 'p1', 'shape:a', '{"v":"owner"}')
      expect((await storage.secrets('secret-room', 'sticky')).map((x) => x.value)).toEqual(['{"v":"owner"}'])
      await other.putSecret('unclaimed-room', 'ballot', 'p1', '', '{}')
      expect(await storage.secrets('unclaimed-room', 'ballot')).toHaveLength(1)
      // Taking the room back, the first process writes again.
      await other.leases.release(b.processId, (await other.leases.claim('secret-room', b, 60_000)) as Lease)
      await storage.leases.claim('secret-room', a, 60_000)
      await storage.putSecret('secret-room', 'sticky', 'p1', 'shape:a', '{"v":"back"}')
      expect((await other.secrets('secret-room', 'sticky')).map((x) => x.value)).toEqual(['{"v":"back"}'])
    } finally {
      await other.close()
    }
  })
})
