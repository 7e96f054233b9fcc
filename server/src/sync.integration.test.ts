// The websocket contract with stock y-websocket clients against a real server on port 0.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { CloseCode, MessageType, Root } from '@sandbox/shared'
import { connect, createSession, join, putSticky, rawSocket, startServer, stickyMap, synced, waitFor, wsBase, type Client } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()

async function setup() {
  const server = await startServer()
  cleanup.push(() => server.close())
  const session = await createSession(server.url)
  return { server, session }
}

function track(client: Client): Client {
  cleanup.push(() => client.destroy())
  return client
}

describe('live sync', () => {
  it('two stock clients sync both ways and see each other’s presence', async () => {
    const { server, session } = await setup()
    const memberA = await join(server.url, session.id, session.tokens.participant, 'Member A')
    const a = track(connect(server.url, session.id, session.tokens.participant, memberA))
    const b = track(connect(server.url, session.id, session.tokens.participant))
    await Promise.all([synced(a), synced(b)])

    // The server seeded the session: both see its phase and tldraw page without writing anything.
    expect(a.doc.getMap(Root.session).get('phase')).toBe('warmup')
    expect(b.doc.getMap(Root.records).has('page:page')).toBe(true)

    putSticky(a.doc, 'shape:one', 'first idea')
    await waitFor(() => b.doc.getMap(Root.records).has('shape:one'), 'a → b')
    ;(b.doc.getMap(Root.records).get('shape:one') as Y.Map<unknown>).set('xy', [42, 0])
    await waitFor(() => ((a.doc.getMap(Root.records).get('shape:one') as Y.Map<unknown>).get('xy') as number[])[0] === 42, 'b → a')

    a.provider.awareness.setLocalStateField('presence', { cursor: { x: 1, y: 2 } })
    a.provider.awareness.setLocalStateField('user', { name: 'Someone else', color: '#000000' })
    const seen = await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID), 'presence at b')
    expect(seen.presence).toEqual({ cursor: { x: 1, y: 2 } })
    // The name and colour shown are the ones the server holds for Member A's participant id.
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID)?.user as { name?: string })?.name === 'Member A', 'trusted name')
    expect(b.provider.awareness.getStates().get(a.doc.clientID)?.user).toMatchObject({ id: memberA.participantId, color: memberA.color })
  })

  it('gives every newcomer the current board, before and after each change', async () => {
    const { server, session } = await setup()
    const writer = track(connect(server.url, session.id, session.tokens.participant))
    await synced(writer)
    const records = writer.doc.getMap(Root.records)
    for (const id of ['shape:first', 'shape:second']) {
      const before = track(connect(server.url, session.id, session.tokens.participant))
      await synced(before)
      records.set(id, stickyMap(id))
      await waitFor(() => before.doc.getMap(Root.records).has(id), `${id} reaches a connected client`)
      const after = track(connect(server.url, session.id, session.tokens.participant))
      await synced(after)
      expect(after.doc.getMap(Root.records).toJSON()).toEqual(records.toJSON())
    }
  })

  it('refuses a wrong token, an unknown session and a wrong participant key before any document bytes', async () => {
    const { server, session } = await setup()
    const cases: [string, number][] = [
      [`${wsBase(server.url)}/${session.id}?token=wrong`, CloseCode.unauthorized],
      [`${wsBase(server.url)}/${session.id}`, CloseCode.unauthorized],
      [`${wsBase(server.url)}/AAAAAAAAAAAAAAAAAAAAAA?token=${session.tokens.participant}`, CloseCode.notFound],
      [`${wsBase(server.url)}/${session.id}?token=${session.tokens.participant}&pid=p_x&pkey=forged`, CloseCode.unauthorized],
    ]
    for (const [url, code] of cases) {
      const { messages, closed } = await rawSocket(url)
      expect((await closed).code).toBe(code)
      expect(messages).toHaveLength(0)
    }
    const { messages, closed } = await rawSocket(`${wsBase(server.url)}/${session.id}?token=${session.tokens.participant}`, { origin: 'http://evil.example' })
    expect((await closed).code).toBe(CloseCode.forbiddenOrigin)
    expect(messages).toHaveLength(0)
  })

  it('sends a viewer the document and presence but drops and never stores its updates', async () => {
    const { server, session } = await setup()
    const viewer = track(connect(server.url, session.id, session.tokens.viewer))
    const writer = track(connect(server.url, session.id, session.tokens.participant))
    await Promise.all([synced(viewer), synced(writer)])
    const seqBefore = await server.storage.lastSeq(session.id)
    putSticky(viewer.doc, 'shape:viewer')
    putSticky(writer.doc, 'shape:writer')
    await waitFor(() => viewer.doc.getMap(Root.records).has('shape:writer'), 'viewer receives')
    await new Promise((r) => setTimeout(r, 100))
    expect(writer.doc.getMap(Root.records).has('shape:viewer')).toBe(false)
    await server.persister.flush()
    const stored = await server.storage.updatesAfter(session.id, seqBefore)
    const replay = new Y.Doc()
    for (const u of (await server.storage.updatesAfter(session.id, 0))) Y.applyUpdate(replay, u.update)
    expect(replay.getMap(Root.records).has('shape:viewer')).toBe(false)
    expect(replay.getMap(Root.records).has('shape:writer')).toBe(true)
    expect(stored.length).toBeGreaterThan(0)
  })

  it('acknowledges saved updates to clients that opt in', async () => {
    const { server, session } = await setup()
    const a = track(connect(server.url, session.id, session.tokens.participant, undefined, { ack: '1' }))
    await synced(a)
    let ack: Map<number, number> | null = null
    // Our opt-in frame: [100][varUint8Array(state vector of what is durably stored)].
    a.provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
      ack = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
    }
    putSticky(a.doc, 'shape:saved')
    const clock = Y.getState(a.doc.store, a.doc.clientID)
    await waitFor(() => ack && (ack.get(a.doc.clientID) ?? 0) >= clock, 'saved ack')
    // Once acknowledged, the update is in the log.
    const replay = new Y.Doc()
    for (const u of (await server.storage.updatesAfter(session.id, 0))) Y.applyUpdate(replay, u.update)
    expect(replay.getMap(Root.records).has('shape:saved')).toBe(true)
  })

  it('acknowledges edits the room already has when a client sends them again (after a failover)', async () => {
    const { server, session } = await setup()
    // Another client's edits reach the room first, as if a process that died had logged them.
    const writer = new Y.Doc()
    putSticky(writer, 'shape:resent', 'logged before the owner died')
    const first = track(connect(server.url, session.id, session.tokens.participant))
    await synced(first)
    Y.applyUpdate(first.doc, Y.encodeStateAsUpdate(writer))
    const room = await server.rooms.get(session.id)
    await waitFor(() => room.doc.getMap(Root.records).has('shape:resent') && room.pendingSaves === 0, 'logged')
    // The client that wrote them reconnects and sends them again: nothing new for the room, but it hears "saved".
    const again = await rawSocket(`${wsBase(server.url)}/${session.id}?token=${session.tokens.participant}&ack=1`)
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, 2)
    encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(writer))
    again.ws.send(encoding.toUint8Array(e))
    const saved = await waitFor(() => again.messages.find((m) => m[0] === MessageType.saved), 'a saved acknowledgement')
    const d = decoding.createDecoder(new Uint8Array(saved))
    decoding.readVarUint(d)
    expect(Y.decodeStateVector(decoding.readVarUint8Array(d)).get(writer.clientID)).toBe(Y.getState(writer.store, writer.clientID))
    again.ws.close()
  })

  it('closes only the connection that sends a malformed frame', async () => {
    const { server, session } = await setup()
    const good = track(connect(server.url, session.id, session.tokens.participant))
    await synced(good)
    const url = `${wsBase(server.url)}/${session.id}?token=${session.tokens.participant}`
    const frames: (Buffer | string)[] = [
      'not binary',
      Buffer.from([0xff, 0xff, 0xff]),
      Buffer.from([42]),
      Buffer.from([0, 2, 5, 1, 2]),
      (() => {
        const e = encoding.createEncoder()
        encoding.writeVarUint(e, 0)
        encoding.writeVarUint(e, 2)
        encoding.writeVarUint8Array(e, new Uint8Array([0xfd, 0xff, 0xff, 0xff, 0x0f, 1, 0, 0]))
        return Buffer.from(encoding.toUint8Array(e))
      })(),
    ]
    for (const frame of frames) {
      const { ws, closed } = await rawSocket(url)
      ws.send(frame)
      expect((await closed).code).toBe(CloseCode.malformed)
    }
    putSticky(good.doc, 'shape:after')
    const other = track(connect(server.url, session.id, session.tokens.participant))
    await waitFor(() => other.doc.getMap(Root.records).has('shape:after'), 'room still serves')
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })
})
