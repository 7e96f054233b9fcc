// Loads a room on first use (latest checkpoint + the log tail after it), creates new sessions with
// their seeded document, and unloads rooms that stayed empty for IDLE_UNLOAD_MS after a final
// checkpoint. In a deployment of several processes (PostgreSQL) a room is loaded only by the
// process that claimed its lease; the others are told who holds it, and relay to that process.
import * as Y from 'yjs'
import { SERVER_ORIGIN } from '@sandbox/shared'
import type { Logger } from '../log.ts'
import { rebuildDoc } from '../storage/rebuild.ts'
import type { LeaseHolder, SessionRow, Storage } from '../storage/Storage.ts'
import type { Ownership } from '../cluster/Ownership.ts'
import type { Persister } from './Persister.ts'
import { Room, type RoomLimits } from './Room.ts'
import { loadSecrets } from './RoomSecrets.ts'
import { readEarlyState, type EarlyState } from './earlyState.ts'

export interface RoomManagerOptions {
  storage: Storage
  persister: Persister
  log: Logger
  limits: RoomLimits
  idleUnloadMs: number
  /** Room leases (PostgreSQL deployments); without it this process owns every room. */
  ownership?: Ownership
  /** Called once per load, before anyone gets the room (the chat's watcher). */
  onRoomLoaded?: (sessionId: string, doc: Y.Doc) => void
  /** Called after a room stored a checkpoint up to `seq`. */
  onCheckpoint?: (sessionId: string, seq: number) => void
}

/** A room this process serves, or who serves it. */
export type Opened = { room: Room } | { heldBy: LeaseHolder; expiresInMs: number }

/**
 * Told, while a cold room this process now holds is being built, what it can hand newcomers at once
 * (rooms/earlyState.ts). Resolves once the caller has used it (or decided not to): the room is built
 * after every such caller resolved, or after EARLY_WAIT_MS.
 */
export type EarlyListener = (early: EarlyState) => Promise<void>

/**
 * How long a cold room's build waits for its newcomers to be handed the stored bytes: a round trip
 * (the upgrade's answer, then the client's sync step 1) and the bytes handed to the kernel.
 * Building blocks the process, so the bytes go out first; a slower client gets them from the
 * built room instead (or the rest of them once it is built).
 */
const EARLY_WAIT_MS = 50

/**
 * Rebuilds a session's document from storage: the newest good checkpoint, then every good update
 * after it (storage/rebuild.ts: corrupt rows are skipped and reported, never fatal). `seq` is the
 * log's last seq even when that row was skipped, so new updates never reuse a stored seq.
 */
export async function loadDoc(
  storage: Storage,
  sessionId: string,
  beforeBuild?: (storage: Storage) => Promise<Storage>,
): Promise<{
  doc: Y.Doc
  seq: number
  checkpointSeq: number
  bytes: number
  lastAt: number
  fullState: Uint8Array | null
  skipped: number
  /** The checkpoint's stored size and the update bytes applied after it (the checkpoint policy resumes from them). */
  sinceCheckpoint: { checkpointBytes: number; updateBytes: number }
}> {
  const rebuilt = await rebuildDoc(beforeBuild ? await beforeBuild(storage) : storage, sessionId)
  const seq = Math.max(rebuilt.seq, await storage.lastSeq(sessionId))
  // With nothing after it, the checkpoint bytes are already the whole document as one update.
  const fullState = rebuilt.checkpoint && rebuilt.tailRows === 0 && seq === rebuilt.checkpoint.seq ? rebuilt.checkpoint.state : null
  return {
    doc: rebuilt.doc,
    seq,
    checkpointSeq: rebuilt.checkpoint?.seq ?? 0,
    bytes: rebuilt.bytes,
    lastAt: rebuilt.lastAt,
    fullState,
    skipped: rebuilt.skippedCount,
    sinceCheckpoint: { checkpointBytes: rebuilt.checkpoint?.storedBytes ?? 0, updateBytes: rebuilt.bytes - (rebuilt.checkpoint?.state.length ?? 0) },
  }
}

export class RoomManager {
  private readonly rooms = new Map<string, Room>()
  /** Rooms being read from storage: everyone asking meanwhile gets the same room. */
  private readonly loading = new Map<string, Promise<Opened>>()
  /** How many times get() handed each room out: an unload during which it changed leaves the room loaded. */
  private readonly handedOut = new Map<string, number>()
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>()
  /** Callers waiting for a cold room who can use its stored bytes before it is built. */
  private readonly earlyListeners = new Map<string, Set<EarlyListener>>()
  private readonly opts: RoomManagerOptions

  constructor(opts: RoomManagerOptions) {
    this.opts = { ...opts }
  }

  /** Room leases for a deployment of several processes (known once this process listens, so set after). */
  useOwnership(ownership: Ownership): void {
    this.opts.ownership = ownership
  }

  get loaded(): ReadonlyMap<string, Room> {
    return this.rooms
  }

  /** Creates the session row and its seeded document, durably, before anyone can join. */
  async createSession(row: SessionRow): Promise<void> {
    // Loaded on first use: tldraw's schema is only needed here, and it slows every start.
    const { seedSessionDoc } = await import('@sandbox/shared/seed')
    const doc = new Y.Doc()
    seedSessionDoc(doc, row.title, row.createdAt, Math.floor(Math.random() * 2 ** 31))
    const state = Y.encodeStateAsUpdate(doc)
    doc.destroy()
    await this.opts.storage.createSession(row)
    await this.opts.storage.appendUpdates([{ sessionId: row.id, seq: 1, at: row.createdAt, participantId: null, update: state }])
  }

  /**
   * The live room, loaded from storage on first use, or (in a deployment of several processes)
   * the process that holds it. Call scheduleUnload when done with a room.
   */
  async open(sessionId: string, early?: EarlyListener): Promise<Opened> {
    this.cancelUnload(sessionId)
    const existing = this.rooms.get(sessionId)
    if (existing) {
      this.handOut(sessionId)
      return { room: existing }
    }
    if (early) {
      // Before the load starts: it looks for listeners once the stored bytes are read.
      const listeners = this.earlyListeners.get(sessionId) ?? new Set()
      listeners.add(early)
      this.earlyListeners.set(sessionId, listeners)
    }
    let loading = this.loading.get(sessionId)
    if (!loading) {
      loading = this.load(sessionId).finally(() => {
        this.loading.delete(sessionId)
        this.earlyListeners.delete(sessionId)
      })
      this.loading.set(sessionId, loading)
    }
    const opened = await loading
    if (!('room' in opened)) return opened
    this.cancelUnload(sessionId)
    this.handOut(sessionId)
    return opened
  }

  /** The live room; for callers in a single process (tests, tools), where no other process can hold it. */
  async get(sessionId: string): Promise<Room> {
    const opened = await this.open(sessionId)
    if (!('room' in opened)) throw new Error(`The room ${sessionId} is held by another process (${opened.heldBy.url}).`)
    return opened.room
  }

  private handOut(sessionId: string): void {
    this.handedOut.set(sessionId, (this.handedOut.get(sessionId) ?? 0) + 1)
  }

  private async load(sessionId: string): Promise<Opened> {
    const started = performance.now()
    const ownership = this.opts.ownership
    let epoch: number | undefined
    if (ownership) {
      const claim = await ownership.claim(sessionId)
      if (!('lease' in claim)) return claim
      epoch = claim.lease.epoch
    }
    try {
      const [{ doc, seq, checkpointSeq, bytes, lastAt, fullState, skipped, sinceCheckpoint }, storedBytes, secrets] = await Promise.all([
        loadDoc(this.opts.storage, sessionId, (storage) => this.handEarly(storage, sessionId)),
        this.opts.storage.storedBytes(sessionId),
        loadSecrets(this.opts.storage, sessionId),
      ])
      const room: Room = new Room(sessionId, doc, seq, checkpointSeq, bytes, lastAt, { storedBytes, secrets, sinceCheckpoint }, {
        storage: this.opts.storage,
        persister: this.opts.persister,
        log: this.opts.log,
        limits: this.opts.limits,
        epoch,
        onLost: () => this.drop(room),
        onCheckpoint: (seq) => this.opts.onCheckpoint?.(sessionId, seq),
      })
      if (fullState) room.primeFullState(fullState)
      this.opts.onRoomLoaded?.(sessionId, doc)
      this.rooms.set(sessionId, room)
      this.opts.log.info(
        { event: 'room.loaded', session: sessionId, seq, tail: seq - checkpointSeq, ...(epoch ? { epoch } : {}), ...(skipped > 0 ? { skipped } : {}), ms: +(performance.now() - started).toFixed(1) },
        'room loaded',
      )
      return { room }
    } catch (error) {
      await ownership?.release(sessionId)
      throw error
    }
  }

  /**
   * Reads the stored bytes of a cold room and hands them to the callers who can use them before the
   * room is built; returns the storage the rebuild reads from (the checkpoint already read).
   */
  private async handEarly(storage: Storage, sessionId: string): Promise<Storage> {
    if (!this.earlyListeners.get(sessionId)?.size) return storage
    const read = await readEarlyState(storage, sessionId)
    const listeners = [...(this.earlyListeners.get(sessionId) ?? [])]
    this.earlyListeners.delete(sessionId)
    const early = read.early
    if (early && listeners.length > 0) {
      let timer: NodeJS.Timeout | undefined
      const served = Promise.allSettled(listeners.map((listener) => listener(early)))
      await Promise.race([served, new Promise((resolve) => (timer = setTimeout(resolve, EARLY_WAIT_MS)))])
      clearTimeout(timer)
    }
    return read.storage
  }

  /** The rooms this process no longer holds (their leases moved or lapsed): each closes its clients and is dropped. */
  lose(sessionIds: readonly string[], reason: string): void {
    for (const id of sessionIds) this.rooms.get(id)?.onLost(reason)
  }

  /** Drops a room without saving (someone else holds it now, or storage refuses it); its clients reconnect. */
  private drop(room: Room): void {
    if (this.rooms.get(room.id) !== room) return
    this.cancelUnload(room.id)
    this.rooms.delete(room.id)
    this.handedOut.delete(room.id)
    this.opts.persister.discard(room.id)
    room.destroy()
    void this.opts.ownership?.release(room.id)
  }

  /** Call when a room's last connection left. */
  scheduleUnload(room: Room): void {
    if (room.connections.size > 0) return
    this.cancelUnload(room.id)
    const timer = setTimeout(() => void this.unload(room), this.opts.idleUnloadMs)
    timer.unref()
    this.unloadTimers.set(room.id, timer)
  }

  private cancelUnload(sessionId: string): void {
    const timer = this.unloadTimers.get(sessionId)
    if (timer) clearTimeout(timer)
    this.unloadTimers.delete(sessionId)
  }

  /** Unloads an empty room after a final checkpoint; keeps it while saves are pending. */
  async unload(room: Room): Promise<boolean> {
    this.unloadTimers.delete(room.id)
    if (room.connections.size > 0 || this.rooms.get(room.id) !== room) return false
    const handedOut = this.handedOut.get(room.id)
    await room.secrets.idle()
    if (room.pendingSaves > 0 && !(await this.opts.persister.flush())) {
      this.scheduleUnload(room)
      return false
    }
    await room.checkpoint()
    // Someone came back (or wrote) while the checkpoint was being written: the room stays.
    if (room.connections.size > 0 || room.pendingSaves > 0 || this.rooms.get(room.id) !== room || this.unloadTimers.has(room.id) || this.handedOut.get(room.id) !== handedOut) {
      return false
    }
    room.destroy()
    this.rooms.delete(room.id)
    this.handedOut.delete(room.id)
    await this.opts.ownership?.release(room.id)
    this.opts.log.info({ event: 'room.unloaded', session: room.id }, 'room unloaded')
    return true
  }

  /** Final flush and checkpoint of every room (SIGTERM). */
  async shutdown(): Promise<void> {
    for (const timer of this.unloadTimers.values()) clearTimeout(timer)
    this.unloadTimers.clear()
    await Promise.allSettled([...this.loading.values()])
    await Promise.all([...this.rooms.values()].map((room) => room.secrets.idle()))
    await this.opts.persister.flush()
    for (const room of this.rooms.values()) {
      await room.checkpoint()
      // On a database over the network, frames still arriving are applied while the writes are
      // under way: commit those too, and put them in the last checkpoint.
      if (room.pendingSaves > 0 && (await this.opts.persister.flush())) await room.checkpoint()
      room.destroy()
      await this.opts.ownership?.release(room.id)
    }
    this.opts.ownership?.close()
    this.rooms.clear()
    await this.opts.persister.flush()
  }
}
