import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../log.ts'
import { Persister } from '../rooms/Persister.ts'
import { loadDoc, RoomManager } from '../rooms/RoomManager.ts'
import { SqliteStorage } from './SqliteStorage.ts'

const dirs: string[] = []
const open = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-storage-'))
  dirs.push(dir)
  return { dir, storage: new SqliteStorage(dir) }
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

const session = (id: string) => ({ id, title: 'T', createdAt: 1, tokenHashes: { participant: 'a', facilitator: 'b', viewer: 'c' } })

/** Updates that each add one key to Y.Map('m'). */
function edits(n: number): Uint8Array[] {
  const doc = new Y.Doc()
  const out: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => out.push(u))
  for (let i = 0; i < n; i++) doc.getMap('m').set(`k${i}`, i)
  return out
}

describe('SqliteStorage', () => {
  it('appends to the log in order, with time and author, across sessions in one transaction', () => {
    const { storage } = open()
    storage.createSession(session('s1'))
    storage.createSession(session('s2'))
    const [u1, u2, u3] = edits(3) as [Uint8Array, Uint8Array, Uint8Array]
    storage.appendUpdates([
      { sessionId: 's1', seq: 1, at: 10, participantId: 'p', update: u1 },
      { sessionId: 's2', seq: 1, at: 11, participantId: null, update: u2 },
      { sessionId: 's1', seq: 2, at: 12, participantId: null, update: u3 },
    ])
    expect(storage.lastSeq('s1')).toBe(2)
    expect(storage.updatesAfter('s1', 0).map((u) => [u.seq, u.at, u.participantId])).toEqual([[1, 10, 'p'], [2, 12, null]])
    expect(storage.updatesAfter('s1', 1)[0]?.update).toEqual(u3)
    expect(storage.updatesAfter('s1', 0, 10)).toHaveLength(1)
    expect(storage.historyBounds('s1')).toEqual({ first: 10, last: 12, count: 2 })
    // All or nothing: a duplicate seq rolls the whole batch back.
    expect(() =>
      storage.appendUpdates([
        { sessionId: 's1', seq: 3, at: 13, participantId: null, update: u1 },
        { sessionId: 's1', seq: 2, at: 13, participantId: null, update: u1 },
      ]),
    ).toThrow()
    expect(storage.lastSeq('s1')).toBe(2)
  })

  it('keeps every checkpoint and finds the one at or before a moment', () => {
    const { storage } = open()
    storage.writeCheckpoint('s', { seq: 5, at: 100, state: new Uint8Array([1]) })
    storage.writeCheckpoint('s', { seq: 9, at: 200, state: new Uint8Array([2]) })
    expect(storage.latestCheckpoint('s')?.seq).toBe(9)
    expect(storage.latestCheckpoint('s', 150)?.seq).toBe(5)
    expect(storage.latestCheckpoint('s', 99)).toBeNull()
  })

  it('loads a room from the latest checkpoint plus the tail of the log', () => {
    const { storage } = open()
    const updates = edits(10)
    storage.appendUpdates(updates.map((update, i) => ({ sessionId: 's', seq: i + 1, at: i, participantId: null, update })))
    const upToSix = new Y.Doc()
    for (const u of updates.slice(0, 6)) Y.applyUpdate(upToSix, u)
    storage.writeCheckpoint('s', { seq: 6, at: 5, state: Y.encodeStateAsUpdate(upToSix) })
    const { doc, seq, checkpointSeq } = loadDoc(storage, 's')
    expect(seq).toBe(10)
    expect(checkpointSeq).toBe(6)
    expect(Object.keys(doc.getMap('m').toJSON())).toHaveLength(10)
  })

  it('unloads an idle room after a final checkpoint and reloads it identically', async () => {
    const { storage } = open()
    const log = createLogger('silent')
    const persister = new Persister(storage, 1, log)
    const rooms = new RoomManager({ storage, persister, log, limits: { maxDocBytes: 1e9, checkpointEveryUpdates: 1000 }, idleUnloadMs: 10 })
    await rooms.createSession(session('s'))
    const room = rooms.get('s')
    room.transactAsServer(() => room.doc.getMap('tldraw').set('shape:x', new Y.Map()))
    const before = Y.encodeStateVector(room.doc)
    expect(rooms.unload(room)).toBe(true)
    expect(rooms.loaded.has('s')).toBe(false)
    const cp = storage.latestCheckpoint('s')
    expect(cp?.seq).toBe(storage.lastSeq('s'))
    const again = rooms.get('s')
    expect(Y.encodeStateVector(again.doc)).toEqual(before)
    expect(again.doc.getMap('tldraw').has('shape:x')).toBe(true)
    expect(again.doc.getMap('session').get('phase')).toBe('warmup')
    rooms.shutdown()
  })
})
