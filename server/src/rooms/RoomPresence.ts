// Presence (y-protocols awareness) of one room. A connection speaks only for the client ids it
// introduced (at most MAX_PRESENCE_IDS), names and colours come from the server's participant
// record, each state is bounded in size and each connection in presence bytes per second, and
// changes are sent to everyone once per event-loop turn.
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import type * as Y from 'yjs'
import { MessageType, Root, type Participant } from '@sandbox/shared'
import { readAwarenessUpdate, writeAwarenessUpdate, type AwarenessEntry } from './awarenessFilter.ts'
import type { Connection } from './Connection.ts'
import { ConnectionLimits, type ConnectionBudget, type ConnectionBudgets } from './connectionBudget.ts'
import { atEndOfTurn } from './endOfTurn.ts'

const ANON_COLOR = '#868e96'

export function awarenessFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.awareness)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

/** Two connections of one verified participant (anonymous sockets are never the same person). */
const samePerson = (a: Connection, b: Connection): boolean => a.identified && b.identified && a.participantId === b.participantId

/** A presence warning is written once per connection and kind: what happened, not how often. */
function logOnce(budget: ConnectionBudget, event: string, fields: Record<string, unknown>, message: string): void {
  if (budget.loggedReasons.has(event)) return
  budget.loggedReasons.add(event)
  budget.log.warn({ event, ...fields }, `${message} (logged once per connection)`)
}

export class RoomPresence {
  readonly awareness: awarenessProtocol.Awareness
  private readonly doc: Y.Doc
  private readonly connections: ReadonlySet<Connection>
  private readonly budgets: ConnectionBudgets
  /** Presence changes of this event-loop turn, sent as one frame (see onUpdate). */
  private readonly changed = new Set<number>()
  private flushQueued = false
  private destroyed = false
  /** Called before presence goes out: what the room queued before it leaves first (UpdateOutbox). */
  private readonly beforeSend: () => void
  /** Echoes, stale states and removals of others dropped without a word (see apply). */
  echoesDropped = 0
  /** Client ids a person's new socket took over from their stale one (see apply). */
  takenOver = 0

  constructor(doc: Y.Doc, connections: ReadonlySet<Connection>, budgets: ConnectionBudgets, beforeSend: () => void = () => {}) {
    this.doc = doc
    this.beforeSend = beforeSend
    this.connections = connections
    this.budgets = budgets
    this.awareness = new awarenessProtocol.Awareness(doc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onUpdate)
  }

  /** Everyone's presence as one frame, for a newcomer or a query. */
  fullFrame(): Uint8Array | null {
    const states = this.awareness.getStates()
    return states.size > 0 ? awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])) : null
  }

  remove(conn: Connection): void {
    const owned = [...conn.awarenessClientIds].filter((id) => this.awareness.getStates().has(id))
    if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, conn)
  }

  /**
   * What ordinary clients send that is not theirs, and why none of it is an attack or worth a log line:
   * - echoes: a stock y-websocket provider re-broadcasts every presence change it receives, so each
   *   client sends back everyone else's states, at the clock the server already has;
   * - removals of someone else: a client whose timer found another client silent for 30 s (a
   *   background tab's timers are throttled) broadcasts that client's removal;
   * - a reconnect the server has not noticed yet: after a network blip the old socket stays open
   *   here until the ping finds it dead (up to a minute), while the client, on a new socket, goes on
   *   with the same client id. Its newer states must win, or its presence freezes until then (this
   *   and the echoes were the 1,810 `awareness.spoof_dropped` lines of a 25-minute meeting).
   * A newer state for a client id another participant's connection introduced is the one real
   * spoof; it is dropped and logged once per connection.
   */
  apply(conn: Connection, update: Uint8Array): void {
    const budget = this.budgets.of(conn)
    const entries = readAwarenessUpdate(update, ConnectionLimits.MAX_PRESENCE_STATE_BYTES)
    const accepted: AwarenessEntry[] = []
    for (const entry of entries) {
      if (!conn.awarenessClientIds.has(entry.clientId)) {
        // As y-protocols judges it: only a higher clock than the one here changes anything.
        const newer = entry.clock > (this.awareness.meta.get(entry.clientId)?.clock ?? 0)
        if (!newer || (entry.state === null && !entry.oversized)) {
          // An echo, a stale state or someone else's removal: y-protocols would ignore or misapply it.
          this.echoesDropped += 1
          continue
        }
        const owner = this.ownerOf(entry.clientId)
        if (owner && !samePerson(owner, conn)) {
          logOnce(budget, 'awareness.spoof_dropped', { clientId: entry.clientId, owner: owner.id }, 'presence for another person’s client id dropped')
          continue
        }
        if (owner) {
          // The same person's client on a new socket: the old one is stale (see above).
          owner.awarenessClientIds.delete(entry.clientId)
          this.takenOver += 1
        } else if (conn.awarenessClientIds.size >= ConnectionLimits.MAX_PRESENCE_IDS) {
          logOnce(budget, 'awareness.too_many_ids', { clientId: entry.clientId }, 'presence for an extra client id dropped')
          continue
        }
        conn.awarenessClientIds.add(entry.clientId)
      }
      if (entry.oversized) {
        logOnce(budget, 'awareness.too_large', { limit: ConnectionLimits.MAX_PRESENCE_STATE_BYTES }, 'oversized presence dropped')
        continue
      }
      accepted.push({ ...entry, state: entry.state && this.withTrustedUser(conn, entry.state) })
    }
    if (accepted.length === 0) return
    const rewritten = writeAwarenessUpdate(accepted)
    if (!budget.presenceBytes.take(rewritten.length)) {
      logOnce(budget, 'awareness.rate_limited', { bytes: rewritten.length }, 'presence over its rate dropped')
      return
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, rewritten, conn)
  }

  private ownerOf(clientId: number): Connection | null {
    for (const c of this.connections) if (c.awarenessClientIds.has(clientId)) return c
    return null
  }

  private withTrustedUser(conn: Connection, state: Record<string, unknown>): Record<string, unknown> {
    const record = conn.identified ? (this.doc.getMap(Root.participants).get(conn.participantId) as Participant | undefined) : undefined
    const claimed = (state.user ?? {}) as { name?: unknown }
    const user = record
      ? { id: record.id, name: record.name, color: record.color, role: conn.role }
      : { id: conn.participantId, name: `${typeof claimed.name === 'string' ? claimed.name.slice(0, 40) : 'Guest'} (guest)`, color: ANON_COLOR, role: conn.role }
    return { ...state, user }
  }

  private readonly onUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    // Coalesced per event-loop turn (as Hocuspocus does): with 100 people moving cursors, one frame
    // per turn instead of one per cursor move saves a socket write per connection per move, which
    // was the server's largest cost (bench/profile.ts). The end of the turn adds no delay: it comes
    // right after the sockets that were readable in this turn have been read (endOfTurn.ts).
    for (const ids of [added, updated, removed]) for (const id of ids) this.changed.add(id)
    if (this.changed.size > 0 && !this.flushQueued) {
      this.flushQueued = true
      atEndOfTurn(this.flush)
    }
  }

  private readonly flush = (): void => {
    this.flushQueued = false
    const changed = [...this.changed]
    this.changed.clear()
    if (this.destroyed || changed.length === 0 || this.connections.size === 0) return
    this.beforeSend()
    const frame = awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    for (const conn of this.connections) conn.send(frame)
  }

  destroy(): void {
    this.destroyed = true
    this.awareness.destroy()
  }
}
