// The replay of one session, kept in the browser so scrubbing never asks the server per frame.
//
// The update feed is applied once, in order, to a builder Y.Doc. For every update we keep the
// entries it changed (a tldraw record, or a key of `session`, `tasks`, `votes`, `participants`)
// with their value before and after, and every KEYFRAME_EVERY updates a keyframe: the whole
// state as a Map whose values are shared, immutable JSON. Seeking is then "nearest of the current
// view and the keyframes on either side, then walk the steps forward or backward", which costs
// at most KEYFRAME_EVERY/2 small steps. Keyframes of encoded Y.Doc state (the obvious design)
// were too slow to load: a 100,000-update session's doc is ~2 MB of tombstones and takes
// 200-400 ms to decode (bench/replaySeek.ts), i.e. 3 fps when scrubbing backward.
import * as Y from 'yjs'
import { recordFromYMap, Root } from '@sandbox/shared'
import type { FeedUpdate } from './replayApi.ts'

/** `${root}\u0000${key}` → JSON value. Values are never mutated, so equal references mean equal. */
export type Entries = Map<string, unknown>

const TRACKED = [Root.session, Root.tasks, Root.votes, Root.participants] as const
export const entryKey = (root: string, key: string): string => `${root}\u0000${key}`
export const RECORD_PREFIX = entryKey(Root.records, '')

interface Change {
  key: string
  before: unknown
  after: unknown
}

export const KEYFRAME_EVERY = 500

const isShape = (value: unknown): boolean => (value as { typeName?: unknown } | null | undefined)?.typeName === 'shape'
const PHASE_KEY = entryKey(Root.session, 'phase')
const TASKS_PREFIX = entryKey(Root.tasks, '')
const VOTES_PREFIX = entryKey(Root.votes, '')

type EntryChange = { key: string; before: unknown; after: unknown }

/** A shape drawn, moved or removed: the replay opens on the first one, so the board shows something. */
export const isBoardActivity = (change: EntryChange): boolean =>
  change.key.startsWith(RECORD_PREFIX) && (isShape(change.after) || isShape(change.before))

/**
 * Whether a change is something people did: on the board (above), a task, a vote, or the phase
 * moving on. Seeding the board, a join or the session's first settings are not (a replay that
 * opens on them shows an empty board at 0:00).
 */
export function isActivity(change: EntryChange): boolean {
  if (change.key.startsWith(RECORD_PREFIX)) return isBoardActivity(change)
  if (change.key.startsWith(TASKS_PREFIX) || change.key.startsWith(VOTES_PREFIX)) return true
  return change.key === PHASE_KEY && change.before !== undefined
}

/** Everything a Y.Doc holds, as entries (for the first frame from `/state?at=`). */
export function entriesFromDoc(doc: Y.Doc): Entries {
  const entries: Entries = new Map()
  doc.getMap<unknown>(Root.records).forEach((value, id) => {
    if (value instanceof Y.Map) entries.set(entryKey(Root.records, id), recordFromYMap(value))
  })
  for (const root of TRACKED) doc.getMap<unknown>(root).forEach((value, key) => entries.set(entryKey(root, key), value))
  return entries
}

/** Keys whose values differ (by reference) between two states. */
export function diffEntries(from: Entries, to: Entries): Set<string> {
  const changed = new Set<string>()
  for (const [key, value] of to) if (from.get(key) !== value) changed.add(key)
  for (const key of from.keys()) if (!to.has(key)) changed.add(key)
  return changed
}

export class ReplayModel {
  /** Server time and author of each applied update, in log order. */
  readonly ats: number[] = []
  readonly authors: (string | null)[] = []
  private readonly steps: Change[][] = []
  private readonly keyframes: { count: number; state: Entries }[] = [{ count: 0, state: new Map() }]
  private readonly builder = new Y.Doc()
  private readonly built: Entries = new Map()
  private queue: FeedUpdate[] = []
  private queueStart = 0
  private pendingChanges: Change[] = []
  /** The state shown, and how many updates it holds (-1: a state from the server, not the log). */
  view: Entries = new Map()
  viewCount = 0
  /** Whether the whole log has been received (the last chunk said no more). */
  complete = false
  /** When something first appeared on the board (isBoardActivity), once the log has got that far. */
  firstBoardActivityAt: number | null = null
  /** When people first did anything (isActivity): where to open a session with nothing on its board. */
  firstActivityAt: number | null = null

  constructor() {
    const records = this.builder.getMap<Y.Map<unknown>>(Root.records)
    records.observeDeep((events) => {
      const touched = new Set<string>()
      for (const event of events) {
        if (event.target === records) for (const key of event.changes.keys.keys()) touched.add(key)
        else if (typeof event.path[0] === 'string') touched.add(event.path[0])
      }
      for (const id of touched) {
        const value = records.get(id)
        this.note(entryKey(Root.records, id), value instanceof Y.Map ? recordFromYMap(value) : undefined)
      }
    })
    for (const root of TRACKED) {
      const map = this.builder.getMap<unknown>(root)
      map.observe((event) => {
        for (const key of event.changes.keys.keys()) this.note(entryKey(root, key), map.get(key))
      })
    }
  }

  private note(key: string, after: unknown): void {
    const before = this.built.get(key)
    if (before === after) return
    this.pendingChanges.push({ key, before, after })
    if (after === undefined) this.built.delete(key)
    else this.built.set(key, after)
  }

  get loadedCount(): number {
    return this.steps.length
  }

  get queuedCount(): number {
    return this.queue.length - this.queueStart
  }

  enqueue(updates: readonly FeedUpdate[], complete: boolean): void {
    this.queue = this.queue.slice(this.queueStart).concat(updates)
    this.queueStart = 0
    this.complete = complete
  }

  /** Applies queued updates until `budgetMs` is spent. Returns how many were applied. */
  pump(budgetMs: number): number {
    const started = performance.now()
    let applied = 0
    while (this.queueStart < this.queue.length && performance.now() - started < budgetMs) {
      const next = this.queue[this.queueStart] as FeedUpdate
      this.queueStart += 1
      this.pendingChanges = []
      try {
        Y.applyUpdate(this.builder, next.update)
      } catch (error) {
        console.warn('Sandbox replay: skipped an update that could not be applied', next.seq, error)
      }
      this.steps.push(this.pendingChanges)
      if (this.firstActivityAt === null && this.pendingChanges.some(isActivity)) this.firstActivityAt = next.at
      if (this.firstBoardActivityAt === null && this.pendingChanges.some(isBoardActivity)) this.firstBoardActivityAt = next.at
      this.ats.push(next.at)
      this.authors.push(next.author)
      if (this.steps.length % KEYFRAME_EVERY === 0) this.keyframes.push({ count: this.steps.length, state: new Map(this.built) })
      applied += 1
    }
    return applied
  }

  /** Number of loaded updates logged at or before `t`. */
  countAt(t: number): number {
    let lo = 0
    let hi = this.ats.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.ats[mid] as number) <= t) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Whether the state at `t` is known locally (every update at or before `t` is applied). */
  covers(t: number): boolean {
    if (this.queuedCount === 0 && this.complete) return true
    const nextAt = this.queue[this.queueStart]?.at
    if (nextAt !== undefined) return t < nextAt
    const last = this.ats.at(-1)
    return last !== undefined && t < last
  }

  /** Shows a state fetched from the server; returns the keys that changed. */
  showExternal(state: Entries): Set<string> {
    const changed = diffEntries(this.view, state)
    this.view = state
    this.viewCount = -1
    return changed
  }

  /** Moves the view to the state after `count` updates; returns the keys that may have changed. */
  seek(count: number): Set<string> {
    const target = Math.max(0, Math.min(count, this.steps.length))
    if (target === this.viewCount) return new Set()
    const below = this.keyframes[Math.floor(target / KEYFRAME_EVERY)] as { count: number; state: Entries }
    const above = this.keyframes[Math.ceil(target / KEYFRAME_EVERY)]
    const fromView = this.viewCount >= 0 ? Math.abs(target - this.viewCount) : Infinity
    const fromBelow = target - below.count
    const fromAbove = above ? above.count - target : Infinity
    const changed = new Set<string>()
    let state: Entries
    let at: number
    if (fromView <= fromBelow && fromView <= fromAbove) {
      state = this.view
      at = this.viewCount
    } else {
      const frame = fromBelow <= fromAbove ? below : (above as { count: number; state: Entries })
      state = new Map(frame.state)
      for (const key of diffEntries(this.view, state)) changed.add(key)
      at = frame.count
    }
    const set = (key: string, value: unknown) => {
      changed.add(key)
      if (value === undefined) state.delete(key)
      else state.set(key, value)
    }
    for (; at < target; at += 1) for (const c of this.steps[at] as Change[]) set(c.key, c.after)
    for (; at > target; at -= 1) {
      const step = this.steps[at - 1] as Change[]
      for (let i = step.length - 1; i >= 0; i -= 1) set((step[i] as Change).key, (step[i] as Change).before)
    }
    this.view = state
    this.viewCount = target
    return changed
  }

  destroy(): void {
    this.builder.destroy()
    this.queue = []
  }
}
