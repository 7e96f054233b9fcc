// A cold room hands a newcomer its stored board before the room is built (rooms/earlyState.ts,
// transport/earlyWelcome.ts): the newcomer gets exactly the board, and what anyone sends while
// the room is being built is judged against the real document once it is there.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType, Root } from '@sandbox/shared'
import { createLogger } from '../log.ts'
import { connect, createSession, putSticky, rawSocket, startServer, synced, syncUpdateFrame, tempDataDir, waitFor, wsBase } from '../testing/harness.ts'
import { teardownAfterEach } from '../testing/teardown.ts'

const cleanup = teardownAfterEach()

const step1Frame = (doc: Y.Doc): Uint8Array => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeSyncStep1(e, doc)
  return encoding.toUint8Array(e)
}

/** A board written through one server, which then stops (a final checkpoint), plus `tail` rows logged after that checkpoint. */
async function storedBoard(stickies: number, tail: number) {
  const dataDir = tempDataDir()
  cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  const first = await startServer(dataDir)
  const session = await createSession(first.url)
  const a = connect(first.url, session.id, session.tokens.participant)
  await synced(a)
  for (let i = 0; i < stickies; i++) putSticky(a.doc, `shape:${i}`, `idea ${i}`)
  await waitFor(() => first.rooms.loaded.get(session.id)?.doc.getMap(Root.records).has(`shape:${stickies - 1}`), 'the server has every sticky')
  const room = await first.rooms.get(session.id)
  await waitFor(() => room.pendingSaves === 0, 'all saved')
  await room.checkpoint()
  // Rows after the checkpoint: the server stops without another (as after kill -9).
  for (let i = 0; i < tail; i++) putSticky(a.doc, `shape:tail${i}`, `after the checkpoint ${i}`)
  await waitFor(() => room.pendingSaves === 0 && first.persister.pendingCount === 0 && (tail === 0 || room.doc.getMap(Root.records).has(`shape:tail${tail - 1}`)), 'tail saved')
  const expected = a.doc.getMap(Root.records).toJSON()
  a.destroy()
  ;(room as unknown as { checkpoint: () => Promise<boolean> }).checkpoint = async () => false
  await first.close()
  return { dataDir, session, expected }
}

describe('a cold room', () => {
  it.each([0, 3])('hands a newcomer the stored board (%i rows after the checkpoint), and judges what arrives meanwhile against the built room', async (tail) => {
    const { dataDir, session, expected } = await storedBoard(60, tail)
    const lines: string[] = []
    const server = await startServer(dataDir, {}, { log: createLogger('debug', { write: (line: string) => void lines.push(line) }) })
    cleanup.push(() => server.close())

    // At once, before the room is loaded: a newcomer with nothing, a participant who writes right
    // away, and a viewer who tries to.
    const newcomer = connect(server.url, session.id, session.tokens.participant)
    cleanup.push(() => newcomer.destroy())
    // A returning participant with a copy of its own (and an edit made offline): its step 1 is not
    // empty, so the built room answers it with what it lacks.
    const returning = connect(server.url, session.id, session.tokens.participant)
    cleanup.push(() => returning.destroy())
    putSticky(returning.doc, 'shape:offline', 'made offline')
    const url = (token: string, extra = '') => `${wsBase(server.url)}/${session.id}?token=${token}${extra}`
    // (Joining by name would load the room: these connect without.)
    const early = await rawSocket(url(session.tokens.participant))
    const viewer = await rawSocket(url(session.tokens.viewer))
    const mine = new Y.Doc()
    const viewerDoc = new Y.Doc()
    early.ws.send(step1Frame(mine))
    viewer.ws.send(step1Frame(viewerDoc))
    putSticky(mine, 'shape:early', 'written while the room loaded')
    early.ws.send(syncUpdateFrame(Y.encodeStateAsUpdate(mine)))
    putSticky(viewerDoc, 'shape:viewer', 'a viewer may not write')
    viewer.ws.send(syncUpdateFrame(Y.encodeStateAsUpdate(viewerDoc)))

    await synced(newcomer)
    await waitFor(() => newcomer.doc.getMap(Root.records).has('shape:early'), 'the early edit reaches the newcomer')
    await waitFor(() => newcomer.doc.getMap(Root.records).has('shape:offline'), 'the offline edit reaches the newcomer')
    await synced(returning)
    await waitFor(() => returning.doc.getMap(Root.records).has('shape:early'), 'the returning participant gets the rest')
    const board = newcomer.doc.getMap(Root.records).toJSON()
    expect(board).toEqual({
      ...expected,
      'shape:early': mine.getMap(Root.records).toJSON()['shape:early'],
      'shape:offline': returning.doc.getMap(Root.records).toJSON()['shape:offline'],
    })
    expect(returning.doc.getMap(Root.records).toJSON()).toEqual(board)
    const room = await server.rooms.get(session.id)
    expect(room.doc.getMap(Root.records).toJSON()).toEqual(board)
    expect(room.doc.getMap(Root.records).has('shape:viewer')).toBe(false)
    // The stored bytes went out before the room was built, and nobody was closed.
    expect(lines.some((l) => (JSON.parse(l) as { event?: string }).event === 'sync.early')).toBe(true)
    expect(early.ws.readyState).toBe(early.ws.OPEN)
    expect(viewer.ws.readyState).toBe(viewer.ws.OPEN)
    early.ws.close()
    viewer.ws.close()
  })
})
