// Reading a session's Y.Doc and the layout of tldraw records in it (seeding is in seed.ts).
import * as Y from 'yjs'
import type { GuardedState } from './permissions.ts'
import { Root, validTasks, type Phase, type Task } from './schema.ts'

export const DEFAULT_PAGE_ID = 'page:page'

/** The origin the server uses for its own writes (seed, participant records, reverts). */
export const SERVER_ORIGIN = 'sandbox-server'

/**
 * `x` and `y` are stored together under one key. A drag then writes one entry per frame, and Yjs
 * merges the overwritten entries of one key into a single tombstone; separate `x` and `y`
 * entries interleave and keep a tombstone per frame (2,098 B of history for a 2 s drag against
 * 89 B, see bench/recordLayout.ts).
 */
export const POSITION_KEY = 'xy'

/** The entries a record is stored as: one per top-level field, with `x`/`y` joined. */
export function recordEntries(record: Readonly<Record<string, unknown>>): [string, unknown][] {
  const entries: [string, unknown][] = []
  for (const [key, value] of Object.entries(record)) if (key !== 'x' && key !== 'y') entries.push([key, value])
  if ('x' in record || 'y' in record) entries.push([POSITION_KEY, [record.x ?? 0, record.y ?? 0]])
  return entries
}

/** The storage key a record field lives under. */
export const storageKeyOf = (field: string): string => (field === 'x' || field === 'y' ? POSITION_KEY : field)

/** The record a stored Y.Map holds (also reads records written with separate `x`/`y`). */
export function recordFromYMap(map: Y.Map<unknown>): Record<string, unknown> {
  const json = map.toJSON() as Record<string, unknown>
  const xy = json[POSITION_KEY]
  if (Array.isArray(xy)) {
    delete json[POSITION_KEY]
    json.x = typeof xy[0] === 'number' ? xy[0] : 0
    json.y = typeof xy[1] === 'number' ? xy[1] : 0
  }
  return json
}

/** One Y.Map per record, one entry per top-level field (see shared/README.md for why). */
export function recordToYMap(record: Readonly<Record<string, unknown>>): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  for (const [key, value] of recordEntries(record)) map.set(key, value)
  return map
}

export function readGuardedState(doc: Y.Doc): GuardedState {
  return {
    session: doc.getMap(Root.session).toJSON(),
    tasks: doc.getMap(Root.tasks).toJSON(),
    votes: doc.getMap(Root.votes).toJSON(),
    participants: doc.getMap(Root.participants).toJSON(),
    answers: doc.getMap(Root.answers).toJSON(),
  }
}

export const readTasks = (doc: Y.Doc): Task[] => validTasks(doc.getMap(Root.tasks).values())

export const readPhase = (doc: Y.Doc): Phase => (doc.getMap(Root.session).get('phase') as Phase | undefined) ?? 'warmup'
