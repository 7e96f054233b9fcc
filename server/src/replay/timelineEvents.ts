// What each logged update adds to a timeline: the events it makes (phase changes, reveals, joins,
// tasks, owners, status changes, votes, new stickies), found by applying it to the timeline's
// document with observers on, and the counts every update adds (skips, gaps, end). The index that
// drives the builds, caches them and persists their summaries is timeline.ts.
import * as Y from 'yjs'
import { parseVoteKey, participantSchema, phaseSchema, Root, taskSchema, type Phase, type TimelineEvent } from '@sandbox/shared'
import type { CorruptReason } from '../storage/CorruptionReport.ts'
import { applyLoggedUpdate } from '../storage/rebuild.ts'
import type { LoggedUpdate, Storage } from '../storage/Storage.ts'
import { MAX_SUMMARY_CORRUPT_ROWS } from './timelineSummary.ts'

export interface Timeline {
  sessionId: string
  /** When the session was created (epoch ms). */
  start: number
  /** The time of the last logged update (or `start`). */
  end: number
  /** Number of logged updates. */
  updates: number
  /** Logged updates left out because they are corrupt, or built on one that is (storage.corrupt). */
  skippedUpdates: number
  events: TimelineEvent[]
  /** Stretches longer than QUIET_GAP_MS with no update at all; replay can skip them. */
  gaps: { from: number; to: number }[]
}

export const QUIET_GAP_MS = 10_000

/** A build under way: its document, where it is in the log, and the timeline so far. */
export interface Build {
  doc: Y.Doc
  seq: number
  lastAt: number | null
  timeline: Timeline
  /** Update bytes applied since the document's size was last measured. */
  appliedSinceMeasure: number
  /** Corrupt rows met (the newest MAX_SUMMARY_CORRUPT_ROWS), for the summary. */
  corrupt: [number, CorruptReason][]
}

/** Session fields the server stamps at a reveal, and what each one revealed. */
const REVEALS = [
  ['stickiesRevealedAt', 'stickies'],
  ['votesRevealedAt', 'votes'],
] as const

/** What every applied update adds to the timeline besides events: skips, size, gaps, end, count. */
export function account(entry: Build, u: LoggedUpdate, problem: CorruptReason | null, storage: Storage, bytesKept: number): void {
  const { timeline } = entry
  if (problem) {
    storage.corruption.report({ session: timeline.sessionId, seq: u.seq, kind: 'update', reason: problem })
    timeline.skippedUpdates += 1
    entry.corrupt.push([u.seq, problem])
    if (entry.corrupt.length > MAX_SUMMARY_CORRUPT_ROWS) entry.corrupt.shift()
  }
  entry.appliedSinceMeasure += bytesKept
  if (entry.lastAt !== null && u.at - entry.lastAt > QUIET_GAP_MS) timeline.gaps.push({ from: entry.lastAt, to: u.at })
  entry.lastAt = entry.lastAt === null ? u.at : Math.max(entry.lastAt, u.at)
  entry.seq = u.seq
  timeline.end = Math.max(timeline.end, u.at)
  timeline.updates += 1
}

export function applyLogged(entry: Build, u: LoggedUpdate, storage: Storage): void {
  const { doc, timeline } = entry
  const session = doc.getMap(Root.session)
  const tasks = doc.getMap(Root.tasks)
  const votes = doc.getMap(Root.votes)
  const participants = doc.getMap(Root.participants)
  const records = doc.getMap(Root.records)
  const readPhase = (): Phase | null => {
    const parsed = phaseSchema.safeParse(session.get('phase'))
    return parsed.success ? parsed.data : null
  }
  const phaseBefore = readPhase()
  const revealsBefore = REVEALS.map(([key]) => session.get(key))
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
      const statusBefore = old.success ? old.data.status : null
      if (t.status !== (statusBefore ?? 'todo')) events.push({ type: 'status', ...base, taskId: t.id, ownerId: t.ownerId, status: t.status, from: statusBefore })
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

  const onRecords = (e: Y.YMapEvent<unknown>) =>
    e.changes.keys.forEach((change, key) => {
      const record = records.get(key)
      if (change.action === 'add' && record instanceof Y.Map && record.get('type') === 'note') {
        events.push({ type: 'sticky', ...base, shapeId: key, participantId: u.participantId })
      }
    })

  tasks.observe(onTasks)
  votes.observe(onVotes)
  participants.observe(onParticipants)
  records.observe(onRecords)
  let problem: CorruptReason | null
  try {
    problem = applyLoggedUpdate(doc, u)
  } finally {
    tasks.unobserve(onTasks)
    votes.unobserve(onVotes)
    participants.unobserve(onParticipants)
    records.unobserve(onRecords)
  }
  const phaseAfter = readPhase()
  if (phaseAfter && phaseAfter !== phaseBefore) timeline.events.push({ type: 'phase', ...base, phase: phaseAfter, from: phaseBefore })
  REVEALS.forEach(([key, what], i) => {
    const at = session.get(key)
    if (typeof at === 'number' && at !== revealsBefore[i]) timeline.events.push({ type: 'reveal', ...base, what })
  })
  timeline.events.push(...events)
  account(entry, u, problem, storage, problem === 'checksum' || problem === 'decode' ? 0 : u.update.length)
}
