// Reading a session's past: the document at any moment (nearest checkpoint at or before it, plus
// the logged updates after that checkpoint up to the moment) and the timeline of notable events.
import * as Y from 'yjs'
import { Root, SERVER_ORIGIN, taskSchema, type Participant, type Phase } from '@sandbox/shared'
import type { Storage } from '../storage/Storage.ts'

/** The document as it was at `at` (epoch ms), as one Yjs update. Never replays the whole log. */
export function stateAt(storage: Storage, sessionId: string, at: number): Uint8Array {
  const doc = new Y.Doc()
  const checkpoint = storage.latestCheckpoint(sessionId, at)
  doc.transact(() => {
    if (checkpoint) Y.applyUpdate(doc, checkpoint.state)
    for (const u of storage.updatesAfter(sessionId, checkpoint?.seq ?? 0, at)) Y.applyUpdate(doc, u.update)
  }, SERVER_ORIGIN)
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return state
}

export type TimelineEvent =
  | { type: 'phase'; at: number; seq: number; phase: Phase; from: Phase | null }
  | { type: 'join'; at: number; seq: number; participantId: string; name: string; color: string }
  | { type: 'task'; at: number; seq: number; taskId: string; title: string; sourceShapeIds: string[] }
  | { type: 'owner'; at: number; seq: number; taskId: string; title: string; ownerId: string; ownerName: string; via: string | null }
  | { type: 'vote'; at: number; seq: number; participantId: string; shapeId: string; delta: number }

export interface Timeline {
  sessionId: string
  start: number
  end: number
  updates: number
  events: TimelineEvent[]
}

interface TimelineCache {
  doc: Y.Doc
  seq: number
  timeline: Timeline
}

/**
 * Builds timelines incrementally: each session's replay doc and events are kept, and a request
 * only applies the updates logged since the last one. Bounded to a few sessions.
 */
export class TimelineIndex {
  private readonly cache = new Map<string, TimelineCache>()
  private readonly storage: Storage
  private readonly maxSessions: number

  constructor(storage: Storage, maxSessions = 8) {
    this.storage = storage
    this.maxSessions = maxSessions
  }

  timeline(sessionId: string, createdAt: number): Timeline {
    let entry = this.cache.get(sessionId)
    if (!entry) {
      entry = { doc: new Y.Doc(), seq: 0, timeline: { sessionId, start: createdAt, end: createdAt, updates: 0, events: [] } }
      if (this.cache.size >= this.maxSessions) {
        const oldest = this.cache.keys().next().value as string
        this.cache.get(oldest)?.doc.destroy()
        this.cache.delete(oldest)
      }
    }
    this.cache.delete(sessionId)
    this.cache.set(sessionId, entry)
    const { doc, timeline } = entry
    const session = doc.getMap(Root.session)
    const tasks = doc.getMap(Root.tasks)
    const votes = doc.getMap(Root.votes)
    const participants = doc.getMap(Root.participants)
    const BATCH = 5_000
    for (;;) {
      const batch = this.storage.updatesAfter(sessionId, entry.seq, undefined, BATCH)
      for (const u of batch) {
        const phaseBefore = (session.get('phase') as Phase | undefined) ?? null
        const events: TimelineEvent[] = []
        const onTasks = (e: Y.YMapEvent<unknown>) =>
          e.changes.keys.forEach((change, key) => {
            const parsed = taskSchema.safeParse(tasks.get(key))
            if (!parsed.success) return
            const t = parsed.data
            const old = change.oldValue as { ownerId?: string | null } | undefined
            if (change.action === 'add') events.push({ type: 'task', at: u.at, seq: u.seq, taskId: t.id, title: t.title, sourceShapeIds: t.sourceShapeIds })
            if (t.ownerId && t.ownerName && (change.action === 'add' ? true : old?.ownerId !== t.ownerId)) {
              events.push({ type: 'owner', at: u.at, seq: u.seq, taskId: t.id, title: t.title, ownerId: t.ownerId, ownerName: t.ownerName, via: t.ownerSource })
            }
          })
        const onVotes = (e: Y.YMapEvent<unknown>) =>
          e.changes.keys.forEach((change, key) => {
            const bar = key.indexOf('|')
            const now = (votes.get(key) as number | undefined) ?? 0
            const before = (change.oldValue as number | undefined) ?? 0
            if (bar > 0 && now !== before) events.push({ type: 'vote', at: u.at, seq: u.seq, participantId: key.slice(0, bar), shapeId: key.slice(bar + 1), delta: now - before })
          })
        const onParticipants = (e: Y.YMapEvent<unknown>) =>
          e.changes.keys.forEach((change, key) => {
            const p = participants.get(key) as Participant | undefined
            if (change.action === 'add' && p) events.push({ type: 'join', at: u.at, seq: u.seq, participantId: p.id, name: p.name, color: p.color })
          })
        tasks.observe(onTasks)
        votes.observe(onVotes)
        participants.observe(onParticipants)
        Y.applyUpdate(doc, u.update)
        tasks.unobserve(onTasks)
        votes.unobserve(onVotes)
        participants.unobserve(onParticipants)
        const phaseAfter = (session.get('phase') as Phase | undefined) ?? null
        if (phaseAfter && phaseAfter !== phaseBefore) timeline.events.push({ type: 'phase', at: u.at, seq: u.seq, phase: phaseAfter, from: phaseBefore })
        timeline.events.push(...events)
        entry.seq = u.seq
        timeline.end = Math.max(timeline.end, u.at)
        timeline.updates += 1
      }
      if (batch.length < BATCH) break
    }
    return timeline
  }
}
