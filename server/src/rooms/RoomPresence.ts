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
import { ConnectionLimits, type ConnectionBudgets } from './connectionBudget.ts'

const ANON_COLOR = '#868e96'

export function awarenessFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.awareness)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

export class RoomPresence {
  readonly awareness: awarenessProtocol.Awareness
  private readonly doc: Y.Doc
  private readonly connections: ReadonlySet<Connection>
  private readonly budgets: ConnectionBudgets
  /** Presence changes of this event-loop turn, sent as one frame (see onUpdate). */
  private readonly changed = new Set<number>()
  private flushTimer: NodeJS.Immediate | null = null
  /** Echoes of other people's presence dropped (stock providers re-broadcast what they receive). */
  echoesDropped = 0

  constructor(doc: Y.Doc, connections: ReadonlySet<Connection>, budgets: ConnectionBudgets) {
    this.doc = doc
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

  apply(conn: Connection, update: Uint8Array): void {
    const budget = this.budgets.of(conn)
    const entries = readAwarenessUpdate(update, ConnectionLimits.MAX_PRESENCE_STATE_BYTES)
    const accepted: AwarenessEntry[] = []
    for (const entry of entries) {
      if (!conn.awarenessClientIds.has(entry.clientId)) {
        if (this.ownerOf(entry.clientId)) {
          // Not an attack: a stock y-websocket provider re-broadcasts every presence change it
          // receives, so each client echoes everyone else's. Dropped without a log line.
          this.echoesDropped += 1
          continue
        }
        if (entry.state === null && !entry.oversized) continue
        if (conn.awarenessClientIds.size >= ConnectionLimits.MAX_PRESENCE_IDS) {
          budget.log.warn({ event: 'awareness.too_many_ids' }, 'presence for an extra client id dropped')
          continue
        }
        conn.awarenessClientIds.add(entry.clientId)
      }
      if (entry.oversized) {
        budget.log.warn({ event: 'awareness.too_large', limit: ConnectionLimits.MAX_PRESENCE_STATE_BYTES }, 'oversized presence dropped')
        continue
      }
      accepted.push({ ...entry, state: entry.state && this.withTrustedUser(conn, entry.state) })
    }
    if (accepted.length === 0) return
    const rewritten = writeAwarenessUpdate(accepted)
    if (!budget.presenceBytes.take(rewritten.length)) {
      budget.log.warn({ event: 'awareness.rate_limited', bytes: rewritten.length }, 'presence over its rate dropped')
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
    // was the server's largest cost (bench/profile.ts). setImmediate adds no delay: it runs right
    // after the sockets that were readable in this turn have been read.
    for (const ids of [added, updated, removed]) for (const id of ids) this.changed.add(id)
    if (this.changed.size > 0) this.flushTimer ??= setImmediate(this.flush)
  }

  private readonly flush = (): void => {
    this.flushTimer = null
    const changed = [...this.changed]
    this.changed.clear()
    if (changed.length === 0 || this.connections.size === 0) return
    const frame = awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    for (const conn of this.connections) conn.send(frame)
  }

  destroy(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer)
    this.awareness.destroy()
  }
}
