// Checkpoints as a live room writes them (rooms/checkpointPolicy.ts), on both backends: spaced by
// the log bytes after them, thinned after each write, counted right by the room's quota, and
// still good for replay: the state at any seq is the same as the log alone gives.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { POSITION_KEY, Root } from '@sandbox/shared'
import { stateAtSeq } from '../replay/history.ts'
import type { CheckpointInfo } from '../storage/Storage.ts'
import { createSession, joinedClient, putSticky, startServer, tempDataDir, waitFor } from '../testing/harness.ts'
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts'
import { teardownAfterEach } from '../testing/teardown.ts'
import type { Room } from './Room.ts'

const cleanup = teardownAfterEach()
let cluster: TestPostgres | null = null

beforeAll(async () => {
  cluster = await startTestPostgres()
}, 120_000)
afterAll(() => cluster?.stop(), 60_000)

const backends = [
  { name: 'SQLite', databaseUrl: async (): Promise<string | null> => null },
  { name: 'PostgreSQL', databaseUrl: async (): Promise<string | null> => (cluster as TestPostgres).createDatabase() },
]

const records = (state: Uint8Array) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  const json = doc.getMap(Root.records).toJSON()
  doc.destroy()
  return json
}

describe.each(backends)('checkpoints of a live room: $name', (backend) => {
  it('are spaced by the log after them, thinned, counted by the quota, and replay still seeks right', async () => {
    const databaseUrl = await backend.databaseUrl()
    const overrides = { checkpointMinUpdates: 20, messagesPerSecond: 1e6, messageBurst: 1e6, ...(databaseUrl ? { databaseUrl } : {}) }
    const dataDir = tempDataDir()
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    let server = await startServer(dataDir, overrides)
    cleanup.push(() => server.close())
    const session = await createSession(server.url, 'Checkpoints')
    const { client } = await joinedClient(server.url, session.id, session.tokens.participant, 'Member', cleanup.push)
    const records_ = client.doc.getMap<Y.Map<unknown>>(Root.records)
    for (let i = 0; i < 20; i++) putSticky(client.doc, `shape:n${i}`, `Sticky number ${i} with a few words on it`)
    const room = await server.rooms.get(session.id)
    // Drags, one update per move: the log grows, the board does not. A room checkpoints only with
    // everything committed, so the moves pause now and then, as people do, for the commits to catch up.
    for (let i = 0; i < 1_500; i++) {
      records_.get(`shape:n${i % 20}`)?.set(POSITION_KEY, [i, i * 2])
      if (i % 50 === 49) await waitFor(async () => (await server.storage.lastSeq(session.id)) >= i + 21 && room.pendingSaves === 0, 'moves committed')
    }
    const settled = async () => {
      const lastSeq = await server.storage.lastSeq(session.id)
      return room.pendingSaves === 0 && server.persister.pendingCount === 0 && lastSeq >= 1_520 && (await room.checkpoint(), true)
    }
    await waitFor(settled, 'every move logged', 20_000)

    const kept = async (): Promise<CheckpointInfo[]> => {
      let seen: CheckpointInfo[] = []
      await server.storage.thinCheckpoints(session.id, (k) => ((seen = [...k]), []))
      return seen
    }
    const checkpoints = await kept()
    // Not one every 20 updates (75 of them): one per checkpoint-size of log.
    expect(checkpoints.length).toBeGreaterThan(2)
    expect(checkpoints.length).toBeLessThan(40)
    for (let i = 0; i + 1 < checkpoints.length; i++) {
      const [c, next] = [checkpoints[i] as CheckpointInfo, checkpoints[i + 1] as CheckpointInfo]
      expect(next.logBytes - c.logBytes).toBeGreaterThanOrEqual(c.storedBytes)
    }
    const logBytes = (await server.storage.updatesAfter(session.id, 0)).reduce((n, u) => n + u.update.length, 0)
    const checkpointBytes = checkpoints.reduce((n, c) => n + c.storedBytes, 0)
    expect(checkpointBytes).toBeLessThanOrEqual(logBytes + (checkpoints.at(-1) as CheckpointInfo).storedBytes)
    // The quota's count follows the deletions.
    const stored = await server.storage.storedBytes(session.id)
    expect(stored).toBe(logBytes + checkpointBytes)
    expect((room as unknown as { storedBytes: number }).storedBytes).toBe(stored)

    // Replay: the state at any seq, from a kept checkpoint or an older one plus the log, is what the log alone gives.
    const log = await server.storage.updatesAfter(session.id, 0)
    const fromLog = new Y.Doc()
    const bySeq = new Map<number, unknown>()
    const probes = new Set([1, 25, ...checkpoints.flatMap((c) => [c.seq - 1, c.seq, c.seq + 7]), log.length])
    for (const u of log) {
      Y.applyUpdate(fromLog, u.update)
      if (probes.has(u.seq)) bySeq.set(u.seq, fromLog.getMap(Root.records).toJSON())
    }
    for (const [seq, expected] of bySeq) expect(records(await stateAtSeq(server.storage, session.id, seq))).toEqual(expected)
    const board = fromLog.getMap(Root.records).toJSON()

    // After a restart: the same board from the newest checkpoint, and the same stored bytes.
    client.destroy()
    await server.close()
    server = await startServer(dataDir, overrides)
    const again = await server.rooms.get(session.id)
    expect(again.doc.getMap(Root.records).toJSON()).toEqual(board)
    const reloaded = again as Room as unknown as { storedBytes: number; checkpointBytes: number }
    expect(reloaded.storedBytes).toBe(await server.storage.storedBytes(session.id))
    // The policy resumes from the newest checkpoint's stored size, not the document's.
    expect(reloaded.checkpointBytes).toBe((await kept()).at(-1)?.storedBytes)
  }, 60_000)
})
