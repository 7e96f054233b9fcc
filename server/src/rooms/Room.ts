// One live session: its Y.Doc, the connections on it, presence, and the path of every update:
// bounded decode → apply → rules (revert if refused) → log (group commit) → fan-out → "saved".
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { CloseCode, CLOSE_REASONS, Root, SERVER_ORIGIN, type Participant } from '@sandbox/shared'
import type { Logger } from '../log.ts'
import type { Storage } from '../storage/Storage.ts'
import { admitUpdate } from './admitUpdate.ts'
import type { Place } from './checkPlacement.ts'
import type { Connection } from './Connection.ts'
import { ConnectionBudgets } from './connectionBudget.ts'
import type { CheckpointSpacing } from './checkpointPolicy.ts'
import type { CommitListener, Persister } from './Persister.ts'
import { awarenessFrame, RoomPresence } from './RoomPresence.ts'
import { RoomCheckpoints } from './RoomCheckpoints.ts'
import { RoomSecrets, type StoredSecrets } from './RoomSecrets.ts'
import { SavedAcks } from './SavedAcks.ts'
import { TransactionJudge } from './TransactionJudge.ts'
import { decodeClientMessage, isEmptyStateVector, syncStep2Frame } from './roomCodec.ts'
import { UpdateOutbox } from './UpdateOutbox.ts'
import { WelcomeFrames } from './WelcomeFrames.ts'

export interface RoomLimits {
  maxDocBytes: number
  maxSessionStorageBytes: number
  /** See Config.judgeBoard: off only in the benchmark that measures its cost. */
  judgeBoard?: boolean
  /** When to checkpoint, and which checkpoints to thin (rooms/checkpointPolicy.ts). */
  checkpointSpacing: CheckpointSpacing
}

/**
 * Where a change to the document comes from, as the transaction's origin: a client (its
 * Connection: judged by the rules, acknowledged if it opted in, echoed back only when reverted) or
 * the server itself (SERVER_ORIGIN: participant records, reverts, reveals, carry-over; the
 * baseline, never judged). There is no third kind: another process of the deployment never applies
 * changes here, it relays its clients' frames byte for byte (cluster/relay.ts), so they arrive as
 * clients' changes, and nothing is ever logged twice.
 */
export type ChangeOrigin = Connection | typeof SERVER_ORIGIN

/**
 * Read by RoomManager before a room is built (the constructor does no I/O): stored bytes (log and
 * checkpoints), secrets, and where the checkpoint policy stands (without it: a checkpoint once the
 * log after loading reaches the document's size, later than needed but never too soon).
 */
export type LoadedRoomState = { storedBytes: number; secrets: StoredSecrets; sinceCheckpoint?: { checkpointBytes: number; updateBytes: number } }

export interface RoomDeps {
  storage: Storage
  persister: Persister
  log: Logger
  limits: RoomLimits
  /** The lease this process holds on the room (PostgreSQL deployments): every write it makes is fenced by it. */
  epoch?: number
  /** Called when storage will not take this room's writes any more (its lease moved, its rows refused). */
  onLost?(reason: string): void
  /** Called after a checkpoint up to `seq` is stored (the replay timeline's summary follows it). */
  onCheckpoint?(seq: number): void
}

export class Room implements CommitListener {
  readonly id: string
  readonly doc: Y.Doc
  readonly connections = new Set<Connection>()
  readonly presence: RoomPresence
  /** Private stickies and hidden ballots, kept out of the document until their reveal. */
  readonly secrets: RoomSecrets
  private readonly judge: TransactionJudge
  private readonly budgets: ConnectionBudgets
  /** Where each document type sits (see checkPlacement), cached across updates. */
  private readonly placeCache = new WeakMap<object, Place | null>()
  private readonly deps: RoomDeps
  private readonly log: Logger
  private seq: number
  private lastAt = 0
  /** Document size, stored bytes (the quota) and the checkpoint policy. */
  private readonly checkpoints: RoomCheckpoints
  /** Updates emitted while a client's update is being judged; flushed as one after the verdict. */
  private captured: Uint8Array[] | null = null
  /** The Yjs client ids the update being judged has structs of (what its author may have written with). */
  private capturedClients: readonly number[] = []
  /** Accepted updates, sent to everyone once per event-loop turn. */
  private readonly outbox: UpdateOutbox
  /** Writes awaiting their commit, and the "saved" frames their authors get. */
  private readonly acks: SavedAcks
  private destroyed = false
  /** The document, its state vector and both as sync frames, encoded once per change for every newcomer. */
  private readonly welcome: WelcomeFrames
  /** The document as loaded, before the room wrote anything (what early newcomers were given). */
  private readonly loaded: { seq: number; stateVector: Uint8Array }

  constructor(id: string, doc: Y.Doc, seq: number, checkpointSeq: number, approxDocBytes: number, lastAt: number, loaded: LoadedRoomState, deps: RoomDeps) {
    this.id = id
    // Times stay monotonic across restarts, and a checkpoint written before any new update is
    // stamped with the time of the last update it holds (not 0), so replay seeks stay correct.
    this.lastAt = lastAt
    this.doc = doc
    this.seq = seq
    this.loaded = { seq, stateVector: Y.encodeStateVector(doc) }
    this.acks = new SavedAcks(doc, seq)
    this.deps = deps
    this.log = deps.log.child({ session: id })
    this.checkpoints = new RoomCheckpoints(id, checkpointSeq, approxDocBytes, loaded.storedBytes, loaded.sinceCheckpoint, {
      storage: deps.storage,
      log: this.log,
      spacing: deps.limits.checkpointSpacing,
      epoch: deps.epoch,
      onFenced: () => this.onLost('its lease moved to another process'),
      onWritten: (seq) => deps.onCheckpoint?.(seq),
    })
    this.judge = new TransactionJudge(doc, id, deps.limits.judgeBoard !== false)
    this.budgets = new ConnectionBudgets(this.log)
    this.welcome = new WelcomeFrames(doc)
    this.outbox = new UpdateOutbox(this.connections)
    this.presence = new RoomPresence(doc, this.connections, this.budgets, () => this.outbox.flush())
    doc.on('afterTransaction', this.onAfterTransaction)
    doc.on('update', this.onUpdate)
    this.secrets = new RoomSecrets(this, loaded.secrets, deps.storage, this.log)
    const migrated = this.judge.board.migrate()
    if (migrated > 0) this.log.info({ event: 'room.migrated', records: migrated }, 'board migrated to this build’s schema')
    this.secrets.settle(true)
  }

  get awareness(): awarenessProtocol.Awareness {
    return this.presence.awareness
  }

  /** The whole document as one update (the same bytes for everyone until the next change). */
  fullState(): Uint8Array {
    return this.welcome.fullState()
  }

  /** Sets the full-state bytes when they are already at hand (a checkpoint with no tail after it). */
  primeFullState(state: Uint8Array): void {
    this.welcome.prime(state)
  }

  /** Sends one connection a frame of its own, after what the room queued for everyone (frames keep their order). */
  send(conn: Connection, frame: Uint8Array): void {
    this.outbox.flush()
    conn.send(frame)
  }

  /** What the session occupies in storage (log and checkpoints), as the quota counts it. */
  get storedBytes(): number {
    return this.checkpoints.storedBytes
  }

  /** The newest checkpoint's stored size (where the checkpoint policy stands). */
  get checkpointBytes(): number {
    return this.checkpoints.checkpointBytes
  }

  get pendingSaves(): number {
    return this.seq - this.acks.lastCommittedSeq
  }

  // ── connections ────────────────────────────────────────────────────────────────

  /**
   * `servedSeq`: the connection was handed the stored document up to this seq before the room was
   * built (rooms/earlyState.ts); what the room wrote since (a migration on load) follows it.
   */
  addConnection(conn: Connection, servedSeq?: number): void {
    // What was queued before the newcomer came goes to the others (the newcomer's copy holds it).
    this.outbox.flush()
    this.connections.add(conn)
    if (servedSeq !== undefined && servedSeq !== this.seq) {
      conn.send(syncStep2Frame(servedSeq === this.loaded.seq ? Y.encodeStateAsUpdate(this.doc, this.loaded.stateVector) : this.fullState()))
    }
    conn.send(this.welcome.step1Frame())
    const presence = this.presence.fullFrame()
    if (presence) conn.send(presence)
    this.secrets.welcome(conn)
  }

  removeConnection(conn: Connection): void {
    if (!this.connections.delete(conn)) return
    this.presence.remove(conn)
  }

  /** Handles one binary frame. Returns a close code when the connection must be closed. */
  handleMessage(conn: Connection, data: Uint8Array): number | null {
    const message = decodeClientMessage(data)
    switch (message.type) {
      case 'syncStep1':
        // A newcomer needs everything: the same bytes serve every newcomer until the next change.
        this.send(conn, isEmptyStateVector(message.stateVector) ? this.welcome.fullStateFrame() : syncStep2Frame(Y.encodeStateAsUpdate(this.doc, message.stateVector)))
        return null
      case 'update':
        return this.applyClientUpdate(conn, message.update)
      case 'awareness':
        this.presence.apply(conn, message.update)
        return null
      case 'queryAwareness':
        this.send(conn, this.presence.fullFrame() ?? awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [])))
        return null
      case 'private':
        // Sandbox's own channel: only for connections that opted in to Sandbox's message types.
        if (!conn.wantsAcks) return CloseCode.malformed
        return this.secrets.handle(conn, message.decoder, message.end)
      case 'malformed':
        return CloseCode.malformed
    }
  }

  // ── document updates ─────────────────────────────────────────────────────────

  private applyClientUpdate(conn: Connection, update: Uint8Array): number | null {
    if (conn.role === 'viewer') {
      // Stock providers send their (usually empty) state on connect; a viewer's writes are
      // dropped without storing them, and the connection stays.
      if (update.length > 2) this.budgets.of(conn).log.warn({ event: 'update.dropped_viewer', bytes: update.length }, 'viewer update dropped')
      return null
    }
    // A client with nothing answers the room's step 1 with the empty update (no structs, no
    // deletions): nothing to apply, and no budget made for a connection that may never write.
    if (update.length === 2 && update[0] === 0 && update[1] === 0) return null
    const budget = this.budgets.of(conn)
    // Checked before Yjs sees it (admitUpdate.ts).
    const summary = admitUpdate(this.doc, update, budget, this.placeCache, this.deps.limits.judgeBoard !== false)
    if (typeof summary === 'number') return summary
    if (this.deps.persister.full) {
      // Storage is away and memory is bounded: not applied, so the client keeps it and resends it later.
      budget.log.warn({ event: 'update.saving_paused', pendingSaves: this.pendingSaves }, CLOSE_REASONS.savingPaused)
      return CloseCode.savingPaused
    }
    if (this.storedBytes + update.length > this.deps.limits.maxSessionStorageBytes) {
      budget.log.warn({ event: 'room.storage_quota', bytes: this.storedBytes }, CLOSE_REASONS.storageQuota)
      return CloseCode.storageQuota
    }
    if (this.checkpoints.docBytes + update.length > this.deps.limits.maxDocBytes) {
      budget.log.warn({ event: 'room.doc_too_large', bytes: this.checkpoints.docBytes }, CLOSE_REASONS.documentTooLarge)
      return CloseCode.documentTooLarge
    }
    this.judge.begin()
    this.captured = []
    this.capturedClients = summary.clients
    let refusal: string | null = null
    let broken = false
    try {
      try {
        Y.applyUpdate(this.doc, update, conn)
      } catch (error) {
        // Yjs can throw halfway through a crafted update, after integrating part of it: that
        // part is reverted unjudged, and the connection is closed as malformed.
        broken = true
        budget.log.warn({ event: 'update.malformed', err: (error as Error).message }, CLOSE_REASONS.malformed)
      }
      refusal = this.judge.judge(conn, broken)
    } finally {
      const captured = this.captured
      this.captured = null
      if (captured.length > 0) {
        const merged = captured.length === 1 ? (captured[0] as Uint8Array) : Y.mergeUpdates(captured)
        // A refused update goes back to its sender too: the revert brings that client in line.
        this.record(merged, conn, refusal !== null || broken)
      } else if (!broken && conn.wantsAcks) {
        this.acks.known(conn, update, this.seq)
      }
    }
    if (broken) {
      this.refusePending(conn)
      return CloseCode.malformed
    }
    if (refusal !== null) {
      // Each kind of refusal is logged once per connection; a connection that keeps sending
      // refused changes is closed.
      const reasonKey = refusal.slice(0, 60)
      if (!budget.loggedReasons.has(reasonKey)) {
        budget.loggedReasons.add(reasonKey)
        budget.log.warn({ event: 'update.refused', participant: conn.participantId, reason: refusal }, 'update refused')
      }
      if (!budget.refusals.take()) return CloseCode.tooManyRefusals
    }
    // What was accepted may call for a reveal (private writing ended, the votes revealed).
    if (!broken) this.secrets.settle()
    return this.refusePending(conn)
  }

  /**
   * Structs whose dependencies are missing wait in `store.pendingStructs` and would integrate later
   * inside someone else's transaction — judged with that connection's role (a participant could
   * plant a phase change that goes live with the facilitator's next write) — and
   * `encodeStateAsUpdate` hands them to new clients (sync step 2) and checkpoints without them ever
   * passing the rules or the log. So nothing stays pending: it is dropped, and the sender is asked
   * for everything it has that the room lacks (a sync step 1 with the room's state vector); its
   * step 2 answer carries the dropped structs again, with their dependencies, judged as one update.
   * This is the ordinary race after a reconnect (a failover, a restart): a client's new edit
   * overtakes the step 2 it owes, and nobody is closed for it.
   */
  private refusePending(conn: Connection): number | null {
    const store = this.doc.store
    if (store.pendingStructs === null && store.pendingDs === null) return null
    const budget = this.budgets.of(conn)
    if (!budget.loggedReasons.has('resync')) {
      budget.loggedReasons.add('resync')
      this.log.info({ event: 'update.resync', conn: conn.id, missing: store.pendingStructs?.missing.size ?? 0 }, 'an update arrived before what it builds on; asked the client for all it has')
    }
    store.pendingStructs = null
    store.pendingDs = null
    this.send(conn, this.welcome.step1Frame())
    return null
  }

  private readonly onAfterTransaction = (tr: Y.Transaction): void => {
    const origin = tr.origin as ChangeOrigin
    const byClient = this.captured !== null && this.connections.has(origin as Connection)
    // Server writes (participant records, reverts) are the baseline by definition.
    this.judge.observe(tr, byClient)
    if (byClient) {
      // Only the update's own client ids can have moved (not a walk over every client in the document).
      for (const client of this.capturedClients) {
        if (tr.afterState.get(client) !== tr.beforeState.get(client)) (origin as Connection).writtenClientIds.add(client)
      }
    }
  }

  private readonly onUpdate = (update: Uint8Array, origin: ChangeOrigin): void => {
    this.welcome.changed()
    if (this.captured) {
      this.captured.push(update)
      return
    }
    this.record(update, origin)
  }

  /** Log the update (durable after the next group commit) and queue it for everyone else (UpdateOutbox). */
  private record(update: Uint8Array, origin: ChangeOrigin, includeAuthor = false): void {
    const at = Math.max(Date.now(), this.lastAt)
    this.lastAt = at
    this.seq += 1
    this.checkpoints.logged(update.length)
    const author = this.connections.has(origin as Connection) ? (origin as Connection) : null
    this.deps.persister.enqueue(
      { sessionId: this.id, seq: this.seq, at, participantId: author?.participantId ?? null, update, epoch: this.deps.epoch },
      this,
    )
    if (author?.wantsAcks) this.acks.wrote(author, this.seq)
    this.outbox.add(update, author, includeAuthor)
  }

  /** Server-side writes (participant records): logged and broadcast like any update. */
  transactAsServer(fn: () => void): void {
    this.doc.transact(fn, SERVER_ORIGIN)
  }

  recordParticipant(p: Participant): void {
    this.transactAsServer(() => this.doc.getMap(Root.participants).set(p.id, p))
  }

  onCommitted(seq: number): void {
    if (this.destroyed) return
    this.acks.committed(seq, this.connections)
    if (this.checkpoints.due(this.seq)) void this.checkpoint()
  }

  /**
   * Writes the whole state as a checkpoint, if everything is committed and something is new
   * (after the checkpoint write under way, if any). Resolves whether one was written; a failed
   * write is logged, and the update log still has everything.
   */
  checkpoint(): Promise<boolean> {
    return this.checkpoints.write(() =>
      this.destroyed || this.acks.lastCommittedSeq !== this.seq ? null : { seq: this.seq, at: this.lastAt, state: () => this.fullState() },
    )
  }

  /**
   * This process may no longer serve the room: its clients are closed (they reconnect, reach the
   * new owner and resend what was never acknowledged) and the owner of the room drops it.
   */
  onLost(reason: string): void {
    if (this.destroyed) return
    this.log.warn({ event: 'room.lost', reason, unsaved: this.pendingSaves }, 'this process gave the room up')
    this.closeAll(CloseCode.roomMoved, CLOSE_REASONS.roomMoved)
    this.deps.onLost?.(reason)
  }

  closeAll(code: number, reason: string): void {
    this.outbox.flush()
    for (const conn of [...this.connections]) conn.close(code, reason)
  }

  get isDestroyed(): boolean {
    return this.destroyed
  }

  destroy(): void {
    this.destroyed = true
    this.outbox.clear()
    this.doc.off('afterTransaction', this.onAfterTransaction)
    this.doc.off('update', this.onUpdate)
    this.presence.destroy()
    this.doc.destroy()
  }
}
