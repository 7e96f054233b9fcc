// Replay seek benchmark: generates a long session (default 100,000 updates: 20 participants, a
// few hundred stickies, drags, votes, phase changes, tasks) straight into a SqliteStorage in a
// temp dir, with checkpoints as a live room writes them (spaced by size and thinned,
// server/src/rooms/checkpointPolicy.ts; `--every N`: every N updates, as before that), then
// measures server-side `stateAt` over random moments, the cold timeline build, and what the
// replay page pays client-side (feed size, building snapshots, loading one).
//
//   node bench/replaySeek.ts [--updates 100000] [--samples 200] [--every 500]
//
// bench/run.ts calls `runReplaySeekBench({ updates })`.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import * as Y from 'yjs'
import { PHASES, POSITION_KEY, seededRandom, recordToYMap, Root, SERVER_ORIGIN, voteKey, type Participant, type Task } from '@sandbox/shared'
import { seedSessionDoc } from '@sandbox/shared/seed'
import { noteRecord as noteRecordOf } from './docs.ts'
import { SqliteStorage } from '../server/src/storage/SqliteStorage.ts'
import type { SessionRow, Storage, UpdateToAppend } from '../server/src/storage/Storage.ts'
import { encodeFeedPage, stateAt } from '../server/src/replay/history.ts'
import { TimelineIndex } from '../server/src/replay/timeline.ts'
import { checkpointsToThin, DEFAULT_CHECKPOINT_SPACING, dueForCheckpoint } from '../server/src/rooms/checkpointPolicy.ts'
import { CHECKPOINT_DEFLATE_LEVEL } from '../server/src/storage/rows.ts'

export interface ReplaySeekOptions {
  updates: number
  /** Random moments to seek to. Default 200. */
  samples?: number
  participants?: number
  /** A checkpoint every this many updates (the rule before checkpointPolicy.ts); default: the room's policy. */
  checkpointEveryUpdates?: number
  /** Keep the generated database (and print where) instead of deleting it. */
  keep?: boolean
}

export interface ReplaySeekResult {
  updates: number
  /** Checkpoints kept at the end (written, minus thinned). */
  checkpoints: number
  /** The session's stored bytes (log rows + checkpoints) ÷ (update bytes + final document bytes). */
  storedRatio: number
  samples: number
  p50Ms: number
  p95Ms: number
  maxMs: number
  generateMs: number
  /** First `/timeline` request on a cold server: the whole log replayed once. */
  timelineColdMs: number
  timelineEvents: number
  /** The final document, encoded (≈ one checkpoint, one client snapshot). */
  docBytes: number
  /** The whole `/updates` feed, all chunks together. */
  feedBytes: number
  /** Client side: applying the whole feed into one replay doc, one update at a time. */
  buildReplayDocMs: number
  /** Client side: loading the final snapshot into a fresh doc (the worst backward seek). */
  loadSnapshotMs: number
  dataDir: string | null
}

const STICKIES = 300
const SESSION_MS = 90 * 60_000
const SEED = 0x5eed

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? 0
const round = (ms: number): number => Math.round(ms * 100) / 100

const noteRecord = (id: string, x: number, y: number, text: string, index: number) =>
  noteRecordOf(id, x, y, text, `a${index.toString(36).padStart(4, '0')}`)

/**
 * Writes a session like a live room would: every participant edits through their own Y.Doc
 * (their own Yjs client id), the room doc applies it and the log stores it with the author's id
 * and a server time; the room checkpoints every `checkpointEvery` updates, or (null) as a live
 * room does: by checkpointPolicy.ts, thinning after each checkpoint.
 */
export async function generateSession(
  storage: Storage,
  sessionId: string,
  opts: { updates: number; participants: number; checkpointEvery: number | null; tokenHashes?: SessionRow['tokenHashes'] },
): Promise<{ start: number; end: number; checkpoints: number }> {
  const random = seededRandom(SEED)
  const start = Date.UTC(2025, 0, 6, 9, 0, 0)
  await storage.createSession({ id: sessionId, title: 'Replay bench', createdAt: start, tokenHashes: opts.tokenHashes ?? { participant: 'x', facilitator: 'y', viewer: 'z' } })
  const room = new Y.Doc()
  const people = Array.from({ length: opts.participants }, (_, i) => ({ id: `p_bench${String(i).padStart(2, '0')}`, doc: new Y.Doc(), stickies: [] as string[] }))
  let seq = 0
  let at = start
  let checkpoints = 0
  let pending: UpdateToAppend[] = []
  const stepMs = SESSION_MS / opts.updates
  // Writes start at once (SQLite commits before the call returns) and are awaited at the end;
  // checkpoints (deflated on the thread pool) and thinning run one after the other, in order.
  const writes: Promise<unknown>[] = []
  let checkpointChain: Promise<unknown> = Promise.resolve()
  // A room's checkpoint is written (and the log it covers packed) long before the next thousands
  // of updates arrive: the generator waits for each one before going on, as time would.
  let checkpointWritten: Promise<unknown> | null = null
  const since = { updates: 0, updateBytes: 0, checkpointBytes: 0 }
  const log = (update: Uint8Array, participantId: string | null) => {
    seq += 1
    // Bursts of activity with the odd quiet minute, like a real meeting.
    at += random() < 0.0004 ? 30_000 + Math.floor(random() * 90_000) : Math.floor(random() * stepMs * 2)
    Y.applyUpdate(room, update, SERVER_ORIGIN)
    pending.push({ sessionId, seq, at, participantId, update })
    if (pending.length >= 1000) {
      writes.push(storage.appendUpdates(pending))
      pending = []
    }
    since.updates += 1
    since.updateBytes += update.length
    const due = opts.checkpointEvery === null ? dueForCheckpoint(since, DEFAULT_CHECKPOINT_SPACING) : seq % opts.checkpointEvery === 0
    if (due) {
      writes.push(storage.appendUpdates(pending))
      pending = []
      const state = Y.encodeStateAsUpdate(room)
      const cp = { seq, at, state }
      // What storage will store (rows.ts storedState: the same deflate, the same level), known now.
      Object.assign(since, { updates: 0, updateBytes: 0, checkpointBytes: Math.min(state.length, zlib.deflateRawSync(state, { level: CHECKPOINT_DEFLATE_LEVEL }).length) })
      // After the log up to it is written (on PostgreSQL appends run concurrently): a checkpoint
      // stores the log bytes up to its seq.
      const logged = Promise.all(writes.slice())
      checkpointChain = checkpointChain.then(async () => {
        await logged
        await storage.writeCheckpoint(sessionId, cp)
        if (opts.checkpointEvery === null) await storage.thinCheckpoints(sessionId, (kept) => checkpointsToThin(kept, DEFAULT_CHECKPOINT_SPACING))
      })
      checkpoints += 1
      checkpointWritten = checkpointChain
    }
  }
  const asServer = (fn: (doc: Y.Doc) => void) => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(room))
    const before = Y.encodeStateVector(doc)
    fn(doc)
    log(Y.encodeStateAsUpdate(doc, before), null)
    doc.destroy()
  }
  const asPerson = (person: (typeof people)[number], fn: (doc: Y.Doc) => void) => {
    let update: Uint8Array | null = null
    const capture = (u: Uint8Array) => (update = u)
    person.doc.on('update', capture)
    person.doc.transact(() => fn(person.doc))
    person.doc.off('update', capture)
    if (update) log(update, person.id)
  }

  const seedDoc = new Y.Doc()
  seedSessionDoc(seedDoc, 'Replay bench', start, 42)
  log(Y.encodeStateAsUpdate(seedDoc), null)
  seedDoc.destroy()
  for (const person of people) Y.applyUpdate(person.doc, Y.encodeStateAsUpdate(room))

  let phase = 0
  let stickyCount = 0
  const allStickies: string[] = []
  const votes = new Map<string, number>()
  while (seq < opts.updates) {
    if (checkpointWritten) {
      await checkpointWritten
      checkpointWritten = null
    }
    const progress = seq / opts.updates
    const wantedPhase = Math.min(PHASES.length - 1, Math.floor(progress * PHASES.length))
    if (wantedPhase > phase) {
      phase = wantedPhase
      asServer((doc) => doc.getMap(Root.session).set('phase', PHASES[phase]))
      continue
    }
    const joined = Math.min(people.length, 1 + Math.floor((progress / 0.05) * people.length))
    const person = people[Math.floor(random() * joined)] as (typeof people)[number]
    const wasJoined = (id: string) => room.getMap(Root.participants).has(id)
    if (!wasJoined(person.id)) {
      const p: Participant = { id: person.id, name: `Person ${person.id.slice(-2)}`, color: '#1f77b4', role: 'participant', joinedAt: at }
      asServer((doc) => doc.getMap(Root.participants).set(p.id, p))
      continue
    }
    const roll = random()
    if (stickyCount < STICKIES && roll < 0.01) {
      const id = `shape:bench${stickyCount}`
      const record = noteRecord(id, Math.floor(random() * 4000), Math.floor(random() * 3000), `Idea ${stickyCount}`, stickyCount)
      stickyCount += 1
      person.stickies.push(id)
      allStickies.push(id)
      asPerson(person, (doc) => doc.getMap<Y.Map<unknown>>(Root.records).set(id, recordToYMap(record)))
    } else if (allStickies.length > 0 && roll < 0.03 && phase >= 3) {
      const shapeId = allStickies[Math.floor(random() * allStickies.length)] as string
      const key = voteKey(person.id, shapeId)
      const next = (votes.get(key) ?? 0) + 1
      votes.set(key, next)
      asPerson(person, (doc) => doc.getMap(Root.votes).set(key, next))
    } else if (allStickies.length > 0 && roll < 0.032 && phase >= 4) {
      const shapeId = allStickies[Math.floor(random() * allStickies.length)] as string
      const task: Task = { id: `task_${seq}`, title: `Task from ${shapeId}`, ownerId: person.id, ownerName: 'Bench', ownerColor: null, ownerSource: 'claim', status: 'todo', note: '', description: '', sourceShapeIds: [shapeId], createdAt: at }
      asServer((doc) => doc.getMap(Root.tasks).set(task.id, task))
    } else if (person.stickies.length > 0) {
      // Drags: one update per pointer move, the position only (as the client writes it).
      const id = person.stickies[Math.floor(random() * person.stickies.length)] as string
      asPerson(person, (doc) => {
        const map = doc.getMap<Y.Map<unknown>>(Root.records).get(id)
        map?.set(POSITION_KEY, [Math.floor(random() * 4000), Math.floor(random() * 3000)])
      })
    } else {
      const id = `shape:bench${stickyCount}`
      stickyCount += 1
      person.stickies.push(id)
      allStickies.push(id)
      asPerson(person, (doc) => doc.getMap<Y.Map<unknown>>(Root.records).set(id, recordToYMap(noteRecord(id, 100, 100, `Idea ${stickyCount}`, stickyCount))))
    }
  }
  writes.push(storage.appendUpdates(pending), checkpointChain)
  await Promise.all(writes)
  for (const person of people) person.doc.destroy()
  room.destroy()
  return { start, end: at, checkpoints }
}

export async function runReplaySeekBench(opts: ReplaySeekOptions): Promise<ReplaySeekResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-replay-bench-'))
  const storage = new SqliteStorage(dataDir, { synchronous: 'NORMAL' })
  const sessionId = 'bench_replay_session_000000000000'
  try {
    const t0 = performance.now()
    const { start, end } = await generateSession(storage, sessionId, {
      updates: opts.updates,
      participants: opts.participants ?? 20,
      checkpointEvery: opts.checkpointEveryUpdates ?? null,
    })
    let checkpoints = 0
    await storage.thinCheckpoints(sessionId, (kept) => ((checkpoints = kept.length), []))
    const generateMs = performance.now() - t0

    const random = seededRandom(7)
    const samples = opts.samples ?? 200
    const times: number[] = []
    await stateAt(storage, sessionId, end) // warm the statement cache and the JIT
    for (let i = 0; i < samples; i += 1) {
      const moment = start + Math.floor(random() * (end - start + 1))
      const s = performance.now()
      await stateAt(storage, sessionId, moment)
      times.push(performance.now() - s)
    }
    times.sort((a, b) => a - b)

    const t1 = performance.now()
    const index = new TimelineIndex(storage)
    const timeline = await index.timeline(sessionId, start)
    const timelineColdMs = performance.now() - t1
    index.close()

    // What the replay page does: fetch the feed in chunks, apply it into one doc.
    let feedBytes = 0
    const replay = new Y.Doc()
    let buildReplayDocMs = 0
    for (let after = 0; ; ) {
      const chunk = await storage.updatesAfter(sessionId, after, undefined, 10_000)
      feedBytes += encodeFeedPage({ checkpoint: null, updates: chunk, skipped: [], reached: after, more: true }).length
      const s = performance.now()
      for (const u of chunk) Y.applyUpdate(replay, u.update)
      buildReplayDocMs += performance.now() - s
      if (chunk.length < 10_000) break
      after = chunk.at(-1)?.seq ?? after
    }
    const snapshot = Y.encodeStateAsUpdate(replay)
    replay.destroy()
    const s = performance.now()
    const fresh = new Y.Doc()
    Y.applyUpdate(fresh, snapshot)
    const loadSnapshotMs = performance.now() - s
    fresh.destroy()

    const storedBytes = await storage.storedBytes(sessionId)
    let updateBytes = 0
    for (let after = 0; ; ) {
      const page = await storage.updatesPage(sessionId, after, { maxUpdates: 10_000, maxBytes: 64 << 20 })
      if (page.length === 0) break
      for (const u of page) updateBytes += u.update.length
      after = page.at(-1)?.seq ?? after
    }
    return {
      updates: opts.updates,
      checkpoints,
      storedRatio: Math.round((storedBytes / (updateBytes + snapshot.length)) * 100) / 100,
      samples,
      p50Ms: round(percentile(times, 0.5)),
      p95Ms: round(percentile(times, 0.95)),
      maxMs: round(times.at(-1) ?? 0),
      generateMs: Math.round(generateMs),
      timelineColdMs: Math.round(timelineColdMs),
      timelineEvents: timeline.events.length,
      docBytes: snapshot.length,
      feedBytes,
      buildReplayDocMs: Math.round(buildReplayDocMs),
      loadSnapshotMs: round(loadSnapshotMs),
      dataDir: opts.keep ? dataDir : null,
    }
  } finally {
    await storage.close()
    if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

function argValue(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`)
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN
  return Number.isFinite(value) && value > 0 ? value : undefined
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runReplaySeekBench({
    updates: argValue('updates') ?? 100_000,
    samples: argValue('samples') ?? 200,
    checkpointEveryUpdates: argValue('every'),
    keep: process.argv.includes('--keep'),
  })
  console.log(`replay seek: ${result.updates} updates, ${result.checkpoints} checkpoints kept, generated in ${result.generateMs} ms`)
  console.log(`  stored bytes ÷ (update bytes + final document): ${result.storedRatio}`)
  console.log(`  stateAt over ${result.samples} random moments: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, max ${result.maxMs} ms`)
  console.log(`  timeline (cold, whole log once): ${result.timelineColdMs} ms, ${result.timelineEvents} events`)
  console.log(`  client: feed ${(result.feedBytes / 1e6).toFixed(1)} MB, building the replay doc ${result.buildReplayDocMs} ms, doc ${(result.docBytes / 1024).toFixed(0)} KiB, loading it ${result.loadSnapshotMs} ms`)
  if (result.dataDir) console.log(`  data kept in ${result.dataDir}`)
}
