// The Room on its own, against real objects: a real SQLite file, the real group commit, real Y.Docs
// for the clients, and connections as the plain objects rooms/Connection.ts allows (no sockets).
// What it checks is the path of one update as the Room's header describes it: decode → rules
// (refused changes reverted) → log → fan-out to everyone else → "saved" for the author once durable.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { CloseCode, MessageType, Root, readSavedClocks, type Role } from '@sandbox/shared'
import { createLogger } from '../log.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { putSticky, syncUpdateFrame, waitFor } from '../testing/harness.ts'
import type { Connection } from './Connection.ts'
import { Persister } from './Persister.ts'
import type { Room } from './Room.ts'
import { RoomManager } from './RoomManager.ts'
import { syncStep1Frame } from './roomCodec.ts'

/** A connection as a plain object: every frame the room sends it is kept, and applied to its own doc. */
class TestConnection implements Connection {
  static next = 1
  readonly id = TestConnection.next++
  readonly awarenessClientIds = new Set<number>()
  readonly writtenClientIds = new Set<number>()
  readonly identified = true
  readonly doc = new Y.Doc()
  readonly saved: Map<number, number>[] = []
  /** Document updates the room sent (sync step 2 and updates), in order. */
  readonly updates: Uint8Array[] = []
  closed: { code: number; reason: string } | null = null
  readonly role: Role
  readonly participantId: string
  readonly wantsAcks: boolean

  constructor(role: Role, participantId: string, wantsAcks = true) {
    this.role = role
    this.participantId = participantId
    this.wantsAcks = wantsAcks
  }

  send(message: Uint8Array): void {
    const d = decoding.createDecoder(message)
    const type = decoding.readVarUint(d)
    if (type === MessageType.saved) this.saved.push(readSavedClocks(d))
    if (type !== MessageType.sync) return
    const sub = decoding.readVarUint(d)
    if (sub === syncProtocol.messageYjsSyncStep1) return
    const update = decoding.readVarUint8Array(d)
    this.updates.push(update)
    Y.applyUpdate(this.doc, update, 'room')
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason }
  }

  /** Runs a change on this client's doc and returns what it would send the room. */
  change(fn: (doc: Y.Doc) => void): Uint8Array {
    const before = Y.encodeStateVector(this.doc)
    fn(this.doc)
    return Y.encodeStateAsUpdate(this.doc, before)
  }
}

const dirs: string[] = []
const managers: { rooms: RoomManager; storage: SqliteStorage }[] = []
afterEach(async () => {
  for (const { rooms, storage } of managers.splice(0)) {
    await rooms.shutdown()
    await storage.close()
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

async function openRoom(): Promise<{ room: Room; storage: SqliteStorage; join: (role: Role, participantId: string, wantsAcks?: boolean) => TestConnection }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-room-'))
  dirs.push(dir)
  const storage = new SqliteStorage(dir)
  const log = createLogger('silent')
  const persister = new Persister(storage, 1, log)
  const rooms = new RoomManager({ storage, persister, log, limits: { maxDocBytes: 1e8, maxSessionStorageBytes: 1e9, checkpointSpacing: { ratio: 1, minUpdates: 1000 } }, idleUnloadMs: 60_000 })
  managers.push({ rooms, storage })
  await rooms.createSession({ id: 's', title: 'Room test', createdAt: 1, tokenHashes: { participant: 'p', facilitator: 'f', viewer: 'v' } })
  const room = await rooms.get('s')
  const join = (role: Role, participantId: string, wantsAcks = true) => {
    const conn = new TestConnection(role, participantId, wantsAcks)
    room.addConnection(conn)
    // What a client with nothing does first: ask for the whole board.
    room.handleMessage(conn, syncStep1Frame(conn.doc))
    room.recordParticipant({ id: participantId, name: participantId, color: '#4f46e5', role, joinedAt: 1 })
    return conn
  }
  return { room, storage, join }
}

const stickyIds = (doc: Y.Doc) => [...doc.getMap(Root.records).keys()].filter((k) => k.startsWith('shape:')).sort()

describe('Room: one update from a client', () => {
  it('is applied, logged with its author, sent to everyone else and acknowledged to its author once stored', async () => {
    const { room, storage, join } = await openRoom()
    const author = join('participant', 'p-author')
    const other = join('participant', 'p-other')
    const echoesBefore = author.updates.length
    const update = author.change((doc) => putSticky(doc, 'shape:one', 'Ship the beta'))
    expect(room.handleMessage(author, syncUpdateFrame(update))).toBeNull()

    expect(stickyIds(room.doc)).toContain('shape:one')
    await waitFor(() => stickyIds(other.doc).includes('shape:one'), 'the other client has the sticky')
    // The author already has its own change: nothing of it comes back.
    expect(author.updates.length).toBe(echoesBefore)
    await waitFor(() => author.saved.some((clocks) => (clocks.get(author.doc.clientID) ?? 0) >= Y.getState(author.doc.store, author.doc.clientID)), '"saved" for the author')
    expect(other.saved.some((clocks) => clocks.has(author.doc.clientID))).toBe(false)
    const rows = await storage.updatesAfter('s', 0)
    const logged = rows.find((r) => r.participantId === 'p-author')
    expect(logged).toBeDefined()
    const replayed = new Y.Doc()
    for (const row of rows) Y.applyUpdate(replayed, row.update)
    expect(stickyIds(replayed)).toContain('shape:one')
  })

  it('is reverted when the rules refuse it: the author is brought back in line, the others never see it', async () => {
    const { room, join } = await openRoom()
    const author = join('participant', 'p-author')
    const other = join('participant', 'p-other')
    const phase = room.doc.getMap(Root.session).get('phase')
    const update = author.change((doc) => doc.getMap(Root.session).set('phase', 'review'))
    expect(author.doc.getMap(Root.session).get('phase')).toBe('review')
    expect(room.handleMessage(author, syncUpdateFrame(update))).toBeNull()

    expect(room.doc.getMap(Root.session).get('phase')).toBe(phase)
    await waitFor(() => author.doc.getMap(Root.session).get('phase') === phase, 'the author is reverted')
    expect(other.doc.getMap(Root.session).get('phase')).toBe(phase)
  })

  it('from a viewer is dropped: nothing applied, nothing logged, and the viewer stays', async () => {
    const { room, storage, join } = await openRoom()
    const viewer = join('viewer', 'v-1')
    await waitFor(() => room.pendingSaves === 0, 'the participant record stored')
    const lastSeq = await storage.lastSeq('s')
    const update = viewer.change((doc) => putSticky(doc, 'shape:viewer', 'Not allowed'))
    expect(room.handleMessage(viewer, syncUpdateFrame(update))).toBeNull()
    expect(stickyIds(room.doc)).not.toContain('shape:viewer')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await storage.lastSeq('s')).toBe(lastSeq)
    expect(viewer.closed).toBeNull()
  })

  it('that names a top-level type outside the schema is refused before Yjs sees it', async () => {
    const { room, join } = await openRoom()
    const author = join('participant', 'p-author')
    const update = author.change((doc) => doc.getMap('not-in-the-schema').set('x', 1))
    expect(room.handleMessage(author, syncUpdateFrame(update))).toBe(CloseCode.updateRefused)
    expect(room.doc.share.has('not-in-the-schema')).toBe(false)
  })

  it('that builds on something the room lacks is not kept pending: the author is asked for all it has', async () => {
    const { room, join } = await openRoom()
    const author = join('participant', 'p-author')
    author.change((doc) => putSticky(doc, 'shape:first', 'First'))
    const onlySecond = author.change((doc) => putSticky(doc, 'shape:second', 'Second'))
    expect(room.handleMessage(author, syncUpdateFrame(onlySecond))).toBeNull()
    expect(room.doc.store.pendingStructs).toBeNull()
    expect(stickyIds(room.doc)).not.toContain('shape:second')
    // Its answer to the room's sync step 1 carries both, judged as one update.
    const all = Y.encodeStateAsUpdate(author.doc, Y.encodeStateVector(room.doc))
    expect(room.handleMessage(author, syncUpdateFrame(all))).toBeNull()
    expect(stickyIds(room.doc)).toEqual(expect.arrayContaining(['shape:first', 'shape:second']))
  })

  it('that is not a whole frame closes that connection as malformed', async () => {
    const { room, join } = await openRoom()
    const author = join('participant', 'p-author')
    const frame = syncUpdateFrame(author.change((doc) => putSticky(doc, 'shape:x', 'x')))
    expect(room.handleMessage(author, Uint8Array.from([...frame, 7]))).toBe(CloseCode.malformed)
    expect(stickyIds(room.doc)).not.toContain('shape:x')
  })
})
