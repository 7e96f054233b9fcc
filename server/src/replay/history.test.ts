// stateAt against a real SqliteStorage: the log prefix at a moment, whatever checkpoints exist.
import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Root } from '@sandbox/shared'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { tempDataDir } from '../testing/harness.ts'
import { encodeFeed, stateAt, stateAtSeq } from './history.ts'
import { TimelineIndex } from './timeline.ts'

const SESSION = 'session_for_history_tests_00000'
const START = 1_700_000_000_000
const dirs: string[] = []
const stores: SqliteStorage[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/** 60 updates from three clients, one second apart; update i sets `shape:(i % 7)` to i. Made once,
 * so every storage below holds the same log (concurrent writes resolve by client id). */
const LOG: { seq: number; at: number; update: Uint8Array }[] = (() => {
  const clients = [new Y.Doc(), new Y.Doc(), new Y.Doc()]
  const log: { seq: number; at: number; update: Uint8Array }[] = []
  for (let seq = 1; seq <= 60; seq += 1) {
    const client = clients[seq % 3] as Y.Doc
    client.once('update', (update: Uint8Array) => log.push({ seq, at: START + seq * 1000, update }))
    client.getMap(Root.records).set(`shape:${seq % 7}`, seq)
  }
  return log
})()

function writeLog(checkpointEvery: number | null, checkpointAt?: (seq: number, at: number) => number): SqliteStorage {
  const dir = tempDataDir()
  dirs.push(dir)
  const storage = new SqliteStorage(dir)
  stores.push(storage)
  storage.createSession({ id: SESSION, title: 't', createdAt: START, tokenHashes: { participant: 'a', facilitator: 'b', viewer: 'c' } })
  const room = new Y.Doc()
  for (const { seq, at, update } of LOG) {
    Y.applyUpdate(room, update)
    storage.appendUpdates([{ sessionId: SESSION, seq, at, participantId: `p${seq % 3}`, update }])
    if (checkpointEvery && seq % checkpointEvery === 0) storage.writeCheckpoint(SESSION, { seq, at: checkpointAt?.(seq, at) ?? at, state: Y.encodeStateAsUpdate(room) })
  }
  return storage
}

const records = (state: Uint8Array): unknown => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc.getMap(Root.records).toJSON()
}

describe('stateAt', () => {
  it('is the same with or without checkpoints, at every moment', () => {
    const plain = writeLog(null)
    const checkpointed = writeLog(7)
    for (let at = START - 500; at <= START + 61_000; at += 500) {
      expect(records(stateAt(checkpointed, SESSION, at))).toEqual(records(stateAt(plain, SESSION, at)))
    }
    expect(records(stateAt(plain, SESSION, START + 2_500))).toEqual({ 'shape:1': 1, 'shape:2': 2 })
    expect(records(stateAt(plain, SESSION, START - 1))).toEqual({})
  })

  it('does not trust a checkpoint time that lies (a checkpoint stamped 0 shows no future)', () => {
    const storage = writeLog(10, (seq, at) => (seq === 40 ? 0 : at))
    expect(records(stateAt(storage, SESSION, START - 1))).toEqual({})
    expect(records(stateAt(storage, SESSION, START + 2_000))).toEqual({ 'shape:1': 1, 'shape:2': 2 })
  })

  it('falls back to the log when a checkpoint cannot be read', () => {
    const good = writeLog(null)
    const broken = writeLog(null)
    broken.writeCheckpoint(SESSION, { seq: 30, at: START + 30_000, state: new Uint8Array([255, 255, 255, 1]) })
    expect(records(stateAtSeq(broken, SESSION, 35))).toEqual(records(stateAtSeq(good, SESSION, 35)))
  })
})

describe('feed and timeline', () => {
  it('encodes every update with its author and time', () => {
    const storage = writeLog(null)
    const updates = storage.updatesAfter(SESSION, 0, undefined, 5)
    const body = encodeFeed(updates, null, true, 0)
    const headerBytes = body.readUInt32LE(0)
    const header = JSON.parse(body.subarray(4, 4 + headerBytes).toString()) as { participants: string[]; lastSeq: number }
    expect(header.lastSeq).toBe(5)
    let offset = 4 + headerBytes
    const seen: { seq: number; at: number; author: string | undefined }[] = []
    while (offset < body.length) {
      const seq = body.readUInt32LE(offset)
      const at = body.readDoubleLE(offset + 4)
      const author = header.participants[body.readUInt16LE(offset + 12)]
      offset += 18 + body.readUInt32LE(offset + 14)
      seen.push({ seq, at, author })
    }
    expect(seen).toEqual(updates.map((u) => ({ seq: u.seq, at: u.at, author: u.participantId ?? undefined })))
  })

  it('marks quiet gaps and extends the timeline with later updates only', async () => {
    const storage = writeLog(null)
    const index = new TimelineIndex(storage)
    expect(await index.timeline(SESSION, START)).toMatchObject({ start: START, end: START + 60_000, updates: 60, gaps: [] })
    const doc = new Y.Doc()
    let update: Uint8Array | null = null
    doc.once('update', (u: Uint8Array) => (update = u))
    doc.getMap(Root.session).set('phase', 'frame')
    storage.appendUpdates([{ sessionId: SESSION, seq: 61, at: START + 120_000, participantId: null, update: update as unknown as Uint8Array }])
    const timeline = await index.timeline(SESSION, START)
    expect(timeline.gaps).toEqual([{ from: START + 60_000, to: START + 120_000 }])
    expect(timeline.events).toEqual([{ type: 'phase', at: START + 120_000, seq: 61, phase: 'frame', from: null }])
    index.close()
  })
})
