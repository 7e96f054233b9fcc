// One live session: its Y.Doc, the connections on it, presence, and the path of every update:
// bounded decode → apply → rules (revert if refused) → log (group commit) → fan-out → "saved".
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { CloseCode, CLOSE_REASONS, MessageType, Root, ROOT_NAMES, SERVER_ORIGIN, type Participant } from '@sandbox/shared'
import type { Logger } from '../log.ts'
import type { Storage } from '../storage/Storage.ts'
import { readAwarenessUpdate, writeAwarenessUpdate, type AwarenessEntry } from './awarenessFilter.ts'
import type { Connection } from './Connection.ts'
import type { CommitListener, Persister } from './Persister.ts'
import { UpdateGuard, type GuardedKey } from './UpdateGuard.ts'
import { validateUpdate } from './validateUpdate.ts'

export interface RoomLimits {
  maxDocBytes: number
  checkpointEveryUpdates: number
}

export interface RoomDeps {
  storage: Storage
  persister: Persister
  log: Logger
  limits: RoomLimits
}

type SyncFrame = Uint8Array

const ANON_COLOR = '#868e96'
/** A tab has one awareness client id (a few after reconnects); more is someone inflating presence. */
const MAX_AWARENESS_IDS_PER_CONNECTION = 4

function syncUpdateFrame(update: Uint8Array): SyncFrame {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

/** An encoded state vector with no entries: the sender has nothing yet. */
const isEmptyStateVector = (sv: Uint8Array): boolean => sv.length === 1 && sv[0] === 0

function awarenessFrame(update: Uint8Array): SyncFrame {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.awareness)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

export class Room implements CommitListener {
  readonly id: string
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  readonly connections = new Set<Connection>()
  private readonly guard: UpdateGuard
  private readonly deps: RoomDeps
  private readonly log: Logger
  private seq: number
  private lastAt = 0
  private checkpointSeq: number
  private approxDocBytes: number
  /** Updates emitted while a client's update is being judged; flushed as one after the verdict. */
  private captured: Uint8Array[] | null = null
  /** Presence changes of this event-loop turn, sent as one frame (see onAwarenessUpdate). */
  private readonly awarenessChanged = new Set<number>()
  private awarenessFlush: NodeJS.Immediate | null = null
  private touchedByClient = new Set<GuardedKey>()
  private unsavedWriters = new Set<Connection>()
  private lastCommittedSeq: number
  /** The whole document as one update, kept until the next change (see fullState). */
  private encodedState: Uint8Array | null = null

  constructor(id: string, doc: Y.Doc, seq: number, checkpointSeq: number, approxDocBytes: number, lastAt: number, deps: RoomDeps) {
    this.id = id
    // Times stay monotonic across restarts, and a checkpoint written before any new update is
    // stamped with the time of the last update it holds (not 0), so replay seeks stay correct.
    this.lastAt = lastAt
    this.doc = doc
    this.seq = seq
    this.lastCommittedSeq = seq
    this.checkpointSeq = checkpointSeq
    this.approxDocBytes = approxDocBytes
    this.deps = deps
    this.log = deps.log.child({ session: id })
    this.guard = new UpdateGuard(doc)
    this.awareness = new awarenessProtocol.Awareness(doc)
    this.awareness.setLocalState(null)
    doc.on('afterTransaction', this.onAfterTransaction)
    doc.on('update', this.onUpdate)
    this.awareness.on('update', this.onAwarenessUpdate)
  }

  /**
   * The whole document as one update. Encoding a large board takes tens of milliseconds, and
   * when a meeting starts everyone opens the link at once: they all get the same bytes.
   */
  fullState(): Uint8Array {
    return (this.encodedState ??= Y.encodeStateAsUpdate(this.doc))
  }

  /** Sets the full-state bytes when they are already at hand (a checkpoint with no tail after it). */
  primeFullState(state: Uint8Array): void {
    this.encodedState = state
  }

  get pendingSaves(): number {
    return this.seq - this.lastCommittedSeq
  }

  // ── connections ────────────────────────────────────────────────────────────────

  addConnection(conn: Connection): void {
    this.connections.add(conn)
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MessageType.sync)
    syncProtocol.writeSyncStep1(e, this.doc)
    conn.send(encoding.toUint8Array(e))
    const states = this.awareness.getStates()
    if (states.size > 0) conn.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])))
  }

  removeConnection(conn: Connection): void {
    if (!this.connections.delete(conn)) return
    this.unsavedWriters.delete(conn)
    const owned = [...conn.awarenessClientIds].filter((id) => this.awareness.getStates().has(id))
    if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, conn)
  }

  /** Handles one binary frame. Returns a close code when the connection must be closed. */
  handleMessage(conn: Connection, data: Uint8Array): number | null {
    const d = decoding.createDecoder(data)
    const type = decoding.readVarUint(d)
    switch (type) {
      case MessageType.sync: {
        const sub = decoding.readVarUint(d)
        if (sub === syncProtocol.messageYjsSyncStep1) {
          const stateVector = decoding.readVarUint8Array(d)
          if (d.pos !== data.length) return CloseCode.malformed
          const e = encoding.createEncoder()
          encoding.writeVarUint(e, MessageType.sync)
          if (isEmptyStateVector(stateVector)) {
            // A newcomer needs everything: the same bytes serve every newcomer until the next change.
            encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2)
            encoding.writeVarUint8Array(e, this.fullState())
          } else {
            syncProtocol.writeSyncStep2(e, this.doc, stateVector)
          }
          conn.send(encoding.toUint8Array(e))
          return null
        }
        if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) {
          const update = decoding.readVarUint8Array(d)
          if (d.pos !== data.length) return CloseCode.malformed
          return this.applyClientUpdate(conn, update)
        }
        return CloseCode.malformed
      }
      case MessageType.awareness: {
        const update = decoding.readVarUint8Array(d)
        if (d.pos !== data.length) return CloseCode.malformed
        this.applyClientAwareness(conn, update)
        return null
      }
      case MessageType.queryAwareness: {
        const states = this.awareness.getStates()
        conn.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])))
        return null
      }
      default:
        return CloseCode.malformed
    }
  }

  // ── document updates ─────────────────────────────────────────────────────────

  private applyClientUpdate(conn: Connection, update: Uint8Array): number | null {
    if (conn.role === 'viewer') {
      // Stock providers send their (usually empty) state on connect; a viewer's writes are
      // dropped without storing them, and the connection stays.
      if (update.length > 2) this.log.warn({ event: 'update.dropped_viewer', conn: conn.id, bytes: update.length }, 'viewer update dropped')
      return null
    }
    const roots = validateUpdate(update)
    const unknown = roots.filter((r) => !ROOT_NAMES.includes(r))
    if (unknown.length > 0) {
      this.log.warn({ event: 'update.refused', conn: conn.id, reason: 'unknown top-level type', roots: unknown }, 'update refused')
      return CloseCode.updateRefused
    }
    if (this.approxDocBytes + update.length > this.deps.limits.maxDocBytes) {
      this.log.warn({ event: 'room.doc_too_large', conn: conn.id, bytes: this.approxDocBytes }, CLOSE_REASONS.documentTooLarge)
      return CloseCode.documentTooLarge
    }
    this.captured = []
    this.touchedByClient.clear()
    let refused = false
    try {
      Y.applyUpdate(this.doc, update, conn)
      if (this.touchedByClient.size > 0) {
        const touched = [...this.touchedByClient]
        const verdict = this.guard.judge({ role: conn.role, participantId: conn.participantId, identified: conn.identified }, touched)
        if (!verdict.ok) {
          this.log.warn({ event: 'update.refused', conn: conn.id, participant: conn.participantId, reason: verdict.reason }, 'update refused')
          this.guard.revert(touched)
          refused = true
        }
        this.guard.accept(touched)
      }
    } finally {
      const captured = this.captured
      this.captured = null
      if (captured.length > 0) {
        const merged = captured.length === 1 ? (captured[0] as Uint8Array) : Y.mergeUpdates(captured)
        // A refused update goes back to its sender too: the revert brings that client in line.
        this.record(merged, conn, refused)
      }
    }
    return this.refusePending(conn)
  }

  /**
   * Structs whose dependencies are missing wait in `store.pendingStructs` and would integrate later
   * inside someone else's transaction — judged with that connection's role (a participant could
   * plant a phase change that goes live with the facilitator's next write) — and
   * `encodeStateAsUpdate` hands them to new clients (sync step 2) and checkpoints without them ever
   * passing the rules or the log. So nothing stays pending: it is dropped and the sender closed; a
   * stock client reconnects, and its sync step 2 then carries everything it has, dependencies too.
   */
  private refusePending(conn: Connection): number | null {
    const store = this.doc.store
    if (store.pendingStructs === null && store.pendingDs === null) return null
    this.log.warn(
      { event: 'update.refused', conn: conn.id, reason: 'missing dependencies', missing: store.pendingStructs?.missing.size ?? 0 },
      CLOSE_REASONS.updateRefused,
    )
    store.pendingStructs = null
    store.pendingDs = null
    return CloseCode.updateRefused
  }

  private readonly onAfterTransaction = (tr: Y.Transaction): void => {
    const touched = this.guard.touched(tr)
    const origin = tr.origin as unknown
    if (this.captured && this.connections.has(origin as Connection)) {
      for (const k of touched) this.touchedByClient.add(k)
      const conn = origin as Connection
      tr.afterState.forEach((clock, client) => {
        if (tr.beforeState.get(client) !== clock) conn.writtenClientIds.add(client)
      })
    } else if (touched.length > 0) {
      // Server writes (participant records, reverts) are the baseline by definition.
      this.guard.accept(touched)
    }
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    this.encodedState = null
    if (this.captured) {
      this.captured.push(update)
      return
    }
    this.record(update, origin)
  }

  /** Log the update (durable after the next group commit) and send it to everyone else. */
  private record(update: Uint8Array, origin: unknown, includeAuthor = false): void {
    const at = Math.max(Date.now(), this.lastAt)
    this.lastAt = at
    this.seq += 1
    this.approxDocBytes += update.length
    const author = this.connections.has(origin as Connection) ? (origin as Connection) : null
    this.deps.persister.enqueue(
      { sessionId: this.id, seq: this.seq, at, participantId: author?.participantId ?? null, update },
      this,
    )
    if (author?.wantsAcks) this.unsavedWriters.add(author)
    const frame = syncUpdateFrame(update)
    for (const conn of this.connections) {
      if (conn !== author || includeAuthor) conn.send(frame)
    }
  }

  /** Server-side writes (participant records): logged and broadcast like any update. */
  transactAsServer(fn: () => void): void {
    this.doc.transact(fn, SERVER_ORIGIN)
  }

  recordParticipant(p: Participant): void {
    this.transactAsServer(() => this.doc.getMap(Root.participants).set(p.id, p))
  }

  onCommitted(): void {
    this.lastCommittedSeq = this.seq
    for (const conn of this.unsavedWriters) {
      if (!this.connections.has(conn)) continue
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MessageType.saved)
      const sv = encoding.createEncoder()
      encoding.writeVarUint(sv, conn.writtenClientIds.size)
      for (const client of conn.writtenClientIds) {
        encoding.writeVarUint(sv, client)
        encoding.writeVarUint(sv, Y.getState(this.doc.store, client))
      }
      encoding.writeVarUint8Array(e, encoding.toUint8Array(sv))
      conn.send(encoding.toUint8Array(e))
    }
    this.unsavedWriters.clear()
    if (this.seq - this.checkpointSeq >= this.deps.limits.checkpointEveryUpdates) this.checkpoint()
  }

  /** Writes the whole state as a checkpoint, if everything is committed and something is new. */
  checkpoint(): boolean {
    if (this.lastCommittedSeq !== this.seq || this.checkpointSeq === this.seq) return false
    try {
      const state = this.fullState()
      this.deps.storage.writeCheckpoint(this.id, { seq: this.seq, at: this.lastAt, state })
      this.checkpointSeq = this.seq
      this.approxDocBytes = state.length
      this.log.debug({ event: 'room.checkpoint', seq: this.seq, bytes: state.length }, 'checkpoint written')
      return true
    } catch (error) {
      this.log.error({ event: 'room.checkpoint_failed', err: error }, 'checkpoint failed; the update log still has everything')
      return false
    }
  }

  // ── presence ─────────────────────────────────────────────────────────────────

  private applyClientAwareness(conn: Connection, update: Uint8Array): void {
    const entries = readAwarenessUpdate(update)
    const accepted: AwarenessEntry[] = []
    for (const entry of entries) {
      if (!conn.awarenessClientIds.has(entry.clientId)) {
        if (this.ownerOfAwarenessClient(entry.clientId)) {
          this.log.warn({ event: 'awareness.spoof_dropped', conn: conn.id, clientId: entry.clientId }, 'awareness for another connection dropped')
          continue
        }
        if (entry.state === null) continue
        if (conn.awarenessClientIds.size >= MAX_AWARENESS_IDS_PER_CONNECTION) {
          this.log.warn({ event: 'awareness.too_many_ids', conn: conn.id }, 'awareness for an extra client id dropped')
          continue
        }
        conn.awarenessClientIds.add(entry.clientId)
      }
      accepted.push({ ...entry, state: entry.state && this.withTrustedUser(conn, entry.state) })
    }
    if (accepted.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, writeAwarenessUpdate(accepted), conn)
  }

  private ownerOfAwarenessClient(clientId: number): Connection | null {
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

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    _origin: unknown,
  ): void => {
    // Coalesced per event-loop turn (as Hocuspocus does): with 100 people moving cursors, one frame
    // per turn instead of one per cursor move saves a socket write per connection per move, which
    // was the server's largest cost (bench/profile.ts). setImmediate adds no delay: it runs right
    // after the sockets that were readable in this turn have been read.
    for (const ids of [added, updated, removed]) for (const id of ids) this.awarenessChanged.add(id)
    if (this.awarenessChanged.size > 0) this.awarenessFlush ??= setImmediate(this.flushAwareness)
  }

  private readonly flushAwareness = (): void => {
    this.awarenessFlush = null
    const changed = [...this.awarenessChanged]
    this.awarenessChanged.clear()
    if (changed.length === 0 || this.connections.size === 0) return
    const frame = awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    for (const conn of this.connections) conn.send(frame)
  }

  destroy(): void {
    if (this.awarenessFlush) clearImmediate(this.awarenessFlush)
    this.doc.off('afterTransaction', this.onAfterTransaction)
    this.doc.off('update', this.onUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }
}
