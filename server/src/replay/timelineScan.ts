// Which logged updates can change the timeline, and a cheap way past the ones that cannot.
//
// The timeline's events all come from the root maps (session, tasks, votes, participants) and
// from records appearing on the board (a new sticky is an event); almost all of a long log is
// drags and edits inside existing board records, which cannot touch them.
// Applying every update as its own Yjs transaction made a cold timeline O(updates × clients):
// Yjs computes the whole state vector (one entry per client that ever wrote) at the start and the
// end of each transaction. So an update that provably stays outside those maps ("quiet") is not
// integrated at all: its clock ranges go into the timeline's document as GC structs (content
// that is gone), many updates' worth in one transaction. The document keeps the same state vector
// as the real one, so every later update integrates exactly as it would have; it only lacks board
// content, which the timeline never reads. Yjs itself turns anything inserted next to a GC struct
// into GC, so nothing later can land in a watched map through them.
//
// The test is conservative: anything unresolved, out of order, undecodable or corrupt counts as
// possibly relevant and takes the exact path (timeline.ts: one update, one transaction, observers).
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { Root } from '@sandbox/shared'
import type { LoggedUpdate } from '../storage/Storage.ts'

/**
 * Root maps whose own entries make timeline events (phase, reveals, tasks, owners, votes, joins,
 * new stickies). For `records` only its entries count (a record added or removed); the fields
 * inside a record live in nested maps, so a drag stays quiet.
 */
export const WATCHED_ROOTS: ReadonlySet<string> = new Set([Root.session, Root.tasks, Root.votes, Root.participants, Root.records])

type Where = 'watched' | 'elsewhere' | 'unknown'
type Struct = Y.Item | Y.GC | Y.Skip
/** What Y.decodeUpdate returns (its delete set type is not exported by name). */
interface Decoded {
  structs: Struct[]
  ds: { clients: Map<number, { clock: number; len: number }[]> }
}

/** Origins followed inside one update before giving up (a chain of its own inserts). */
const MAX_CHAIN = 64

export class QuietScan {
  private readonly doc: Y.Doc
  private readonly watched: ReadonlySet<Y.AbstractType<unknown>>
  /** Per client, the clock range taken from quiet updates and not yet written into the doc. */
  private readonly pending = new Map<number, { clock: number; len: number }>()

  constructor(doc: Y.Doc) {
    this.doc = doc
    this.watched = new Set([...WATCHED_ROOTS].map((name) => doc.getMap(name) as unknown as Y.AbstractType<unknown>))
  }

  /** The clock the doc (with the pending run) has reached for `client`. */
  private state(client: number): number {
    const run = this.pending.get(client)
    return run ? run.clock + run.len : Y.getState(this.doc.store, client)
  }

  /**
   * Takes `u` if it is quiet: it cannot change a watched map and its structs follow on from what
   * the doc holds. Returns false (and takes nothing) otherwise: apply it exactly, after flush().
   */
  take(u: LoggedUpdate): boolean {
    if (u.integrity === 'mismatch') return false
    let decoded: Decoded
    try {
      decoded = Y.decodeUpdate(u.update) as Decoded
    } catch {
      return false
    }
    const { structs, ds } = decoded
    const store = this.doc.store
    // Per client: where this update's structs start and end (they must be one run from the doc's state).
    const ranges = new Map<number, { clock: number; end: number }>()
    for (const s of structs) {
      if (s instanceof Y.Skip) return false
      const r = ranges.get(s.id.client)
      if (r === undefined) {
        if (s.id.clock !== this.state(s.id.client)) return false
        ranges.set(s.id.client, { clock: s.id.clock, end: s.id.clock + s.length })
      } else {
        if (s.id.clock !== r.end) return false
        r.end += s.length
      }
    }
    const own = (id: Y.ID): Struct | null => {
      const r = ranges.get(id.client)
      if (!r || id.clock < r.clock || id.clock >= r.end) return null
      return structs.find((s) => s.id.client === id.client && s.id.clock <= id.clock && id.clock < s.id.clock + s.length) ?? null
    }
    // Where an existing id lives: in the pending run (quiet, so elsewhere), in the store, or unknown.
    const existing = (id: Y.ID, depth: number): Where => {
      const run = this.pending.get(id.client)
      if (run && id.clock >= run.clock && id.clock < run.clock + run.len) return 'elsewhere'
      if (id.clock >= Y.getState(store, id.client)) return 'unknown'
      return whereIs(Y.getItem(store, id) as Y.Item | Y.GC, depth)
    }
    const whereIs = (struct: Struct, depth: number): Where => {
      // GC and Skip carry no content; a root map's entries are never GC structs (only items
      // whose parent type was collected become GC), and Yjs collects what is inserted next to one.
      if (!(struct instanceof Y.Item)) return 'elsewhere'
      if (typeof struct.parent === 'string') return WATCHED_ROOTS.has(struct.parent) ? 'watched' : 'elsewhere'
      if (struct.parent instanceof Y.ID) return 'elsewhere' // inside a nested type: never a root map's entry
      if (struct.parent !== null) return this.watched.has(struct.parent as Y.AbstractType<unknown>) ? 'watched' : 'elsewhere'
      // Written without its parent: it has the parent of its left (or right) neighbour.
      const next = struct.origin ?? struct.rightOrigin
      if (next === null || depth >= MAX_CHAIN) return 'unknown'
      const ownStruct = own(next)
      return ownStruct ? whereIs(ownStruct, depth + 1) : existing(next, depth + 1)
    }
    for (const s of structs) if (whereIs(s, 0) !== 'elsewhere') return false
    for (const [client, deletes] of ds.clients) {
      for (const d of deletes) {
        // What is deleted must already be known: deleting ahead of the state leaves Yjs something pending.
        if (d.clock + d.len > this.state(client)) return false
        const run = this.pending.get(client)
        const storeEnd = Math.min(d.clock + d.len, run ? run.clock : Infinity)
        const list = store.clients.get(client)
        if (d.clock >= storeEnd || !list) continue
        for (let i = Y.findIndexSS(list, d.clock); i < list.length; i += 1) {
          const s = list[i] as Y.Item | Y.GC
          if (s.id.clock >= storeEnd) break
          if (whereIs(s, 0) !== 'elsewhere') return false
        }
      }
    }
    // Quiet: its deletions only remove board content, which this doc does not read; its inserts
    // become part of the pending GC run.
    for (const [client, r] of ranges) {
      const run = this.pending.get(client)
      if (run) run.len += r.end - r.clock
      else this.pending.set(client, { clock: r.clock, len: r.end - r.clock })
    }
    return true
  }

  /** Writes the pending run into the doc: one update of GC structs, one transaction. */
  flush(): void {
    if (this.pending.size === 0) return
    // Yjs update format v1: [clients] then per client [structs=1][client][clock][info=0 (GC)][length], then an empty delete set.
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, this.pending.size)
    for (const [client, run] of this.pending) {
      encoding.writeVarUint(e, 1)
      encoding.writeVarUint(e, client)
      encoding.writeVarUint(e, run.clock)
      encoding.writeUint8(e, 0)
      encoding.writeVarUint(e, run.len)
    }
    encoding.writeVarUint(e, 0)
    this.pending.clear()
    Y.applyUpdate(this.doc, encoding.toUint8Array(e))
  }
}
