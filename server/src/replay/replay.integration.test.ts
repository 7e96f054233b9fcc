// Replay over HTTP against a real server: the document at a moment, the timeline, the feed, auth,
// and that the answers do not change across a restart or once checkpoints have been written.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Root, ROOT_NAMES } from '@sandbox/shared'
import { connect, createSession, join, startServer, synced, tempDataDir, waitFor, type Client } from '../testing/harness.ts'
import { teardownAfterEach } from '../testing/teardown.ts'

const cleanup = teardownAfterEach()

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function getState(url: string, id: string, token: string, at: number): Promise<Y.Doc> {
  const res = await fetch(`${url}/api/sessions/${id}/state?at=${at}`, { headers: { authorization: `Bearer ${token}` } })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/octet-stream')
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return doc
}

/** Every top-level map as JSON (`doc.toJSON()` skips types nobody asked for by kind yet). */
const docJson = (doc: Y.Doc): Record<string, unknown> => Object.fromEntries(ROOT_NAMES.map((name) => [name, doc.getMap(name).toJSON()]))

const shapeIds = (doc: Y.Doc): string[] => [...doc.getMap(Root.records).keys()].filter((k) => k.startsWith('shape:')).sort()

function addSticky(client: Client, id: string): void {
  const map = new Y.Map<unknown>()
  client.doc.transact(() => {
    client.doc.getMap(Root.records).set(id, map)
    map.set('id', id)
    map.set('typeName', 'shape')
    map.set('type', 'note')
  })
}

/** A session with sticky A, then (later) sticky B and a phase change; returns the moments between. */
/** `checkpointEvery`: a checkpoint every that many updates (spacing 0: whatever their size). */
async function recordSession(checkpointEvery: number) {
  const checkpoints = { checkpointSpacing: 0, checkpointMinUpdates: checkpointEvery }
  const dataDir = tempDataDir()
  let server = await startServer(dataDir, checkpoints)
  const session = await createSession(server.url, 'Replay test')
  const memberA = await join(server.url, session.id, session.tokens.facilitator, 'Member A')
  const client = connect(server.url, session.id, session.tokens.facilitator, memberA)
  await synced(client)
  addSticky(client, 'shape:a')
  await waitFor(async () => (await server.storage.updatesAfter(session.id, 0)).some((u) => Y.decodeUpdate(u.update).structs.length > 0 && new TextDecoder().decode(u.update).includes('shape:a')), 'sticky A logged')
  await sleep(20)
  const between = Date.now()
  await sleep(20)
  addSticky(client, 'shape:b')
  client.doc.getMap(Root.session).set('phase', 'frame')
  await waitFor(async () => (await server.storage.lastSeq(session.id)) >= 5 && server.persister.pendingCount === 0 && (await server.rooms.get(session.id)).pendingSaves === 0, 'all logged')
  client.destroy()
  const after = Date.now() + 1
  const restart = async () => {
    await server.close()
    server = await startServer(dataDir, checkpoints)
    return server
  }
  cleanup.push(() => server.close())
  return { get server() { return server }, session, memberA, between, after, restart }
}

describe('replay routes', () => {
  it('the state at a moment between two edits holds the first and not the second; before the session it is empty', async () => {
    const s = await recordSession(1_000)
    const { id, tokens } = s.session
    const mid = await getState(s.server.url, id, tokens.viewer, s.between)
    expect(shapeIds(mid)).toEqual(['shape:a'])
    expect(mid.getMap(Root.session).get('phase')).toBe('warmup')
    const end = await getState(s.server.url, id, tokens.participant, s.after)
    expect(shapeIds(end)).toEqual(['shape:a', 'shape:b'])
    expect(end.getMap(Root.session).get('phase')).toBe('frame')
    const before = await getState(s.server.url, id, tokens.viewer, 0)
    expect(Object.values(docJson(before)).every((map) => Object.keys(map as object).length === 0)).toBe(true)
    expect(Y.encodeStateVector(before)).toEqual(Y.encodeStateVector(new Y.Doc()))
  })

  it('answers the same before and after a restart, and once checkpoints are written', async () => {
    const s = await recordSession(2)
    const { id, tokens } = s.session
    const moments = [0, s.between, s.after]
    const read = async () => {
      const docs = await Promise.all(moments.map((at) => getState(s.server.url, id, tokens.viewer, at)))
      const timeline = await (await fetch(`${s.server.url}/api/sessions/${id}/timeline`, { headers: { authorization: `Bearer ${tokens.viewer}` } })).json()
      return { docs: docs.map(docJson), timeline }
    }
    const first = await read()
    expect(await s.server.storage.latestCheckpoint(id)).not.toBeNull()
    await s.restart()
    const second = await read()
    expect(second).toEqual(first)
    expect(Object.keys((first.docs[1]?.tldraw ?? {}) as object).filter((k) => k.startsWith('shape:'))).toEqual(['shape:a'])
    // Reference: the log replayed from the first update, no checkpoints involved.
    const full = new Y.Doc()
    for (const u of (await s.server.storage.updatesAfter(id, 0))) Y.applyUpdate(full, u.update)
    expect(first.docs[2]).toEqual(docJson(full))
  })

  it('lists phase changes and joins with server times, and the feed carries every update', async () => {
    const s = await recordSession(3)
    const { id, tokens } = s.session
    const res = await fetch(`${s.server.url}/api/sessions/${id}/timeline`, { headers: { authorization: `Bearer ${tokens.participant}` } })
    expect(res.status).toBe(200)
    const timeline = (await res.json()) as { start: number; end: number; events: { type: string; at: number; phase?: string; name?: string }[] }
    expect(timeline.start).toBeLessThanOrEqual(s.between)
    expect(timeline.end).toBeGreaterThan(s.between)
    expect(timeline.events.find((e) => e.type === 'join')).toMatchObject({ name: 'Member A' })
    const phase = timeline.events.find((e) => e.type === 'phase' && e.phase === 'frame')
    expect(phase).toMatchObject({ phase: 'frame' })
    expect(phase?.at).toBeGreaterThan(s.between)
    for (const e of timeline.events) expect(typeof e.at).toBe('number')

    const feed = await fetch(`${s.server.url}/api/sessions/${id}/updates?after=0&limit=2`, { headers: { authorization: `Bearer ${tokens.viewer}` } })
    const body = Buffer.from(await feed.arrayBuffer())
    const headerBytes = body.readUInt32LE(0)
    const header = JSON.parse(body.subarray(4, 4 + headerBytes).toString()) as { more: boolean; lastSeq: number; participants: string[] }
    expect(header).toMatchObject({ more: true, lastSeq: 2 })
    const fromCp = await fetch(`${s.server.url}/api/sessions/${id}/updates?from=checkpoint`, { headers: { authorization: `Bearer ${tokens.viewer}` } })
    const cpBody = Buffer.from(await fromCp.arrayBuffer())
    const cpHeader = JSON.parse(cpBody.subarray(4, 4 + cpBody.readUInt32LE(0)).toString()) as { checkpoint: { seq: number } | null; more: boolean }
    expect(cpHeader.checkpoint?.seq).toBeGreaterThan(0)
    expect(cpHeader.more).toBe(false)
  })

  it('keeps a timeline summary as the room writes checkpoints, and a restarted server answers the same from it', async () => {
    const overrides = { checkpointSpacing: 0, checkpointMinUpdates: 100, messagesPerSecond: 100_000, messageBurst: 100_000, bytesPerSecond: 1e9, burstBytes: 1e9 }
    const dataDir = tempDataDir()
    let server = await startServer(dataDir, overrides)
    cleanup.push(() => server.close())
    const session = await createSession(server.url, 'Summary test')
    const member = await join(server.url, session.id, session.tokens.facilitator, 'Member A')
    const client = connect(server.url, session.id, session.tokens.facilitator, member)
    await synced(client)
    addSticky(client, 'shape:a')
    const sticky = client.doc.getMap<Y.Map<unknown>>(Root.records).get('shape:a') as Y.Map<unknown>
    for (let i = 0; i < 1_250; i++) {
      sticky.set('x', i)
      if (i === 600) client.doc.getMap(Root.session).set('phase', 'frame')
      if (i % 50 === 0) await sleep(5)
    }
    await waitFor(async () => (await server.storage.lastSeq(session.id)) >= 1_250 && server.persister.pendingCount === 0, 'all logged')
    await waitFor(async () => ((await server.storage.timelineSummary(session.id))?.seq ?? 0) >= 1_000, 'a summary written after a checkpoint')
    client.destroy()
    const read = async () => (await fetch(`${server.url}/api/sessions/${session.id}/timeline`, { headers: { authorization: `Bearer ${session.tokens.viewer}` } })).json()
    const before = await read()
    expect(before).toMatchObject({ updates: await server.storage.lastSeq(session.id) })
    expect(before.events.filter((e: { type: string }) => e.type === 'phase').map((e: { phase: string }) => e.phase)).toContain('frame')
    await server.close()
    server = await startServer(dataDir, overrides)
    expect(await read()).toEqual(before)
  })

  it('answers 401 without a valid token and 400 for a bad moment', async () => {
    const s = await recordSession(1_000)
    const { id, tokens } = s.session
    for (const path of ['timeline', `state?at=${s.between}`, 'updates']) {
      expect((await fetch(`${s.server.url}/api/sessions/${id}/${path}`)).status).toBe(401)
      expect((await fetch(`${s.server.url}/api/sessions/${id}/${path}`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401)
    }
    expect((await fetch(`${s.server.url}/api/sessions/${id}/state?at=yesterday`, { headers: { authorization: `Bearer ${tokens.viewer}` } })).status).toBe(400)
    expect((await fetch(`${s.server.url}/api/sessions/${id}/state?at=${s.between}&token=${tokens.viewer}`)).status).toBe(200)
  })
})
