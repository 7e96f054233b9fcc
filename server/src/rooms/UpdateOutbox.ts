// Document updates a room sends its connections. In a large room they are coalesced per
// event-loop turn: the updates accepted (and logged) during one turn leave as one merged update
// frame, written to every connection once, instead of one frame per update per connection. In a
// room of 500 people editing at once that is the difference between 250,000 frames a second and
// one per turn each (and as many fewer transactions in every browser). In a small room merging
// costs more than it saves (Y.mergeUpdates of two small updates takes ~40 µs; the frames of one
// turn leave a socket in one write anyway, see transport/socketWrites.ts): an update goes out at
// once, as one frame, as it always did.
//
// Who gets what: an update is never sent back to its own author, unless it carries a revert of
// what that author sent (refused changes). When a large room's turn holds the updates of several
// authors, everyone gets the one merged frame, authors included: applying an update one already
// has changes nothing in Yjs (the classic y-websocket server echoes every update to its author).
//
// Order: the room flushes the outbox before it sends a connection anything else (a sync step, a
// private message, presence), so frames keep the order the room produced them in.
import * as Y from 'yjs'
import type { Connection } from './Connection.ts'
import { atEndOfTurn } from './endOfTurn.ts'
import { syncUpdateFrame } from './roomCodec.ts'

interface Outgoing {
  update: Uint8Array
  /** The connection whose change this is, or null for the server's own writes. */
  author: Connection | null
  /** The author gets it too (it reverts what the author sent). */
  toAuthor: boolean
}

/** Rooms with at least this many connections coalesce their updates per turn (see above). */
export const COALESCE_FROM_CONNECTIONS = 32

export class UpdateOutbox {
  private pending: Outgoing[] = []
  private scheduled = false
  private readonly connections: ReadonlySet<Connection>
  private readonly coalesceFrom: number

  constructor(connections: ReadonlySet<Connection>, coalesceFrom = COALESCE_FROM_CONNECTIONS) {
    this.connections = connections
    this.coalesceFrom = coalesceFrom
  }

  /** Sends an accepted update to everyone in the room (see above for its author): now, or at the end of this turn. */
  add(update: Uint8Array, author: Connection | null, toAuthor: boolean): void {
    this.pending.push({ update, author, toAuthor })
    if (this.connections.size < this.coalesceFrom) {
      this.flush()
      return
    }
    if (!this.scheduled) {
      this.scheduled = true
      atEndOfTurn(this.onTurnEnd)
    }
  }

  private readonly onTurnEnd = (): void => {
    this.scheduled = false
    this.flush()
  }

  /** Sends what is queued now (the room calls this before sending anything else). */
  flush(): void {
    const batch = this.pending
    if (batch.length === 0) return
    this.pending = []
    const update = batch.length === 1 ? (batch[0] as Outgoing).update : Y.mergeUpdates(batch.map((o) => o.update))
    const frame = syncUpdateFrame(update)
    const skipped = soleAuthor(batch)
    for (const conn of this.connections) if (conn !== skipped) conn.send(frame)
  }

  /** Drops what is queued (the room is gone). */
  clear(): void {
    this.pending = []
  }
}

/** The one connection all of the batch came from and none of it must go back to, if any. */
function soleAuthor(batch: readonly Outgoing[]): Connection | null {
  const author = (batch[0] as Outgoing).author
  if (author === null) return null
  for (const o of batch) if (o.author !== author || o.toAuthor) return null
  return author
}
