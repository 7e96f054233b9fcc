// Room leases and the fence on a real PostgreSQL: one holder at a time, epochs that only grow,
// expiry by the database's clock, and writes under a stale epoch refused by the database itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FencedError, type Lease } from './Storage.ts'
import { PostgresStorage } from './PostgresStorage.ts'
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts'

let cluster: TestPostgres
let storage: PostgresStorage
const a = { processId: 'process-a', url: 'http://127.0.0.1:1001' }
const b = { processId: 'process-b', url: 'http://127.0.0.1:1002' }
const row = (seq: number, epoch: number | undefined) => ({ sessionId: 's1', seq, at: seq, participantId: null, update: Uint8Array.of(seq), epoch })

beforeAll(async () => {
  cluster = await startTestPostgres()
  storage = await PostgresStorage.open(await cluster.createDatabase())
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
})
