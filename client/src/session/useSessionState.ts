// Reads the guarded maps of the session document (session, tasks, votes, participants) as
// validated plain values that re-render React when a peer changes them.
import { useMemo, useSyncExternalStore } from 'react'
import * as Y from 'yjs'
import {
  DEFAULT_VOTE_LIMIT,
  validParticipants,
  Root,
  sessionFieldSchemas,
  validTasks,
  voteCountSchema,
  type FrameAnswers,
  type Participant,
  type Phase,
  type Task,
  type Timer,
  type VoteMap,
} from '@sandbox/shared'

interface MapStore {
  subscribe(listener: () => void): () => void
  getSnapshot(): Readonly<Record<string, unknown>>
}

const stores = new WeakMap<Y.Map<unknown>, MapStore>()

/**
 * One cached JSON snapshot per map. The cache is dropped on every change, listened to for the
 * map's whole life: a change between React's first render and its subscription must not leave a
 * stale snapshot behind (a page that syncs right after mounting would show an empty document).
 */
export function yMapStore(map: Y.Map<unknown>): MapStore {
  let store = stores.get(map)
  if (store) return store
  let snapshot: Readonly<Record<string, unknown>> | null = null
  const listeners = new Set<() => void>()
  map.observe(() => {
    snapshot = null
    for (const listener of listeners) listener()
  })
  store = {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot() {
      snapshot ??= map.toJSON()
      return snapshot
    },
  }
  stores.set(map, store)
  return store
}

export function useYMapJSON(doc: Y.Doc, name: string): Readonly<Record<string, unknown>> {
  const store = yMapStore(doc.getMap(name))
  return useSyncExternalStore(store.subscribe, store.getSnapshot)
}

export interface SessionFieldsView {
  title: string
  phase: Phase
  phaseChangedAt: number
  warmupIndex: number
  problem: string
  frameAnswers: FrameAnswers
  voteLimit: number
  timer: Timer
  seed: number
}

const DEFAULTS: SessionFieldsView = {
  title: '',
  phase: 'warmup',
  phaseChangedAt: 0,
  warmupIndex: 0,
  problem: '',
  frameAnswers: {},
  voteLimit: DEFAULT_VOTE_LIMIT,
  timer: { state: 'idle', durationMs: 10 * 60_000 },
  seed: 0,
}

function field<K extends keyof SessionFieldsView>(raw: Readonly<Record<string, unknown>>, key: K): SessionFieldsView[K] {
  const schema = sessionFieldSchemas[key]
  const parsed = schema.safeParse(raw[key])
  return parsed.success ? (parsed.data as SessionFieldsView[K]) : DEFAULTS[key]
}

export function useSessionFields(doc: Y.Doc): SessionFieldsView {
  const raw = useYMapJSON(doc, Root.session)
  return useMemo(() => {
    const out = { ...DEFAULTS }
    for (const key of Object.keys(DEFAULTS) as (keyof SessionFieldsView)[]) {
      ;(out as Record<string, unknown>)[key] = field(raw, key)
    }
    return out
  }, [raw])
}

/** Valid tasks, oldest first. */
export function useTasks(doc: Y.Doc): Task[] {
  const raw = useYMapJSON(doc, Root.tasks)
  return useMemo(
    () => validTasks(Object.values(raw)).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)),
    [raw],
  )
}

export function useVotes(doc: Y.Doc): VoteMap {
  const raw = useYMapJSON(doc, Root.votes)
  return useMemo(() => {
    const out: Record<string, number> = {}
    for (const [key, value] of Object.entries(raw)) {
      const parsed = voteCountSchema.safeParse(value)
      if (parsed.success) out[key] = parsed.data
    }
    return out
  }, [raw])
}

/** Everyone who ever joined (the server writes these records), by name. */
export function useParticipants(doc: Y.Doc): Participant[] {
  const raw = useYMapJSON(doc, Root.participants)
  return useMemo(
    () => validParticipants(Object.values(raw)).sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1)),
    [raw],
  )
}
