// Sandbox on PostgreSQL (DATABASE_URL): a real cluster started for this file, real servers on it,
// stock y-websocket clients. A board survives a restart with nothing in DATA_DIR, and two servers
// on one database share the participant-key secret (it lives in the database, not in DATA_DIR).
// The history routes (timeline, state at a moment) read PostgreSQL as they read SQLite.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Root } from '@sandbox/shared'
import { connect, createSession, join, putSticky, startServer, synced, tempDataDir, waitFor } from './testing/harness.ts'
import { startTestPostgres, type TestPostgres } from './testing/postgres.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()
let cluster: TestPostgres

beforeAll(async () => {
  cluster = await startTestPostgres()
}, 120_000)
afterAll(() => cluster?.stop(), 60_000)

describe('Sandbox on PostgreSQL', () => {
  it('keeps a sticky synced by a stock client across a restart, with nothing of it in DATA_DIR', async () => {
    const databaseUrl = await cluster.createDatabase()
    const first = await startServer(undefined, { databaseUrl })
    const session = await createSession(first.url, 'On PostgreSQL')
    const writer = connect(first.url, session.id, session.tokens.participant)
    await synced(writer)
    putSticky(writer.doc, 'shape:pg', 'stored in PostgreSQL')
    const room = first.rooms.loaded.get(session.id)
    await waitFor(() => room?.doc.getMap(Root.records).has('shape:pg') && room.pendingSaves === 0 && first.persister.pendingCount === 0, 'the sticky is committed')
    const expected = writer.doc.getMap(Root.records).toJSON()
    writer.destroy()
    expect(fs.existsSync(path.join(first.dataDir, 'sandbox.sqlite'))).toBe(false)
    expect(fs.existsSync(path.join(first.dataDir, 'participant-secret'))).toBe(false)
    await first.close()

    // Another process, another (empty) DATA_DIR, the same database.
    const second = await startServer(undefined, { databaseUrl })
    cleanup.push(() => second.close())
    const reader = connect(second.url, session.id, session.tokens.viewer)
    cleanup.push(() => reader.destroy())
    await synced(reader)
    expect(reader.doc.getMap(Root.records).toJSON()).toEqual(expected)
    const tasks = await fetch(`${second.url}/api/sessions/${session.id}/tasks?format=json`, { headers: { authorization: `Bearer ${session.tokens.facilitator}` } })
    expect(((await tasks.json()) as { session: { title: string } }).session.title).toBe('On PostgreSQL')

    // Export, timeline and the state at a moment read the same history from PostgreSQL.
    const auth = { authorization: `Bearer ${session.tokens.viewer}` }
    const timeline = (await (await fetch(`${second.url}/api/sessions/${session.id}/timeline`, { headers: auth })).json()) as { start: number; end: number; updates: number }
    expect(timeline.updates).toBeGreaterThanOrEqual(2)
    const before = await fetch(`${second.url}/api/sessions/${session.id}/state?at=${timeline.start - 1}`, { headers: auth })
    const atEnd = await fetch(`${second.url}/api/sessions/${session.id}/state?at=${timeline.end}`, { headers: auth })
    const stateOf = async (res: Response) => {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
      return doc.getMap(Root.records)
    }
    expect((await stateOf(before)).has('shape:pg')).toBe(false)
    expect((await stateOf(atEnd)).toJSON()).toEqual(expected)
  })

  it('shares the participant secret between two servers on one database: a key minted by one verifies on the other', async () => {
    const databaseUrl = await cluster.createDatabase()
    // Started together: both race to create the secret, and both must end with the same one.
    const [a, b] = await Promise.all([startServer(undefined, { databaseUrl }), startServer(undefined, { databaseUrl })])
    cleanup.push(() => a.close())
    cleanup.push(() => b.close())
    const session = await createSession(a.url)
    const minted = await join(a.url, session.id, session.tokens.participant, 'Facilitator on A')
    await waitFor(() => a.persister.pendingCount === 0, 'the join is committed on A')

    // B keeps the participant id only when the key verifies under its own secret.
    const res = await fetch(`${b.url}/api/sessions/${session.id}/participants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.tokens.participant}` },
      body: JSON.stringify({ name: 'Facilitator on A', participantId: minted.participantId, participantKey: minted.participantKey }),
    })
    expect(res.status).toBe(200)
    const rejoined = (await res.json()) as { participantId: string; participantKey: string }
    expect(rejoined.participantId).toBe(minted.participantId)
    expect(rejoined.participantKey).toBe(minted.participantKey)

    // A forged key does not.
    const forged = await fetch(`${b.url}/api/sessions/${session.id}/participants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.tokens.participant}` },
      body: JSON.stringify({ name: 'Someone else', participantId: minted.participantId, participantKey: 'x'.repeat(43) }),
    })
    expect(((await forged.json()) as { participantId: string }).participantId).not.toBe(minted.participantId)
  })
})

describe('DATABASE_URL that cannot be opened', () => {
  it('stops the start with a sentence naming the database (and no password)', async () => {
    const url = `postgres://sandbox:s3cret@127.0.0.1:${cluster.port}/no_such_database`
    const dataDir = tempDataDir()
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    const error = await startServer(dataDir, { databaseUrl: url }).then(
      () => null,
      (e: unknown) => e as Error,
    )
    expect(error?.message).toMatch(/Cannot open the PostgreSQL database at postgres:\/\/sandbox:\*\*\*@127\.0\.0\.1:\d+\/no_such_database .*Check DATABASE_URL/)
    expect(error?.message).not.toContain('s3cret')
  })
})
