// Scenario 3: cold room load. A board of 5,000 stickies built by a 100,000-update history is sent
// through the server, the server is stopped (SIGTERM: it flushes), started again on the same data,
// and one client connects: we time the restart and the first sync of the cold room.
// The classic y-websocket server keeps rooms in memory only, so it has nothing to load.
import * as Y from 'yjs'
import { recordToYMap, Root, POSITION_KEY } from '@sandbox/shared'
import { BoardLimits } from '@sandbox/shared/board'
import { indexKey, noteRecord } from '../docs.ts'
import { startPeer, type ServerHandle } from '../peers.ts'
import { median, sleep, waitUntil } from '../stats.ts'
import { BenchClient } from '../wire.ts'

export interface ColdLoadResult {
  /** The seeded room (restart the server on the same data to load it cold again). */
  room: string
  shapes: number
  updates: number
  seedSeconds: number
  /** Process spawn → listening, medians over the restarts. */
  restartMs: number | null
  /** Client connect → first sync of the cold room on the restarted server (the room load). */
  firstSyncMs: number | null
  /** Both together: from stop to first synced client. */
  stopToSyncMs: number | null
  restarts: number
}

/**
 * A connection may add at most BoardLimits.NEW_RECORDS_BURST new items at once (then 100 a second):
 * the stickies are created by several connections, each taking over the document so far, as
 * several people filling a board would. The moves that follow all go through the last one.
 */
const SEED_CHUNK = Math.min(2_000, BoardLimits.NEW_RECORDS_BURST)

/** Sends the history in chunks, waiting for the server to take each. Returns the last connection. */
async function seed(server: ServerHandle, target: BenchClient['target'], shapes: number, updates: number): Promise<BenchClient> {
  let client: BenchClient | null = null
  let records!: Y.Map<Y.Map<unknown>>
  let maps: Y.Map<unknown>[] = []
  let applied = 0 // Hocuspocus answers every update with a sync-status frame
  let saved = 0 // Sandbox acks the stored clock of this connection's own writes
  let sentHere = 0
  const handOver = async (): Promise<BenchClient> => {
    const next = new BenchClient(target)
    // Before the socket opens, so nothing is sent: the server has all of it already.
    if (client) Y.applyUpdate(next.doc, Y.encodeStateAsUpdate(client.doc))
    client?.close()
    applied = 0
    saved = 0
    sentHere = 0
    next.onSaved = (clock) => (saved = clock)
    next.ws.on('message', (buf: Buffer) => {
      if (buf.length > 0 && server.name === 'hocuspocus') applied++
    })
    await waitUntil(() => next.syncedAt !== null, 'seed client sync')
    records = next.doc.getMap<Y.Map<unknown>>(Root.records)
    maps = maps.map((m) => records.get(m.get('id') as string) as Y.Map<unknown>)
    client = next
    return next
  }
  let c = await handOver()
  for (let n = 0; n < updates; n++) {
    const i = n % shapes
    if (n < shapes) {
      const id = `shape:cold${i}`
      c.doc.transact(() => records.set(id, recordToYMap(noteRecord(id, (i % 50) * 220, Math.floor(i / 50) * 220, `Idea ${i}`, indexKey(i)))))
      maps.push(records.get(id) as Y.Map<unknown>)
    } else {
      const map = maps[i] as Y.Map<unknown>
      // A drag step, written the way the client writes it (one joined position entry).
      c.doc.transact(() => map.set(POSITION_KEY, [(n * 7) % 10_000, (n * 13) % 10_000]))
    }
    sentHere++
    if ((n + 1) % SEED_CHUNK === 0 || n === updates - 1) {
      const clock = c.ownClock
      const conn = c
      await waitUntil(
        () => conn.closed || (server.name === 'sandbox' ? saved >= clock : server.name === 'hocuspocus' ? applied >= sentHere : conn.ws.bufferedAmount === 0),
        `server to take ${n + 1} updates`,
        120_000,
      )
      if (conn.closed) throw new Error(`${server.name}: the seeding connection was closed (${conn.closeCode})`)
      if (n + 1 < shapes) c = await handOver()
    }
  }
  return c
}

export async function runColdLoad(first: ServerHandle, opts: { shapes: number; updates: number; restarts: number; env?: Record<string, string> }): Promise<ColdLoadResult | null> {
  if (first.name === 'y-websocket') {
    await first.stop()
    return null
  }
  const seedStart = performance.now()
  const { room, targets } = await first.prepareRoom(1, { acks: true })
  const loader = await seed(first, targets[0] as BenchClient['target'], opts.shapes, opts.updates)
  const seedSeconds = (performance.now() - seedStart) / 1000
  loader.close()
  await sleep(500) // Hocuspocus stores on last disconnect; Sandbox flushes on SIGTERM either way
  await first.stop()

  const restart: number[] = []
  const sync: number[] = []
  for (let r = 0; r < opts.restarts; r++) {
    const t0 = performance.now()
    const server = await startPeer(first.name, { dataDir: first.dataDir, env: opts.env })
    const t1 = performance.now()
    const client = new BenchClient(server.target(room))
    try {
      await waitUntil(() => client.syncedAt !== null || client.closed, 'cold sync', 60_000)
      if (client.syncedAt === null) throw new Error(`${server.name}: cold client closed with ${client.closeCode}`)
      restart.push(t1 - t0)
      sync.push(client.syncedAt - client.openedAt)
    } finally {
      client.close()
      await server.stop()
    }
  }
  const restartMs = median(restart)
  const firstSyncMs = median(sync)
  return {
    room,
    shapes: opts.shapes,
    updates: opts.updates,
    seedSeconds,
    restartMs,
    firstSyncMs,
    stopToSyncMs: median(restart.map((v, i) => v + (sync[i] as number))),
    restarts: opts.restarts,
  }
}
