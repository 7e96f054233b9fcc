// Every write to the guarded maps goes through here: the same shared rules the server enforces
// judge the change first, so a refused action shows its reason instead of flickering back when
// the server reverts it.
import * as Y from 'yjs'
import {
  applyGuardedPatch,
  authorizeChange,
  isEmptyPatch,
  PATCHED_KEYS,
  readGuardedState,
  Root,
  type Actor,
  type GuardedPatch,
  type Verdict,
} from '@sandbox/shared'

export function writeGuarded(doc: Y.Doc, actor: Actor, patch: GuardedPatch, origin: unknown): Verdict {
  if (isEmptyPatch(patch)) return { ok: true }
  const before = readGuardedState(doc)
  const verdict = authorizeChange(actor, before, applyGuardedPatch(before, patch))
  if (!verdict.ok) return verdict
  doc.transact(() => {
    for (const name of PATCHED_KEYS) {
      const changes = patch[name]
      if (!changes) continue
      const map = doc.getMap(Root[name])
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) map.delete(key)
        else map.set(key, structuredClone(value))
      }
    }
  }, origin)
  return verdict
}
