// A write to the guarded maps (session, tasks, votes, answers) described as data, so the client can ask
// the shared rules (`authorizeChange`) before writing, exactly as the server will afterwards.
import type { GuardedState } from './permissions.ts'

/** Per map: key → new value, or `null` to delete the key. */
export interface GuardedPatch {
  session?: Readonly<Record<string, unknown>>
  tasks?: Readonly<Record<string, unknown>>
  votes?: Readonly<Record<string, unknown>>
  answers?: Readonly<Record<string, unknown>>
}

export const PATCHED_KEYS = ['session', 'tasks', 'votes', 'answers'] as const

export function applyGuardedPatch(state: GuardedState, patch: GuardedPatch): GuardedState {
  const next: GuardedState = { ...state }
  for (const key of PATCHED_KEYS) {
    const changes = patch[key]
    if (!changes) continue
    const map: Record<string, unknown> = { ...state[key] }
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete map[k]
      else map[k] = v
    }
    next[key] = map
  }
  return next
}

export const isEmptyPatch = (patch: GuardedPatch): boolean =>
  PATCHED_KEYS.every((key) => Object.keys(patch[key] ?? {}).length === 0)
