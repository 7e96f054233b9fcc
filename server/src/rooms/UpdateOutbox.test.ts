import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType } from '@sandbox/shared'
import type { Connection } from './Connection.ts'
import { atEndOfTurn } from './endOfTurn.ts'
import { COALESCE_FROM_CONNECTIONS, UpdateOutbox } from './UpdateOutbox.ts'

/** A connection that keeps what it is sent, as the transport would write it. */
function connection(id: number): Connection & { frames: Uint8Array[] } {
  const frames: Uint8Array[] = []
  return {
    id,
    role: 'participant',
    participantId: `p${id}`,
    identified: true,
    wantsAcks: true,
    awarenessClientIds: new Set(),
    writtenClientIds: new Set(),
    frames,
    send: (message) => frames.push(message),
    close: () => {},
  }
}

/** The document update a sync update frame carries. */
function updateIn(frame: Uint8Array): Uint8Array {
  const d = decoding.createDecoder(frame)
  expect(decoding.readVarUint(d)).toBe(MessageType.sync)
  expect(decoding.readVarUint(d)).toBe(syncProtocol.messageYjsUpdate)
  return decoding.readVarUint8Array(d)
}

/** An edit made in a client's own document, as the update it sends. */
function edit(doc: Y.Doc, key: string, value: string): Uint8Array {
  let update: Uint8Array | null = null
  const grab = (u: Uint8Array): void => void (update = u)
  doc.on('update', grab)
  doc.getMap('records').set(key, value)
  doc.off('update', grab)
  return update as unknown as Uint8Array
}

const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('UpdateOutbox in a large room', () => {
  it('sends the updates of one turn as one merged frame per connection, at the end of the turn', async () => {
    const [a, b, c] = [connection(1), connection(2), connection(3)]
    const outbox = new UpdateOutbox(new Set([a, b, c]), 3)
    const docA = new Y.Doc()
    const docB = new Y.Doc()
    outbox.add(edit(docA, 'x', 'from a'), a, false)
    outbox.add(edit(docB, 'y', 'from b'), b, false)
    outbox.add(edit(docA, 'z', 'a again'), a, false)
    expect(c.frames).toHaveLength(0)
    await endOfTurn()
    expect(c.frames).toHaveLength(1)
    const other = new Y.Doc()
    Y.applyUpdate(other, updateIn(c.frames[0] as Uint8Array))
    expect(other.getMap('records').toJSON()).toEqual({ x: 'from a', y: 'from b', z: 'a again' })
    // Two authors in the turn: each gets the one frame (its own part changes nothing in its document).
    expect(a.frames).toHaveLength(1)
    expect(b.frames).toHaveLength(1)
    const before = Y.encodeStateAsUpdate(docA)
    Y.applyUpdate(docA, updateIn(a.frames[0] as Uint8Array))
    expect(docA.getMap('records').toJSON()).toEqual({ x: 'from a', y: 'from b', z: 'a again' })
    expect(Y.encodeStateAsUpdate(docA, Y.encodeStateVectorFromUpdate(before)).length).toBeGreaterThan(2)
  })

  it('never sends an author only its own updates, unless they revert what it sent', async () => {
    const [a, b] = [connection(1), connection(2)]
    const outbox = new UpdateOutbox(new Set([a, b]), 2)
    const doc = new Y.Doc()
    outbox.add(edit(doc, 'x', '1'), a, false)
    outbox.add(edit(doc, 'x', '2'), a, false)
    await endOfTurn()
    expect(a.frames).toHaveLength(0)
    expect(b.frames).toHaveLength(1)
    outbox.add(edit(doc, 'x', 'reverted'), a, true)
    await endOfTurn()
    expect(a.frames).toHaveLength(1)
    expect(b.frames).toHaveLength(2)
    // The server's own writes go to everyone.
    outbox.add(edit(new Y.Doc(), 'participant', 'p'), null, false)
    await endOfTurn()
    expect([a.frames.length, b.frames.length]).toEqual([2, 3])
  })

  it('flush sends what is queued at once, to the connections there now, and nothing twice', async () => {
    const [a, b] = [connection(1), connection(2)]
    const connections = new Set([a])
    const outbox = new UpdateOutbox(connections, 1)
    outbox.add(edit(new Y.Doc(), 'x', '1'), null, false)
    outbox.flush()
    expect(a.frames).toHaveLength(1)
    connections.add(b)
    await endOfTurn()
    expect([a.frames.length, b.frames.length]).toEqual([1, 0])
  })
})

describe('UpdateOutbox in a small room', () => {
  it('sends each update at once, as its own frame, to everyone but its author', () => {
    const conns = Array.from({ length: COALESCE_FROM_CONNECTIONS - 1 }, (_, i) => connection(i + 1))
    const [a, b] = conns as [ReturnType<typeof connection>, ReturnType<typeof connection>]
    const outbox = new UpdateOutbox(new Set(conns))
    const docA = new Y.Doc()
    const first = edit(docA, 'x', '1')
    outbox.add(first, a, false)
    outbox.add(edit(new Y.Doc(), 'y', '2'), b, false)
    expect(a.frames.map(updateIn)).toHaveLength(1)
    expect(b.frames.map(updateIn)).toEqual([first])
    expect(conns.at(-1)?.frames).toHaveLength(2)
    outbox.add(edit(docA, 'x', 'reverted'), a, true)
    expect(a.frames).toHaveLength(2)
  })
})

describe('atEndOfTurn', () => {
  it('runs the last tasks after every other, including those added while draining, in one turn', async () => {
    const ran: string[] = []
    atEndOfTurn(() => ran.push('release'), 'last')
    atEndOfTurn(() => {
      ran.push('room 1')
      atEndOfTurn(() => ran.push('room 1 again'))
      setImmediate(() => ran.push('next immediate'))
    })
    atEndOfTurn(() => ran.push('room 2'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(ran).toEqual(['room 1', 'room 2', 'room 1 again', 'release'])
    await new Promise((resolve) => setImmediate(resolve))
    expect(ran.at(-1)).toBe('next immediate')
  })
})
