// "Saved" acknowledgements (Sandbox's MessageType.saved, for connections that opted in): which of a
// room's writes await their commit, and, once the log holds them, the clocks each author is told
// are durable. The room says what it logged (its seq) and what storage committed.
import * as Y from 'yjs'
import type { Connection } from './Connection.ts'
import { encodeSavedFrame } from '@sandbox/shared'

/** A write whose "saved" waits for its commit: its author, and the clocks it brought each of the author's clients to. */
type UnsavedWrite = { seq: number; conn: Connection; clocks: [client: number, clock: number][] }

export class SavedAcks {
  /** Writes awaiting their commit, in seq order. */
  private unsaved: UnsavedWrite[] = []
  private committedSeq: number
  private readonly doc: Y.Doc

  constructor(doc: Y.Doc, committedSeq: number) {
    this.doc = doc
    this.committedSeq = committedSeq
  }

  /** The newest seq storage holds. */
  get lastCommittedSeq(): number {
    return this.committedSeq
  }

  /** `author` wrote the update logged at `seq`: the clocks as of it, so a later write of the same author is acknowledged by its own commit. */
  wrote(author: Connection, seq: number): void {
    const clocks: [number, number][] = []
    for (const client of author.writtenClientIds) clocks.push([client, Y.getState(this.doc.store, client)])
    this.unsaved.push({ seq, conn: author, clocks })
  }

  /**
   * An update that changed nothing: the room has all of it already. After a failover that is the
   * usual case: the process that died had logged a client's last edits but not acknowledged them,
   * and the client sends them again. It is told they are saved (once the log holds everything the
   * room has, `seq`), or it would wait for an acknowledgement forever.
   */
  known(conn: Connection, update: Uint8Array, seq: number): void {
    const clocks: [number, number][] = []
    for (const client of Y.parseUpdateMeta(update).to.keys()) {
      const clock = Y.getState(this.doc.store, client)
      if (clock === 0) continue
      conn.writtenClientIds.add(client)
      clocks.push([client, clock])
    }
    if (clocks.length === 0) return
    if (this.committedSeq === seq) conn.send(encodeSavedFrame(clocks))
    else this.unsaved.push({ seq, conn, clocks })
  }

  /** Storage holds everything up to `seq`: each author still connected hears of its newest write among them. */
  committed(seq: number, connected: ReadonlySet<Connection>): void {
    this.committedSeq = Math.max(this.committedSeq, seq)
    let done = 0
    while (done < this.unsaved.length && (this.unsaved[done] as UnsavedWrite).seq <= seq) done++
    if (done === 0) return
    // Each author's newest committed write says it all: its clocks include the earlier ones.
    const newest = new Map<Connection, UnsavedWrite>()
    for (const w of this.unsaved.splice(0, done)) newest.set(w.conn, w)
    for (const [conn, w] of newest) if (connected.has(conn)) conn.send(encodeSavedFrame(w.clocks))
  }
}
