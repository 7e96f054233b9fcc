import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { createLogger } from '../log.ts'
import { Persister } from '../rooms/Persister.ts'
import { loadDoc, RoomManager } from '../rooms/RoomManager.ts'
import { SCHEMA_VERSION } from './sqliteMigrations.ts'
import { SqliteStorage } from './SqliteStorage.ts'

const dirs: string[] = []
const open = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-storage-'))
  dirs.push(dir)
  return { dir, storage: new SqliteStorage(dir) }
}
afterEach(async () => {
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
  it('appends to the log in order, with time and author, across sessions in one transaction', async () => {
    const { storage } = open()
    await storage.createSession(session('s1'))
    await storage.createSession(session('s2'))
    const [u1, u2, u3] = edits(3) as [Uint8Array, Uint8Array, Uint8Array]
    await storage.appendUpdates([
      { sessionId: 's1', seq: 1, at: 10, participantId: 'p', update: u1 },
      { sessionId: 's2', seq: 1, at: 11, participantId: null, update: u2 },
      { sessionId: 's1', seq: 2, at: 12, participantId: null, update: u3 },
    ])
    expect(await storage.lastSeq('s1')).toBe(2)
    expect((await storage.updatesAfter('s1', 0)).map((u) => [u.seq, u.at, u.participantId])).toEqual([[1, 10, 'p'], [2, 12, null]])
    expect((await storage.updatesAfter('s1', 1))[0]?.update).toEqual(u3)
    expect(await storage.updatesAfter('s1', 0, 10)).toHaveLength(1)
    expect(await storage.historyBounds('s1')).toEqual({ first: 10, last: 12, count: 2 })
    // All or nothing: a duplicate seq rolls the whole batch back.
    await expect(
      storage.appendUpdates([
        { sessionId: 's1', seq: 3, at: 13, participantId: null, update: u1 },
        { sessionId: 's1', seq: 2, at: 13, participantId: null, update: u1 },
      ]),
    ).rejects.toThrow()
    expect(await storage.lastSeq('s1')).toBe(2)
  })

  it('keeps every checkpoint and finds the one at or before a moment', async () => {
    const { storage } = open()
    await storage.writeCheckpoint('s', { seq: 5, at: 100, state: new Uint8Array([1]) })
    await storage.writeCheckpoint('s', { seq: 9, at: 200, state: new Uint8Array([2]) })
    expect((await storage.latestCheckpoint('s'))?.seq).toBe(9)
    expect((await storage.latestCheckpoint('s', 150))?.seq).toBe(5)
    expect(await storage.latestCheckpoint('s', 99)).toBeNull()
  })

  it('loads a room from the latest checkpoint plus the tail of the log', async () => {
    const { storage } = open()
    const updates = edits(10)
    await storage.appendUpdates(updates.map((update, i) => ({ sessionId: 's', seq: i + 1, at: i, participantId: null, update })))
    const upToSix = new Y.Doc()
    for (const u of updates.slice(0, 6)) Y.applyUpdate(upToSix, u)
    await storage.writeCheckpoint('s', { seq: 6, at: 5, state: Y.encodeStateAsUpdate(upToSix) })
    const { doc, seq, checkpointSeq } = await loadDoc(storage, 's')
    expect(seq).toBe(10)
    expect(checkpointSeq).toBe(6)
    expect(Object.keys(doc.getMap('m').toJSON())).toHaveLength(10)
  })

  it('unloads an idle room after a final checkpoint and reloads it identically', async () => {
    const { storage } = open()
    const log = createLogger('silent')
    const persister = new Persister(storage, 1, log)
    const rooms = new RoomManager({ storage, persister, log, limits: { maxDocBytes: 1e9, maxSessionStorageBytes: 1e12, checkpointSpacing: { ratio: 1, minUpdates: 1000 } }, idleUnloadMs: 10 })
    await rooms.createSession(session('s'))
    const room = await rooms.get('s')
    room.transactAsServer(() => room.doc.getMap('tldraw').set('shape:x', new Y.Map()))
    const before = Y.encodeStateVector(room.doc)
    expect(await rooms.unload(room)).toBe(true)
    expect(rooms.loaded.has('s')).toBe(false)
    const cp = await storage.latestCheckpoint('s')
    expect(cp?.seq).toBe(await storage.lastSeq('s'))
    const again = await rooms.get('s')
    expect(Y.encodeStateVector(again.doc)).toEqual(before)
    expect(again.doc.getMap('tldraw').has('shape:x')).toBe(true)
    expect(again.doc.getMap('session').get('phase')).toBe('warmup')
    await rooms.shutdown()
  })

  it('writes a checksum with every row and marks rows whose bytes changed on disk', async () => {
    const { storage } = open()
    const [u1, u2] = edits(2) as [Uint8Array, Uint8Array]
    await storage.appendUpdates([
      { sessionId: 's', seq: 1, at: 1, participantId: null, update: u1 },
      { sessionId: 's', seq: 2, at: 2, participantId: null, update: u2 },
    ])
    await storage.writeCheckpoint('s', { seq: 2, at: 2, state: u2 })
    expect((await storage.updatesAfter('s', 0)).map((u) => u.integrity)).toEqual(['verified', 'verified'])
    expect((await storage.latestCheckpoint('s'))?.integrity).toBe('verified')
    // What a flipped bit on disk looks like to the reader: same row, other bytes.
    const raw = new Database(storage.file)
    const flipped = Buffer.from(u2)
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 1) ^ 1, flipped.length - 1)
    raw.prepare('UPDATE updates SET bytes = ? WHERE seq = 2').run(flipped)
    raw.prepare('UPDATE checkpoints SET state = ? WHERE seq = 2').run(Buffer.from(Y.encodeStateAsUpdate(new Y.Doc())))
    raw.close()
    expect((await storage.updatesAfter('s', 0)).map((u) => u.integrity)).toEqual(['verified', 'mismatch'])
    expect((await storage.updatesPage('s', 0, { maxUpdates: 10, maxBytes: 1e6 })).map((u) => u.integrity)).toEqual(['verified', 'mismatch'])
    expect((await storage.latestCheckpoint('s'))?.integrity).toBe('mismatch')
  })

  it('migrates a database made before checksums: old rows stay readable as unverified, new rows get checksums', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-storage-'))
    dirs.push(dir)
    // The schema as it was before versioning (user_version 0, no checksum columns).
    const old = new Database(path.join(dir, 'sandbox.sqlite'))
    old.exec(`
      CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at INTEGER NOT NULL, participant_token_hash TEXT NOT NULL,
        facilitator_token_hash TEXT NOT NULL, viewer_token_hash TEXT NOT NULL) STRICT;
      CREATE TABLE updates (session_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, participant_id TEXT, bytes BLOB NOT NULL,
        PRIMARY KEY (session_id, seq)) STRICT, WITHOUT ROWID;
      CREATE INDEX updates_by_time ON updates (session_id, at);
      CREATE TABLE checkpoints (session_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, state BLOB NOT NULL,
        PRIMARY KEY (session_id, seq)) STRICT, WITHOUT ROWID;
      CREATE INDEX checkpoints_by_time ON checkpoints (session_id, at);
    `)
    const [u1, u2] = edits(2) as [Uint8Array, Uint8Array]
    old.prepare('INSERT INTO updates (session_id, seq, at, participant_id, bytes) VALUES (?, ?, ?, ?, ?)').run('s', 1, 1, null, u1)
    old.prepare('INSERT INTO checkpoints (session_id, seq, at, state) VALUES (?, ?, ?, ?)').run('s', 1, 1, u1)
    expect(old.pragma('user_version', { simple: true })).toBe(0)
    old.close()

    const storage = new SqliteStorage(dir)
    expect(storage.schemaVersion()).toBe(SCHEMA_VERSION)
    await storage.appendUpdates([{ sessionId: 's', seq: 2, at: 2, participantId: null, update: u2 }])
    expect((await storage.updatesAfter('s', 0)).map((u) => [u.seq, u.integrity])).toEqual([[1, 'unverified'], [2, 'verified']])
    expect((await storage.latestCheckpoint('s'))?.integrity).toBe('unverified')
    expect((await loadDoc(storage, 's')).doc.getMap('m').toJSON()).toEqual({ k0: 0, k1: 1 })
    // Old rows have no size in the index: they are measured from their bytes.
    expect(await storage.storedBytes('s')).toBe(u1.length + u2.length + u1.length)
    storage.close()
    // Opening again runs nothing twice.
    const again = new SqliteStorage(dir)
    expect(again.schemaVersion()).toBe(SCHEMA_VERSION)
    expect(await again.lastSeq('s')).toBe(2)
    again.close()
  })

  it('pages the log by rows and by bytes, always at least one row', async () => {
    const { storage } = open()
    const big = new Uint8Array(1000)
    await storage.appendUpdates(Array.from({ length: 10 }, (_, i) => ({ sessionId: 's', seq: i + 1, at: i, participantId: null, update: big })))
    expect((await storage.updatesPage('s', 0, { maxUpdates: 4, maxBytes: 1e9 })).map((u) => u.seq)).toEqual([1, 2, 3, 4])
    expect((await storage.updatesPage('s', 2, { maxUpdates: 100, maxBytes: 3_500 })).map((u) => u.seq)).toEqual([3, 4, 5])
    expect((await storage.updatesPage('s', 2, { maxUpdates: 100, maxBytes: 10 })).map((u) => u.seq)).toEqual([3])
    expect((await storage.updatesPage('s', 2, { maxUpdates: 100, maxBytes: 1e9, untilSeq: 6 })).map((u) => u.seq)).toEqual([3, 4, 5, 6])
    expect(await storage.updatesPage('s', 10, { maxUpdates: 100, maxBytes: 1e9 })).toEqual([])
  })

  it('counts the bytes a session occupies: every log row and every checkpoint, no other session', async () => {
    const { storage } = open()
    expect(await storage.storedBytes('s')).toBe(0)
    await storage.appendUpdates([
      { sessionId: 's', seq: 1, at: 1, participantId: null, update: new Uint8Array(300) },
      { sessionId: 's', seq: 2, at: 2, participantId: null, update: new Uint8Array(200) },
      { sessionId: 'other', seq: 1, at: 1, participantId: null, update: new Uint8Array(5_000) },
    ])
    // Random bytes do not deflate: stored as they are.
    await storage.writeCheckpoint('s', { seq: 1, at: 1, state: crypto.randomBytes(50) })
    await storage.writeCheckpoint('s', { seq: 2, at: 2, state: crypto.randomBytes(70) })
    await storage.writeCheckpoint('other', { seq: 1, at: 1, state: crypto.randomBytes(9_000) })
    expect(await storage.storedBytes('s')).toBe(300 + 200 + 50 + 70)
    expect(await storage.storedBytes('other')).toBe(14_000)
    expect(await storage.storedBytes('nobody')).toBe(0)
  })
})
