// Keeps the JSON of the guarded maps (session, tasks, votes, participants, answers) as the server last
// accepted it, judges a client's transaction against the shared rules, and writes the old values
// back when the rules refuse it. Writing back (rather than refusing the bytes) keeps every peer's
// Yjs history consistent and brings a hand-crafted client back in line with everyone else.
import * as Y from 'yjs'
import {
  authorizeChange,
  changedKeys,
  readGuardedState,
  Root,
  SERVER_ORIGIN,
  type Actor,
  type GuardedState,
  type Verdict,
} from '@sandbox/shared'

export type GuardedKey = keyof GuardedState
const GUARDED_KEYS: readonly GuardedKey[] = ['session', 'tasks', 'votes', 'participants', 'answers']

export class UpdateGuard {
  private accepted: GuardedState
  private readonly maps: Record<GuardedKey, Y.Map<unknown>>
  private readonly doc: Y.Doc

  constructor(doc: Y.Doc) {
    this.doc = doc
    this.maps = {
      session: doc.getMap(Root.session),
      tasks: doc.getMap(Root.tasks),
      votes: doc.getMap(Root.votes),
      participants: doc.getMap(Root.participants),
      answers: doc.getMap(Root.answers),
    }
    this.accepted = readGuardedState(doc)
  }

  /** The guarded maps a transaction changed. */
  touched(tr: Y.Transaction): GuardedKey[] {
    return GUARDED_KEYS.filter((k) => tr.changed.has(this.maps[k] as never))
  }

  get state(): GuardedState {
    return this.accepted
  }

  /** Accept the current content of these maps as the new baseline. */
  accept(keys: Iterable<GuardedKey>): void {
    const next = { ...this.accepted }
    for (const k of keys) next[k] = this.maps[k].toJSON()
    this.accepted = next
  }

  judge(actor: Actor, keys: Iterable<GuardedKey>): Verdict {
    const after = { ...this.accepted }
    for (const k of keys) after[k] = this.maps[k].toJSON()
    return authorizeChange(actor, this.accepted, after)
  }

  /** Writes the accepted values back over whatever changed in these maps. */
  revert(keys: Iterable<GuardedKey>): void {
    this.doc.transact(() => {
      for (const k of keys) {
        const map = this.maps[k]
        const before = this.accepted[k]
        for (const key of changedKeys(before, map.toJSON())) {
          if (key in before) map.set(key, structuredClone(before[key]))
          else map.delete(key)
        }
      }
    }, SERVER_ORIGIN)
  }
}
