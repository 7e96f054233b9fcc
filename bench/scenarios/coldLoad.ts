// Scenario 3: cold room load. A board of 5,000 stickies built by a 100,000-update history is sent
// through the server, the server is stopped (SIGTERM: it flushes), started again on the same data,
// and one client connects: we time the restart and the first sync of the cold room.
// The classic y-websocket server keeps rooms in memory only, so it has nothing to load.
import * as Y from 'yjs'
import { recordToYMap, Root, POSITION_KEY } from '@sandbox/shared'
import { indexKey, noteRecord } from '../docs.ts'
import { startPeer, type ServerHandle } from '../peers.ts'
import { median, sleep, waitUntil } from '../stats.ts'
import { BenchClient } from '../wire.ts'

export interface ColdLoadResult {
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

const SEED_CHUNK = 2_000

/** Sends the history through one connection, in chunks, waiting for the server to take each. */
async function seed(server: ServerHandle, room: string, target: BenchClient, shapes: number, updates: number): Promise<void> {
  await waitUntil(() => target.syncedAt !== null, 'seed client sync')
  const records = target.doc.getMap<Y.Map<unknown>>(Root.records)
  const maps: Y.Map<unknown>[] = []
  let applied = 0 // Hocuspocus answers every update with a sync-status frame
  let saved = 0 // Sandbox acks the stored clock
  target.onSaved = (clock) => (saved = clock)
  target.ws.on('message', (buf: Buffer) => {
    if (buf.length > 0 && server.name === 'hocuspocus') applied++
  })
  for (let n = 0; n < updates; n++) {
    const i = n % shapes
    if (n < shapes) {
      const id = `shape:cold${i}`
      target.doc.transact(() => records.set(id, recordToYMap(noteRecord(id, (i % 50) * 220, Math.floor(i / 50) * 220, `Idea ${i}`, indexKey(i)))))
      maps.push(records.get(id) as Y.Map<unknown>)
    } else {
      const map = maps[i] as Y.Map<unknown>
      // A drag step, written the way the client writes it (one joined position entry).
      target.doc.transact(() => map.set(POSITION_KEY, [(n * 7) % 10_000, (n * 13) % 10_000]))
    }
    if ((n + 1) % SEED_CHUNK === 0 || n === updates - 1) {
      const sent = n + 1
      const clock = target.ownClock
      await waitUntil(
        () => (server.name === 'sandbox' ? saved >= clock : server.name === 'hocuspocus' ? applied >= sent : target.ws.bufferedAmount === 0),
        `server to take ${sent} updates`,
        120_000,
      )
    }
  }
}

export async function runColdLoad(first: ServerHandle, opts: { shapes: number; updates: number; restarts: number }): Promise<ColdLoadResult | null> {
  if (first.name === 'y-websocket') {
    await first.stop()
    return null
  }
  const seedStart = performance.now()
  const { room, targets } = await first.prepareRoom(1, { acks: true })
  const loader = new BenchClient(targets[0] as BenchClient['target'])
  await seed(first, room, loader, opts.shapes, opts.updates)
  const seedSeconds = (performance.now() - seedStart) / 1000
  loader.close()
  await sleep(500) // Hocuspocus stores on last disconnect; Sandbox flushes on SIGTERM either way
  await first.stop()

  const restart: number[] = []
  const sync: number[] = []
  for (let r = 0; r < opts.restarts; r++) {
    const t0 = performance.now()
    const server = await startPeer(first.name, { dataDir: first.dataDir })
    const t1 = performance.now()
    const client = new BenchClient(server.target(room))
    await waitUntil(() => client.syncedAt !== null || client.closed, 'cold sync', 60_000)
    if (client.syncedAt === null) throw new Error(`${server.name}: cold client closed with ${client.closeCode}`)
    restart.push(t1 - t0)
    sync.push(client.syncedAt - client.openedAt)
    client.close()
    await server.stop()
  }
  const restartMs = median(restart)
  const firstSyncMs = median(sync)
  return {
    shapes: opts.shapes,
    updates: opts.updates,
    seedSeconds,
    restartMs,
    firstSyncMs,
    stopToSyncMs: median(restart.map((v, i) => v + (sync[i] as number))),
    restarts: opts.restarts,
  }
}
