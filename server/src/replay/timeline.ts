// The timeline of a session: its start and end, the notable events (phase changes, joins, task
// creation, owners, votes) each with the server time `at` of the update that made it, and the
// quiet gaps the replay can skip. Built once per session by replaying the log into a doc, then
// kept and extended with only the updates logged since the last request.
import * as Y from 'yjs'
import { parseVoteKey, participantSchema, phaseSchema, Root, SERVER_ORIGIN, taskSchema, type Phase } from '@sandbox/shared'
import type { LoggedUpdate, Storage } from '../storage/Storage.ts'

export type TimelineEvent =
  | { type: 'phase'; at: number; seq: number; phase: Phase; from: Phase | null }
  | { type: 'join'; at: number; seq: number; participantId: string; name: string; color: string }
  | { type: 'task'; at: number; seq: number; taskId: string; title: string; sourceShapeIds: string[] }
  | { type: 'owner'; at: number; seq: number; taskId: string; title: string; ownerId: string; ownerName: string; via: string | null }
  | { type: 'vote'; at: number; seq: number; participantId: string; shapeId: string; delta: number }

export interface Timeline {
  sessionId: string
  /** When the session was created (epoch ms). */
  start: number
  /** The time of the last logged update (or `start`). */
  end: number
  /** Number of logged updates. */
  updates: number
  events: TimelineEvent[]
  /** Stretches longer than QUIET_GAP_MS with no update at all; replay can skip them. */
  gaps: { from: number; to: number }[]
}

export const QUIET_GAP_MS = 10_000
/** Updates applied between two yields to the event loop (~10–20 ms of work). */
const BATCH = 1_000

interface Entry {
  /** The catch-up under way, if any. */
  building: Promise<void> | null
  doc: Y.Doc
  seq: number
  lastAt: number | null
  timeline: Timeline
}

/** Bounded cache (least recently used first out) of per-session timeline builders. */
export class TimelineIndex {
  private readonly cache = new Map<string, Entry>()
  private readonly storage: Storage
  private readonly maxSessions: number

  constructor(storage: Storage, maxSessions = 8) {
    this.storage = storage
    this.maxSessions = maxSessions
  }

  async timeline(sessionId: string, createdAt: number): Promise<Timeline> {
    let entry = this.cache.get(sessionId)
    this.cache.delete(sessionId)
    if (!entry) {
      entry = { building: null, doc: new Y.Doc(), seq: 0, lastAt: null, timeline: { sessionId, start: createdAt, end: createdAt, updates: 0, events: [], gaps: [] } }
      while (this.cache.size >= this.maxSessions) {
        const oldest = this.cache.keys().next().value as string
        const evicted = this.cache.get(oldest)
        // A builder still catching up is dropped from the cache and left to finish on its own.
        if (evicted && !evicted.building) evicted.doc.destroy()
        this.cache.delete(oldest)
      }
    }
    this.cache.set(sessionId, entry)
    // One catch-up per session at a time; later callers wait for it, then take what is new.
    while (entry.building) await entry.building
    const building = this.catchUp(entry, sessionId)
    entry.building = building
    try {
      await building
    } finally {
      entry.building = null
    }
    return entry.timeline
  }

  /**
   * Applies the log after what the entry has seen, yielding to the event loop between batches:
   * a first timeline of a long session takes seconds, and live rooms must not wait for it.
   */
  private async catchUp(entry: Entry, sessionId: string): Promise<void> {
    for (;;) {
      const batch = this.storage.updatesAfter(sessionId, entry.seq, undefined, BATCH)
      for (const u of batch) applyLogged(entry, u)
      if (batch.length < BATCH) return
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  close(): void {
    for (const entry of this.cache.values()) entry.doc.destroy()
    this.cache.clear()
  }
}

function applyLogged(entry: Entry, u: LoggedUpdate): void {
  const { doc, timeline } = entry
  const session = doc.getMap(Root.session)
  const tasks = doc.getMap(Root.tasks)
  const votes = doc.getMap(Root.votes)
  const participants = doc.getMap(Root.participants)
  const readPhase = (): Phase | null => {
    const parsed = phaseSchema.safeParse(session.get('phase'))
    return parsed.success ? parsed.data : null
  }
  const phaseBefore = readPhase()
  const events: TimelineEvent[] = []
  const base = { at: u.at, seq: u.seq }

  const onTasks = (e: Y.YMapEvent<unknown>) =>
    e.changes.keys.forEach((change, key) => {
      const parsed = taskSchema.safeParse(tasks.get(key))
      if (!parsed.success) return
      const t = parsed.data
      const old = taskSchema.safeParse(change.oldValue)
      const ownerBefore = old.success ? old.data.ownerId : null
      if (change.action === 'add') events.push({ type: 'task', ...base, taskId: t.id, title: t.title, sourceShapeIds: t.sourceShapeIds })
      if (t.ownerId && t.ownerName && t.ownerId !== ownerBefore) {
        events.push({ type: 'owner', ...base, taskId: t.id, title: t.title, ownerId: t.ownerId, ownerName: t.ownerName, via: t.ownerSource })
      }
    })
  const onVotes = (e: Y.YMapEvent<unknown>) =>
    e.changes.keys.forEach((change, key) => {
      const parsed = parseVoteKey(key)
      const now = votes.get(key)
      const delta = (typeof now === 'number' ? now : 0) - (typeof change.oldValue === 'number' ? change.oldValue : 0)
      if (parsed && delta !== 0) events.push({ type: 'vote', ...base, participantId: parsed.participantId, shapeId: parsed.shapeId, delta })
    })
  const onParticipants = (e: Y.YMapEvent<unknown>) =>
    e.changes.keys.forEach((change, key) => {
      const parsed = participantSchema.safeParse(participants.get(key))
      if (change.action === 'add' && parsed.success) events.push({ type: 'join', ...base, participantId: parsed.data.id, name: parsed.data.name, color: parsed.data.color })
    })

  tasks.observe(onTasks)
  votes.observe(onVotes)
  participants.observe(onParticipants)
  try {
    Y.applyUpdate(doc, u.update, SERVER_ORIGIN)
  } finally {
    tasks.unobserve(onTasks)
    votes.unobserve(onVotes)
    participants.unobserve(onParticipants)
  }
  const phaseAfter = readPhase()
  if (phaseAfter && phaseAfter !== phaseBefore) timeline.events.push({ type: 'phase', ...base, phase: phaseAfter, from: phaseBefore })
  timeline.events.push(...events)
  if (entry.lastAt !== null && u.at - entry.lastAt > QUIET_GAP_MS) timeline.gaps.push({ from: entry.lastAt, to: u.at })
  entry.lastAt = entry.lastAt === null ? u.at : Math.max(entry.lastAt, u.at)
  entry.seq = u.seq
  timeline.end = Math.max(timeline.end, u.at)
  timeline.updates += 1
}
