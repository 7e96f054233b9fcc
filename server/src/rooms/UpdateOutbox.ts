// Document updates a room sends its connections, coalesced per event-loop turn: the updates it
// accepted (and logged) during one turn leave as one merged update frame, written to every
// connection once, instead of one frame per update per connection. In a room of 500 people
// editing at once that is the difference between 250,000 frames a second and one per turn each.
//
// Who gets what: an update is never sent back to its own author (as before), unless it carries a
// revert of what that author sent (refused changes). When a turn holds the updates of several
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

export class UpdateOutbox {
  private pending: Outgoing[] = []
  private scheduled = false
  private readonly connections: ReadonlySet<Connection>

  constructor(connections: ReadonlySet<Connection>) {
    this.connections = connections
  }

  /** Queues an accepted update for everyone in the room (see above for its author). */
  add(update: Uint8Array, author: Connection | null, toAuthor: boolean): void {
    this.pending.push({ update, author, toAuthor })
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
