// stateAt against a real SqliteStorage: the log prefix at a moment, whatever checkpoints exist.
import fs from 'node:fs'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { decodeFeed, Root } from '@sandbox/shared'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { tempDataDir } from '../testing/harness.ts'
import { CorruptHistoryError, encodeFeedPage, feedPage, readStateAtSeq, stateAt, stateAtSeq } from './history.ts'
import { TimelineIndex } from './timeline.ts'

const SESSION = 'session_for_history_tests_00000'
const START = 1_700_000_000_000
const dirs: string[] = []
const stores: SqliteStorage[] = []
afterEach(async () => {
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

async function writeLog(checkpointEvery: number | null, checkpointAt?: (seq: number, at: number) => number): Promise<SqliteStorage> {
  const dir = tempDataDir()
  dirs.push(dir)
  const storage = new SqliteStorage(dir)
  stores.push(storage)
  await storage.createSession({ id: SESSION, title: 't', createdAt: START, tokenHashes: { participant: 'a', facilitator: 'b', viewer: 'c' } })
  const room = new Y.Doc()
  for (const { seq, at, update } of LOG) {
    Y.applyUpdate(room, update)
    await storage.appendUpdates([{ sessionId: SESSION, seq, at, participantId: `p${seq % 3}`, update }])
    if (checkpointEvery && seq % checkpointEvery === 0) await storage.writeCheckpoint(SESSION, { seq, at: checkpointAt?.(seq, at) ?? at, state: Y.encodeStateAsUpdate(room) })
  }
  return storage
}

const records = (state: Uint8Array): unknown => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc.getMap(Root.records).toJSON()
}

describe('stateAt', () => {
  it('is the same with or without checkpoints, at every moment', async () => {
    const plain = await writeLog(null)
    const checkpointed = await writeLog(7)
    for (let at = START - 500; at <= START + 61_000; at += 500) {
      expect(records(await stateAt(checkpointed, SESSION, at))).toEqual(records(await stateAt(plain, SESSION, at)))
    }
    expect(records(await stateAt(plain, SESSION, START + 2_500))).toEqual({ 'shape:1': 1, 'shape:2': 2 })
    expect(records(await stateAt(plain, SESSION, START - 1))).toEqual({})
  })

  it('does not trust a checkpoint time that lies (a checkpoint stamped 0 shows no future)', async () => {
    const storage = await writeLog(10, (seq, at) => (seq === 40 ? 0 : at))
    expect(records(await stateAt(storage, SESSION, START - 1))).toEqual({})
    expect(records(await stateAt(storage, SESSION, START + 2_000))).toEqual({ 'shape:1': 1, 'shape:2': 2 })
  })

  it('falls back to the log when a checkpoint cannot be read', async () => {
    const good = await writeLog(null)
    const broken = await writeLog(null)
    await broken.writeCheckpoint(SESSION, { seq: 30, at: START + 30_000, state: new Uint8Array([255, 255, 255, 1]) })
    expect(records(await stateAtSeq(broken, SESSION, 35))).toEqual(records(await stateAtSeq(good, SESSION, 35)))
  })
})

describe('feed and timeline', () => {
  it('encodes every update with its author and time', async () => {
    const storage = await writeLog(null)
    const updates = await storage.updatesAfter(SESSION, 0, undefined, 5)
    const feed = decodeFeed(encodeFeedPage({ checkpoint: null, updates, skipped: [], reached: 0, more: true }))
    expect(feed?.header.lastSeq).toBe(5)
    const seen = feed?.updates.map((u) => ({ seq: u.seq, at: u.at, author: u.author ?? undefined }))
    expect(seen).toEqual(updates.map((u) => ({ seq: u.seq, at: u.at, author: u.participantId ?? undefined })))
  })

  it('marks quiet gaps and extends the timeline with later updates only', async () => {
    const storage = await writeLog(null)
    const index = new TimelineIndex(storage)
    expect(await index.timeline(SESSION, START)).toMatchObject({ start: START, end: START + 60_000, updates: 60, gaps: [] })
    const doc = new Y.Doc()
    let update: Uint8Array | null = null
    doc.once('update', (u: Uint8Array) => (update = u))
    doc.getMap(Root.session).set('phase', 'frame')
    await storage.appendUpdates([{ sessionId: SESSION, seq: 61, at: START + 120_000, participantId: null, update: update as unknown as Uint8Array }])
    const timeline = await index.timeline(SESSION, START)
    expect(timeline.gaps).toEqual([{ from: START + 60_000, to: START + 120_000 }])
    expect(timeline.events).toEqual([{ type: 'phase', at: START + 120_000, seq: 61, phase: 'frame', from: null }])
    index.close()
  })
})

/** Overwrites a byte in the middle of log row `seq` (its checksum stays as written). */
function corruptRow(storage: SqliteStorage, seq: number): void {
  const raw = new Database(storage.file)
  const row = raw.prepare('SELECT bytes FROM updates WHERE session_id = ? AND seq = ?').get(SESSION, seq) as { bytes: Buffer }
  const bytes = Buffer.from(row.bytes)
  bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0x5a, bytes.length >> 1)
  raw.prepare('UPDATE updates SET bytes = ? WHERE session_id = ? AND seq = ?').run(bytes, SESSION, seq)
  raw.close()
}

describe('corrupt history', () => {
  it('leaves a corrupt row out of the state at a moment and says so; with nothing readable it refuses', async () => {
    const storage = await writeLog(7)
    corruptRow(storage, 30)
    // Checkpoints at 28 and 35: the state at 33 is checkpoint 28 plus 29…33.
    const read = await readStateAtSeq(storage, SESSION, 33)
    expect(read.skipped).toEqual([
      { seq: 30, kind: 'update', reason: 'checksum' },
      { seq: 33, kind: 'update', reason: 'missingDependency' },
    ])
    // The reference: the log up to 33 without row 30, into a plain document, with no checkpoint.
    // Update 33 comes from 30's client and cannot follow the gap in its clock.
    const reference = new Y.Doc()
    for (const { seq, update } of LOG) if (seq <= 33 && seq !== 30) Y.applyUpdate(reference, update)
    expect(reference.store.pendingStructs).not.toBeNull()
    expect(records(read.state)).toEqual(reference.getMap(Root.records).toJSON())
    // A checkpoint after the corrupt row holds it: later moments lose nothing.
    expect(records(await stateAtSeq(storage, SESSION, 42))).toEqual(records(await stateAtSeq(await writeLog(null), SESSION, 42)))
    expect(storage.corruption.snapshot().rows.map((c) => c.seq)).toEqual([30, 33])
    expect((await readStateAtSeq(storage, SESSION, 42)).skippedCount).toBe(0)

    const seedless = await writeLog(null)
    corruptRow(seedless, 1)
    await expect(readStateAtSeq(seedless, SESSION, 1)).rejects.toThrow(CorruptHistoryError)
  })

  it('a feed page leaves corrupt rows out, names them, and still moves past them', async () => {
    const storage = await writeLog(null)
    corruptRow(storage, 4)
    corruptRow(storage, 5)
    const page = await feedPage(storage, SESSION, 0, 5, null)
    expect(page.updates.map((u) => u.seq)).toEqual([1, 2, 3])
    expect(page.skipped).toEqual([4, 5])
    expect(page.reached).toBe(5)
    expect(page.more).toBe(true)
    expect(decodeFeed(encodeFeedPage(page))?.header).toMatchObject({ lastSeq: 5, more: true })
  })

  it('the timeline skips corrupt rows instead of failing', async () => {
    const storage = await writeLog(null)
    corruptRow(storage, 10)
    const index = new TimelineIndex(storage)
    const timeline = await index.timeline(SESSION, START)
    expect(timeline).toMatchObject({ updates: 60, end: START + 60_000 })
    expect(timeline.skippedUpdates).toBeGreaterThanOrEqual(1)
    expect(storage.corruption.snapshot().rows[0]).toMatchObject({ session: SESSION, seq: 10, kind: 'update' })
    index.close()
  })
})

describe('bounded answers', () => {
  it('the state of a board with a long overwrite history is the size of the board, not of the history', async () => {
    const dir = tempDataDir()
    dirs.push(dir)
    const storage = new SqliteStorage(dir)
    stores.push(storage)
    // One drawing whose whole record (20 kB of points) is rewritten on every pointer move.
    const room = new Y.Doc()
    const points = 'x'.repeat(20_000)
    const tail: Uint8Array[] = []
    for (let seq = 1; seq <= 800; seq++) {
      let update: Uint8Array | null = null
      room.once('update', (u: Uint8Array) => (update = u))
      room.getMap(Root.records).set('shape:drawing', { points, version: seq })
      await storage.appendUpdates([{ sessionId: SESSION, seq, at: START + seq, participantId: null, update: update as unknown as Uint8Array }])
      if (seq === 300) (await storage.writeCheckpoint(SESSION, { seq, at: START + seq, state: Y.encodeStateAsUpdate(room) }))
      if (seq > 300) tail.push(update as unknown as Uint8Array)
    }
    const state = await stateAt(storage, SESSION, START + 800)
    const checkpoint = (await storage.latestCheckpoint(SESSION))?.state as Uint8Array
    const merged = Y.mergeUpdates([checkpoint, ...tail])
    console.log(`state of a 20 kB board after 800 overwrites: ${state.length} bytes (merging the checkpoint and the tail without a document: ${merged.length} bytes)`)
    expect((records(state) as Record<string, { version: number }>)['shape:drawing']?.version).toBe(800)
    expect(state.length).toBeLessThan(2 * points.length)
    expect(merged.length).toBeGreaterThan(100 * points.length)
  })

  it('a feed page holds at most the byte cap of updates, however many are asked for', async () => {
    const storage = await writeLog(null)
    const sizes = (await storage.updatesAfter(SESSION, 0)).map((u) => u.update.length)
    const cap = sizes.slice(0, 10).reduce((a, b) => a + b, 0)
    const page = await feedPage(storage, SESSION, 0, 20_000, null, cap)
    expect(page.updates.map((u) => u.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1))
    expect(page).toMatchObject({ reached: 10, more: true })
    // The checkpoint counts against the cap.
    const withCheckpoint = await writeLog(7)
    const cp = await withCheckpoint.latestCheckpoint(SESSION, START + 21_000)
    const small = await feedPage(withCheckpoint, SESSION, 0, 20_000, cp, (cp?.state.length ?? 0) + 1)
    expect(small.updates.map((u) => u.seq)).toEqual([22])
  })

  it('the timeline cache is bounded by bytes and forgets what nobody asked for', async () => {
    const storage = await writeLog(null)
    const other = 'other_session_for_history_tests'
    for (const u of (await storage.updatesAfter(SESSION, 0))) (await storage.appendUpdates([{ sessionId: other, seq: u.seq, at: u.at, participantId: null, update: u.update }]))
    const roomy = new TimelineIndex(storage)
    await roomy.timeline(SESSION, START)
    await roomy.timeline(other, START)
    expect(roomy.size.sessions).toBe(2)
    const oneDoc = roomy.size.bytes / 2
    roomy.close()

    const tight = new TimelineIndex(storage, { maxBytes: Math.ceil(oneDoc * 1.5) })
    await tight.timeline(SESSION, START)
    await tight.timeline(other, START)
    expect(tight.size.sessions).toBe(1)
    expect(tight.size.bytes).toBeLessThanOrEqual(Math.ceil(oneDoc * 1.5))
    // Evicted timelines come back the same.
    expect(await tight.timeline(SESSION, START)).toMatchObject({ updates: 60, end: START + 60_000 })
    tight.close()

    const brief = new TimelineIndex(storage, { ttlMs: 20 })
    await brief.timeline(SESSION, START)
    await new Promise((r) => setTimeout(r, 40))
    await brief.timeline(other, START)
    expect(brief.size.sessions).toBe(1)
    brief.close()
  })
})
