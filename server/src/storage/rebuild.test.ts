// Rebuilding a document from a real SQLite file whose rows were corrupted behind the server's back:
// the newest good checkpoint plus the good log, nothing left pending, every skip reported.
import fs from 'node:fs'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { loadDoc } from '../rooms/RoomManager.ts'
import { tempDataDir } from '../testing/harness.ts'
import { rebuildDoc } from './rebuild.ts'
import { SqliteStorage } from './SqliteStorage.ts'

const SESSION = 'session_for_rebuild_tests_00000'
const dirs: string[] = []
const stores: SqliteStorage[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) s.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/**
 * 30 updates from three clients in turn (client = seq % 3): update n adds `note:n` (a nested map)
 * and sets `text` on the previous note, so it builds on update n-1 and on the same client's last
 * update (Yjs needs each client's updates without gaps). Checkpoints after seq 10 and 20.
 */
async function writeSession(): Promise<{ storage: SqliteStorage; raw: () => Database.Database }> {
  const dir = tempDataDir()
  dirs.push(dir)
  const storage = new SqliteStorage(dir)
  stores.push(storage)
  const clients = [new Y.Doc(), new Y.Doc(), new Y.Doc()]
  const server = new Y.Doc()
  for (let seq = 1; seq <= 30; seq++) {
    const client = clients[seq % 3] as Y.Doc
    let update: Uint8Array | null = null
    client.once('update', (u: Uint8Array) => (update = u))
    const notes = client.getMap<Y.Map<unknown>>('notes')
    client.transact(() => {
      notes.set(`note:${seq}`, new Y.Map())
      notes.get(`note:${seq - 1}`)?.set('text', `edited in ${seq}`)
    })
    const u = update as unknown as Uint8Array
    for (const other of [...clients, server]) if (other !== client) Y.applyUpdate(other, u)
    await storage.appendUpdates([{ sessionId: SESSION, seq, at: 1000 + seq, participantId: null, update: u }])
    if (seq % 10 === 0 && seq < 30) await storage.writeCheckpoint(SESSION, { seq, at: 1000 + seq, state: Y.encodeStateAsUpdate(server) })
  }
  return { storage, raw: () => new Database(storage.file) }
}

const noteIds = (doc: Y.Doc): string[] => [...doc.getMap('notes').keys()].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `note:${from + i}`)

function corrupt(raw: Database.Database, table: 'updates' | 'checkpoints', seq: number, bytes?: Uint8Array): void {
  const column = table === 'updates' ? 'bytes' : 'state'
  const row = raw.prepare(`SELECT ${column} AS b FROM ${table} WHERE session_id = ? AND seq = ?`).get(SESSION, seq) as { b: Buffer }
  const next = bytes ? Buffer.from(bytes) : Buffer.from(row.b)
  if (!bytes) next.writeUInt8(next.readUInt8(next.length >> 1) ^ 0x5a, next.length >> 1)
  raw.prepare(`UPDATE ${table} SET ${column} = ? WHERE session_id = ? AND seq = ?`).run(next, SESSION, seq)
}

describe('rebuildDoc', () => {
  it('uses the newest checkpoint and the log after it when all is good', async () => {
    const { storage } = await writeSession()
    const r = await rebuildDoc(storage, SESSION)
    expect(r.checkpoint?.seq).toBe(20)
    expect(r.tailRows).toBe(10)
    expect(noteIds(r.doc)).toEqual(range(1, 30))
    expect(r.skippedCount).toBe(0)
    expect(storage.corruption.snapshot().total).toBe(0)
  })

  it('falls back to an older checkpoint when the newest is corrupt, even when it is a valid empty document', async () => {
    for (const replacement of [undefined, Y.encodeStateAsUpdate(new Y.Doc())]) {
      const { storage, raw } = await writeSession()
      const db = raw()
      corrupt(db, 'checkpoints', 20, replacement)
      db.close()
      const r = await rebuildDoc(storage, SESSION)
      expect(r.checkpoint?.seq).toBe(10)
      expect(noteIds(r.doc)).toEqual(range(1, 30))
      expect(r.doc.getMap<Y.Map<unknown>>('notes').get('note:29')?.get('text')).toBe('edited in 30')
      expect(storage.corruption.snapshot().rows).toEqual([{ session: SESSION, seq: 20, kind: 'checkpoint', reason: 'checksum' }])
    }
  })

  it('replays the whole log when every checkpoint is corrupt', async () => {
    const { storage, raw } = await writeSession()
    const db = raw()
    corrupt(db, 'checkpoints', 20)
    corrupt(db, 'checkpoints', 10, new Uint8Array([1, 2, 3]))
    db.close()
    const r = await rebuildDoc(storage, SESSION)
    expect(r.checkpoint).toBeNull()
    expect(noteIds(r.doc)).toEqual(range(1, 30))
    expect(storage.corruption.snapshot().rows.map((c) => c.seq)).toEqual([20, 10])
  })

  it('skips a corrupt log row, drops what built on it, and leaves nothing pending', async () => {
    const { storage, raw } = await writeSession()
    const db = raw()
    corrupt(db, 'updates', 25)
    db.close()
    const r = await rebuildDoc(storage, SESSION)
    // 26 set text on note 25, which is gone: that part is dropped, note 26 stays. 28 and 29 come
    // from the clients of 25 and 26 and cannot follow the gaps in their clocks; 30 set text on
    // note 29. Only 27 is whole.
    expect(noteIds(r.doc)).toEqual([...range(1, 24), 'note:26', 'note:27', 'note:30'])
    expect(r.doc.getMap<Y.Map<unknown>>('notes').get('note:26')?.get('text')).toBe('edited in 27')
    expect(r.doc.getMap<Y.Map<unknown>>('notes').get('note:24')?.has('text')).toBe(false)
    expect(r.doc.store.pendingStructs).toBeNull()
    expect(r.doc.store.pendingDs).toBeNull()
    expect(r.skipped).toEqual([
      { seq: 25, kind: 'update', reason: 'checksum' },
      { seq: 26, kind: 'update', reason: 'missingDependency' },
      { seq: 28, kind: 'update', reason: 'missingDependency' },
      { seq: 29, kind: 'update', reason: 'missingDependency' },
      { seq: 30, kind: 'update', reason: 'missingDependency' },
    ])
    expect(r.seq).toBe(30)
    expect(storage.corruption.snapshot().rows.map((c) => [c.seq, c.kind, c.reason])).toEqual([
      [25, 'update', 'checksum'],
      [26, 'update', 'missingDependency'],
      [28, 'update', 'missingDependency'],
      [29, 'update', 'missingDependency'],
      [30, 'update', 'missingDependency'],
    ])
  })

  it('checks rows written before checksums by decoding them', async () => {
    const { storage, raw } = await writeSession()
    const db = raw()
    corrupt(db, 'updates', 27, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x01]))
    db.prepare('UPDATE updates SET checksum = NULL').run()
    db.prepare('UPDATE checkpoints SET checksum = NULL').run()
    db.close()
    const r = await rebuildDoc(storage, SESSION)
    expect(r.skipped[0]).toEqual({ seq: 27, kind: 'update', reason: 'decode' })
    // 30 is by 27's client and cannot follow the gap.
    expect(noteIds(r.doc)).toEqual([...range(1, 26), 'note:28', 'note:29'])
    expect(r.doc.store.pendingStructs).toBeNull()
  })

  it('rebuilds the state at a seq from the good checkpoint at or before it', async () => {
    const { storage, raw } = await writeSession()
    const db = raw()
    corrupt(db, 'checkpoints', 10)
    db.close()
    const r = await rebuildDoc(storage, SESSION, 15)
    expect(r.checkpoint).toBeNull()
    expect(noteIds(r.doc)).toEqual(range(1, 15))
  })
})

describe('loadDoc', () => {
  it('keeps the log’s last seq even when that row is corrupt, so new updates never reuse it', async () => {
    const { storage, raw } = await writeSession()
    const db = raw()
    corrupt(db, 'updates', 30)
    db.close()
    const loaded = await loadDoc(storage, SESSION)
    expect(loaded.seq).toBe(30)
    expect(loaded.checkpointSeq).toBe(20)
    expect(loaded.skipped).toBe(1)
    expect(loaded.fullState).toBeNull()
    expect(noteIds(loaded.doc)).toEqual(range(1, 29))
  })
})
