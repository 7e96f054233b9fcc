// A real server over a SQLite file whose rows were corrupted while it was stopped: the session
// still loads from the good data (an older checkpoint plus the log, minus a corrupt row), stock
// y-websocket clients sync it, /healthz names what was skipped, and replay never shows a wrong board.
import fs from 'node:fs'
import zlib from 'node:zlib'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { recordToYMap, Root } from '@sandbox/shared'
import { stickyRecord } from '@sandbox/shared/board'
import { connect, createSession, join, startServer, synced, tempDataDir, waitFor, wsBase, type CreatedSession } from '../testing/harness.ts'
import { teardownAfterEach } from '../testing/teardown.ts'
import type { CorruptRow } from './CorruptionReport.ts'

const cleanup = teardownAfterEach()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const STICKIES = ['shape:alpha', 'shape:bravo', 'shape:charlie', 'shape:delta', 'shape:echo', 'shape:foxtrot']

function note(id: string, i: number): Y.Map<unknown> {
  return recordToYMap(stickyRecord({ id, text: id, x: i * 220, index: `a${i + 1}` }))
}

const shapeIds = (doc: Y.Doc): string[] => [...doc.getMap(Root.records).keys()].filter((k) => k.startsWith('shape:')).sort()

interface Recorded {
  dataDir: string
  session: CreatedSession
  /** Per sticky: the seq of the row that added it, and a moment right after it was logged. */
  added: { id: string; seq: number; at: number }[]
  /** The board at the end, as a client saw it. */
  board: Record<string, unknown>
  /** The document of the client that added the last sticky (it still holds that edit). */
  lastAuthor: Y.Doc
}

/** A session where each sticky comes from its own client, with checkpoints every two updates. */
async function record(): Promise<Recorded> {
  const dataDir = tempDataDir()
  cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  const server = await startServer(dataDir, { checkpointSpacing: 0, checkpointMinUpdates: 2 })
  const session = await createSession(server.url, 'Corruption test')
  const added: Recorded['added'] = []
  let lastAuthor = new Y.Doc()
  for (const [i, id] of STICKIES.entries()) {
    const member = await join(server.url, session.id, session.tokens.participant, `Member ${i}`)
    const client = connect(server.url, session.id, session.tokens.participant, member)
    await synced(client)
    client.doc.getMap(Root.records).set(id, note(id, i))
    const row = await waitFor(
      async () => server.persister.pendingCount === 0 && (await server.storage.updatesAfter(session.id, 0)).find((u) => Buffer.from(u.update).includes(id)),
      `${id} logged`,
    )
    added.push({ id, seq: row.seq, at: Date.now() })
    await sleep(5)
    lastAuthor = new Y.Doc()
    Y.applyUpdate(lastAuthor, Y.encodeStateAsUpdate(client.doc))
    client.destroy()
  }
  const probe = connect(server.url, session.id, session.tokens.viewer)
  await synced(probe)
  expect(shapeIds(probe.doc)).toEqual([...STICKIES].sort())
  const board = probe.doc.getMap(Root.records).toJSON()
  probe.destroy()
  await server.close()
  return { dataDir, session, added, board, lastAuthor }
}

function flipByte(db: Database.Database, table: 'updates' | 'checkpoints', sessionId: string, seq: number, replacement?: Uint8Array): void {
  const column = table === 'updates' ? 'bytes' : 'state'
  const row = db.prepare(`SELECT ${column} AS b FROM ${table} WHERE session_id = ? AND seq = ?`).get(sessionId, seq) as { b: Buffer }
  const bytes = replacement ? Buffer.from(replacement) : Buffer.from(row.b)
  if (!replacement) bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0x5a, bytes.length >> 1)
  db.prepare(`UPDATE ${table} SET ${column} = ? WHERE session_id = ? AND seq = ?`).run(bytes, sessionId, seq)
}

const checkpointSeqs = (db: Database.Database, sessionId: string): number[] =>
  (db.prepare('SELECT seq FROM checkpoints WHERE session_id = ? ORDER BY seq').all(sessionId) as { seq: number }[]).map((r) => r.seq)

async function health(url: string): Promise<{ ok: boolean; corrupt: CorruptRow[] }> {
  const res = await fetch(`${url}/healthz`)
  expect(res.status).toBe(200)
  return (await res.json()) as { ok: boolean; corrupt: CorruptRow[] }
}

async function getState(url: string, s: CreatedSession, at: number): Promise<{ status: number; skipped: string | null; doc: Y.Doc | null; body: unknown }> {
  const res = await fetch(`${url}/api/sessions/${s.id}/state?at=${at}`, { headers: { authorization: `Bearer ${s.tokens.viewer}` } })
  if (res.status !== 200) return { status: res.status, skipped: null, doc: null, body: await res.json() }
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return { status: 200, skipped: res.headers.get('x-sandbox-skipped-updates'), doc, body: null }
}

describe('a corrupt checkpoint', () => {
  it('is passed over for an older checkpoint plus the log: clients sync the whole board, healthz says so, the next checkpoint repairs it', async () => {
    const r = await record()
    const db = new Database(`${r.dataDir}/sandbox.sqlite`)
    const seqs = checkpointSeqs(db, r.session.id)
    expect(seqs.length).toBeGreaterThanOrEqual(3)
    const newest = seqs.at(-1) as number
    flipByte(db, 'checkpoints', r.session.id, newest)
    db.close()

    let server = await startServer(r.dataDir, { checkpointSpacing: 0, checkpointMinUpdates: 2 })
    cleanup.push(() => server.close())
    const client = connect(server.url, r.session.id, r.session.tokens.participant)
    cleanup.push(() => client.destroy())
    await synced(client)
    expect(client.doc.getMap(Root.records).toJSON()).toEqual(r.board)
    expect((await health(server.url)).corrupt).toEqual([{ session: r.session.id, seq: newest, kind: 'checkpoint', reason: 'checksum' }])
    // Replay rebuilds the same moments from the older checkpoint and the log.
    const end = await getState(server.url, r.session, (r.added.at(-1)?.at ?? 0) + 1)
    expect(end.status).toBe(200)
    expect(end.skipped).toBeNull()
    expect(end.doc?.getMap(Root.records).toJSON()).toEqual(r.board)
    client.destroy()
    await server.close()

    // The final checkpoint replaced the corrupt one; now make that one a valid but empty document.
    const again = new Database(`${r.dataDir}/sandbox.sqlite`)
    const repaired = again.prepare('SELECT state, deflated FROM checkpoints WHERE session_id = ? AND seq = ?').get(r.session.id, newest) as { state: Buffer; deflated: number }
    const repairedDoc = new Y.Doc()
    Y.applyUpdate(repairedDoc, repaired.deflated ? zlib.inflateRawSync(repaired.state) : repaired.state)
    expect(repairedDoc.getMap(Root.records).toJSON()).toEqual(r.board)
    flipByte(again, 'checkpoints', r.session.id, newest, Y.encodeStateAsUpdate(new Y.Doc()))
    again.close()

    server = await startServer(r.dataDir, { checkpointSpacing: 0, checkpointMinUpdates: 2 })
    const second = connect(server.url, r.session.id, r.session.tokens.viewer)
    cleanup.push(() => second.destroy())
    await synced(second)
    expect(second.doc.getMap(Root.records).toJSON()).toEqual(r.board)
    expect((await health(server.url)).corrupt).toEqual([{ session: r.session.id, seq: newest, kind: 'checkpoint', reason: 'checksum' }])
  })
})

describe('a corrupt log row', () => {
  it('is skipped: the room loads without it, nothing stays pending, healthz names session and seq, replay says what it left out', async () => {
    const r = await record()
    const victim = r.added.at(-1) as Recorded['added'][number]
    const db = new Database(`${r.dataDir}/sandbox.sqlite`)
    // As if the server had died before writing any checkpoint after it: the log is all there is.
    db.prepare('DELETE FROM checkpoints WHERE session_id = ? AND seq >= ?').run(r.session.id, victim.seq)
    flipByte(db, 'updates', r.session.id, victim.seq)
    db.close()

    const server = await startServer(r.dataDir, { checkpointMinUpdates: 1_000 })
    cleanup.push(() => server.close())
    const client = connect(server.url, r.session.id, r.session.tokens.participant)
    cleanup.push(() => client.destroy())
    await synced(client)
    const expected = STICKIES.filter((id) => id !== victim.id).sort()
    expect(shapeIds(client.doc)).toEqual(expected)
    const room = await server.rooms.get(r.session.id)
    expect(room.doc.store.pendingStructs).toBeNull()
    expect(room.doc.store.pendingDs).toBeNull()
    expect((await health(server.url)).corrupt).toContainEqual({ session: r.session.id, seq: victim.seq, kind: 'update', reason: 'checksum' })

    // Replay: a moment before the corrupt row is whole; a moment after it leaves it out and says so.
    const before = await getState(server.url, r.session, (r.added.at(-2)?.at ?? 0) + 1)
    expect(before.status).toBe(200)
    expect(before.skipped).toBeNull()
    expect(shapeIds(before.doc as Y.Doc)).toEqual(expected)
    const after = await getState(server.url, r.session, victim.at + 1)
    expect(after.status).toBe(200)
    expect(after.skipped).toMatch(new RegExp(`^1; seqs=${victim.seq}$`))
    expect(shapeIds(after.doc as Y.Doc)).toEqual(expected)
    const timeline = await fetch(`${server.url}/api/sessions/${r.session.id}/timeline`, { headers: { authorization: `Bearer ${r.session.tokens.viewer}` } })
    expect(timeline.status).toBe(200)
    expect(((await timeline.json()) as { skippedUpdates: number }).skippedUpdates).toBe(1)
    const feed = await fetch(`${server.url}/api/sessions/${r.session.id}/updates?after=0`, { headers: { authorization: `Bearer ${r.session.tokens.viewer}` } })
    expect(feed.status).toBe(200)
    expect(feed.headers.get('x-sandbox-skipped-updates')).toBe(`1; seqs=${victim.seq}`)

    // The room takes new edits, and the client that made the lost edit brings it back when it syncs.
    client.doc.getMap(Root.records).set('shape:golf', note('shape:golf', 7))
    const author = new WebsocketProvider(wsBase(server.url), r.session.id, r.lastAuthor, {
      params: { token: r.session.tokens.participant },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    })
    cleanup.push(() => author.destroy())
    await waitFor(async () => shapeIds(client.doc).includes(victim.id) && shapeIds(client.doc).includes('shape:golf'), 'lost edit restored by its author')
  })

  it('when nothing up to a moment can be read, /state answers a 500 JSON error instead of a wrong board, and the room still serves', async () => {
    const dataDir = tempDataDir()
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    let server = await startServer(dataDir)
    const session = await createSession(server.url, 'Only a seed')
    await server.close()
    const db = new Database(`${dataDir}/sandbox.sqlite`)
    expect(db.prepare('SELECT COUNT(*) AS n FROM updates WHERE session_id = ?').get(session.id)).toEqual({ n: 1 })
    flipByte(db, 'updates', session.id, 1)
    db.close()

    server = await startServer(dataDir)
    cleanup.push(() => server.close())
    const state = await getState(server.url, session, Date.now())
    expect(state.status).toBe(500)
    expect(state.body).toMatchObject({ error: { code: 'corruptHistory' } })
    expect(((state.body as { error: { message: string } }).error.message).length).toBeGreaterThan(20)
    const client = connect(server.url, session.id, session.tokens.participant)
    cleanup.push(() => client.destroy())
    await synced(client)
    expect((await health(server.url)).corrupt).toEqual([{ session: session.id, seq: 1, kind: 'update', reason: 'checksum' }])
    const timeline = await fetch(`${server.url}/api/sessions/${session.id}/timeline`, { headers: { authorization: `Bearer ${session.tokens.viewer}` } })
    expect(timeline.status).toBe(200)
  })
})
