// The timeline built by passing over board content (timelineScan.ts) against the obvious build
// (every update applied on its own, observers on), on a seeded random session that mixes board
// edits with everything the timeline reports, and with corrupt and unchecksummed rows in the log.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { PHASES, Root, seededRandom, voteKey } from '@sandbox/shared'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { tempDataDir } from '../testing/harness.ts'
import type { Storage } from '../storage/Storage.ts'
import { TimelineIndex } from './timeline.ts'

const SESSION = 'session_for_timeline_scan_tests0'
const START = 1_700_000_000_000
const dirs: string[] = []
const stores: SqliteStorage[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

interface Row {
  seq: number
  at: number
  participantId: string | null
  update: Uint8Array
}

/** A session written by a server doc and four people, every update delivered to everyone in log order. */
function session(seed: number, updates: number): Row[] {
  const random = seededRandom(seed)
  const server = new Y.Doc()
  const people = Array.from({ length: 4 }, () => new Y.Doc())
  const everyone = [server, ...people]
  const rows: Row[] = []
  let at = START
  const write = (doc: Y.Doc, participantId: string | null, fn: () => void) => {
    let update: Uint8Array | null = null
    const take = (u: Uint8Array) => (update = u)
    doc.on('update', take)
    doc.transact(fn)
    doc.off('update', take)
    if (!update) return
    at += random() < 0.02 ? 20_000 : Math.floor(random() * 2_000)
    rows.push({ seq: rows.length + 1, at, participantId, update })
    for (const other of everyone) if (other !== doc) Y.applyUpdate(other, update)
  }
  const shapes: string[] = []
  let phase = 0
  while (rows.length < updates) {
    const who = Math.floor(random() * people.length)
    const doc = people[who] as Y.Doc
    const pid = `p_${who}`
    const records = doc.getMap<Y.Map<unknown>>(Root.records)
    const roll = random()
    if (roll < 0.03) {
      write(server, null, () => server.getMap(Root.session).set('phase', PHASES[(phase = (phase + 1) % PHASES.length)]))
    } else if (roll < 0.06) {
      write(server, null, () => server.getMap(Root.participants).set(pid, { id: pid, name: `P${who}`, color: '#112233', role: 'participant', joinedAt: at }))
    } else if (roll < 0.1) {
      const id = `task_${Math.floor(random() * 5)}`
      const owner = random() < 0.5 ? { ownerId: pid, ownerName: `P${who}` } : { ownerId: null, ownerName: null }
      write(server, null, () => server.getMap(Root.tasks).set(id, { id, title: `T ${id}`, ...owner, status: 'todo', sourceShapeIds: [], createdAt: START }))
    } else if (roll < 0.12) {
      write(server, null, () => server.getMap(Root.session).set(random() < 0.5 ? 'stickiesRevealedAt' : 'votesRevealedAt', at))
    } else if (roll < 0.2 && shapes.length > 0) {
      const key = voteKey(pid, shapes[Math.floor(random() * shapes.length)] as string)
      const votes = doc.getMap<number>(Root.votes)
      // Sometimes twice in one transaction: the second entry's origin is the first, inside the same update.
      write(doc, pid, () => {
        if (random() < 0.3) votes.delete(key)
        else votes.set(key, (votes.get(key) ?? 0) + 1)
        if (random() < 0.2) votes.set(key, (votes.get(key) ?? 0) + 1)
      })
    } else if (roll < 0.27 || shapes.length === 0) {
      const id = `shape:${rows.length}`
      shapes.push(id)
      write(doc, pid, () => {
        const record = new Y.Map<unknown>()
        record.set('xy', [0, 0])
        const lines = new Y.Array<string>()
        lines.push(['a', 'b'])
        record.set('lines', lines)
        records.set(id, record)
        // A board edit and a vote in one update: not quiet.
        if (random() < 0.1) doc.getMap(Root.votes).set(voteKey(pid, id), 1)
      })
    } else if (roll < 0.3) {
      const id = shapes.splice(Math.floor(random() * shapes.length), 1)[0] as string
      write(doc, pid, () => records.delete(id))
    } else {
      const record = records.get(shapes[Math.floor(random() * shapes.length)] as string)
      write(doc, pid, () => {
        if (random() < 0.8) record?.set('xy', [Math.floor(random() * 1000), Math.floor(random() * 1000)])
        else (record?.get('lines') as Y.Array<string> | undefined)?.insert(1, ['x'])
      })
    }
  }
  for (const d of everyone) d.destroy()
  return rows
}

async function store(rows: readonly Row[]): Promise<SqliteStorage> {
  const dir = tempDataDir()
  dirs.push(dir)
  const storage = new SqliteStorage(dir)
  stores.push(storage)
  await storage.createSession({ id: SESSION, title: 't', createdAt: START, tokenHashes: { participant: 'a', facilitator: 'b', viewer: 'c' } })
  await storage.appendUpdates(rows.map((r) => ({ sessionId: SESSION, ...r })))
  return storage
}

/** Flips a byte of each row in `corrupt` (its checksum no longer matches) and drops the checksum of each row in `unchecked`. */
function damage(storage: SqliteStorage, corrupt: readonly number[], unchecked: readonly number[]): void {
  const raw = new Database(storage.file)
  for (const seq of corrupt) {
    const { bytes } = raw.prepare('SELECT bytes FROM updates WHERE session_id = ? AND seq = ?').get(SESSION, seq) as { bytes: Buffer }
    const copy = Buffer.from(bytes)
    copy.writeUInt8(copy.readUInt8(copy.length >> 1) ^ 0x5a, copy.length >> 1)
    raw.prepare('UPDATE updates SET bytes = ? WHERE session_id = ? AND seq = ?').run(copy, SESSION, seq)
  }
  for (const seq of unchecked) raw.prepare('UPDATE updates SET checksum = NULL WHERE session_id = ? AND seq = ?').run(SESSION, seq)
  raw.close()
}

async function both(storage: SqliteStorage) {
  const fast = new TimelineIndex(storage)
  const exact = new TimelineIndex(storage, { passOverBoardContent: false })
  try {
    return { fast: await fast.timeline(SESSION, START), exact: await exact.timeline(SESSION, START), fastIndex: fast, exactIndex: exact }
  } catch (error) {
    fast.close()
    exact.close()
    throw error
  }
}

describe('passing over board content', () => {
  it('gives the same timeline as applying every update on its own', async () => {
    for (const seed of [1, 2, 3]) {
      const storage = await store(session(seed, 1_500))
      const { fast, exact, fastIndex, exactIndex } = await both(storage)
      expect(fast.events.length).toBeGreaterThan(50)
      expect(new Set(fast.events.map((e) => e.type))).toEqual(new Set(['phase', 'join', 'task', 'owner', 'vote', 'reveal']))
      expect(fast).toEqual(exact)
      fastIndex.close()
      exactIndex.close()
    }
  })

  it('gives the same timeline when extended with later updates', async () => {
    const rows = session(4, 1_200)
    const storage = await store(rows.slice(0, 700))
    const first = await both(storage)
    expect(first.fast).toEqual(first.exact)
    await storage.appendUpdates(rows.slice(700).map((r) => ({ sessionId: SESSION, ...r })))
    const fast = await first.fastIndex.timeline(SESSION, START)
    const exact = await first.exactIndex.timeline(SESSION, START)
    expect(fast.updates).toBe(1_200)
    expect(fast).toEqual(exact)
    first.fastIndex.close()
    first.exactIndex.close()
  })

  it('gives the same timeline, and reports the same rows, with corrupt and unchecksummed rows in the log', async () => {
    const rows = session(5, 1_500)
    const damaged = async () => {
      const storage = await store(rows)
      damage(storage, [40, 41, 300, 777, 1_200], [2, 90, 91, 500, 1_000])
      return storage
    }
    const a = await damaged()
    const b = await damaged()
    const fastIndex = new TimelineIndex(a)
    const exactIndex = new TimelineIndex(b, { passOverBoardContent: false })
    const fast = await fastIndex.timeline(SESSION, START)
    const exact = await exactIndex.timeline(SESSION, START)
    expect(fast.skippedUpdates).toBeGreaterThanOrEqual(5)
    expect(fast).toEqual(exact)
    const reported = (s: SqliteStorage) => s.corruption.snapshot().rows.map((r) => [r.seq, r.reason])
    expect(reported(a)).toEqual(reported(b))
    fastIndex.close()
    exactIndex.close()
  })
})

/** The log rows each build reads, counted on the way out of storage. */
function counting(storage: Storage): { storage: Storage; rowsRead: () => number } {
  let rows = 0
  const counted = Object.create(storage) as Storage
  counted.updatesPage = async (...args) => {
    const page = await storage.updatesPage(...args)
    rows += page.length
    return page
  }
  return { storage: counted, rowsRead: () => rows }
}

describe('the timeline summary stored beside the checkpoints', () => {
  it('gives the same timeline, and reports the same rows, when a fresh build starts from it and reads only the log after it', async () => {
    for (const [seed, split] of [[6, 300], [7, 777], [8, 1_299]] as const) {
      const rows = session(seed, 1_500)
      const corrupt = [40, 41, 300, 777, 1_200].filter((seq) => seq !== split)
      const a = await store(rows.slice(0, split))
      damage(a, corrupt.filter((seq) => seq <= split), [2, 90, 500])
      const before = new TimelineIndex(a, { summaryEveryUpdates: 1 })
      await before.advance(SESSION)
      before.close()
      expect((await a.timelineSummary(SESSION))?.seq).toBe(split)
      await a.appendUpdates(rows.slice(split).map((r) => ({ sessionId: SESSION, ...r })))
      damage(a, corrupt.filter((seq) => seq > split), [1_000])
      const b = await store(rows)
      damage(b, corrupt, [2, 90, 500, 1_000])

      // A fresh process: the same storage, an empty cache, and a new report of corrupt rows.
      const reopened = new SqliteStorage(path.dirname(a.file))
      stores.push(reopened)
      const { storage, rowsRead } = counting(reopened)
      const restored = new TimelineIndex(storage)
      const exact = new TimelineIndex(b, { passOverBoardContent: false })
      const fast = await restored.timeline(SESSION, START)
      expect(rowsRead()).toBe(1 + 1_500 - split)
      expect(fast).toEqual(await exact.timeline(SESSION, START))
      const reported = (s: Storage) => s.corruption.snapshot().rows.map((r) => [r.seq, r.reason]).sort()
      expect(reported(reopened)).toEqual(reported(b))
      restored.close()
      exact.close()
    }
  })

  it('is passed over, and the whole log read, when it does not match the log or cannot be read', async () => {
    const rows = session(9, 1_200)
    const other = session(10, 1_200)
    const a = await store(rows)
    const b = await store(other)
    const exactOf = async (s: Storage) => {
      const index = new TimelineIndex(s, { passOverBoardContent: false, summaries: false })
      const timeline = await index.timeline(SESSION, START)
      index.close()
      return timeline
    }
    const build = async (s: Storage) => {
      const { storage, rowsRead } = counting(s)
      const index = new TimelineIndex(storage)
      const timeline = await index.timeline(SESSION, START)
      index.close()
      return { timeline, rowsRead: rowsRead() }
    }
    const writer = new TimelineIndex(a, { summaryEveryUpdates: 1 })
    await writer.advance(SESSION)
    writer.close()
    const summary = await a.timelineSummary(SESSION)
    expect(summary?.seq).toBe(1_200)

    // Another log under the same session (a restored backup): the fingerprint differs.
    await b.putTimelineSummary(SESSION, summary!)
    const onOther = await build(b)
    expect(onOther.rowsRead).toBe(1 + 1_200) // the row it ends at, then the whole log
    expect(onOther.timeline).toEqual(await exactOf(b))

    // Its bytes changed on disk; then bytes that are not a summary under a good checksum.
    const raw = new Database(a.file)
    raw.prepare('UPDATE timeline_summaries SET checksum = checksum + 1').run()
    expect((await build(a)).rowsRead).toBe(1_200)
    raw.prepare('UPDATE timeline_summaries SET data = ?, checksum = ?').run(Buffer.from('not a summary'), zlib.crc32(Buffer.from('not a summary')))
    raw.close()
    const garbled = await build(a)
    expect(garbled.rowsRead).toBe(1_200)
    expect(garbled.timeline).toEqual(await exactOf(a))

    // A fresh build writes over the damaged summary; it ends past a log now shorter (an older
    // backup restored), so there it is passed over.
    const rewriter = new TimelineIndex(a, { summaryEveryUpdates: 1 })
    await rewriter.advance(SESSION)
    rewriter.close()
    expect((await build(a)).rowsRead).toBe(1)
    const shorter = await store(rows.slice(0, 600))
    await shorter.putTimelineSummary(SESSION, (await a.timelineSummary(SESSION))!)
    expect((await build(shorter)).rowsRead).toBe(600)
  })
})

