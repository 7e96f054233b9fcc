// Scenario 6: memory. Server-reported RSS and JS heap (after a full GC) before and after adding
// idle connections to one room, and before and after loading rooms of 500 stickies each.
import * as Y from 'yjs'
import { boardUpdate } from '../docs.ts'
import type { ServerHandle } from '../peers.ts'
import { sleep, waitUntil } from '../stats.ts'
import { BenchClient } from '../wire.ts'

export interface MemoryResult {
  idleConnections: number
  rssKbPerConnection: number
  heapKbPerConnection: number
  loadedRooms: number
  stickiesPerRoom: number
  rssKbPerRoom: number
  heapKbPerRoom: number
}

const kb = (bytes: number): number => bytes / 1024

async function settle(server: ServerHandle): Promise<{ rss: number; heap: number }> {
  await sleep(300)
  await server.stats(true)
  const s = await server.stats(true)
  return { rss: s.rssBytes, heap: s.heapUsedBytes + s.externalBytes }
}

export async function runMemory(server: ServerHandle, opts: { idleConnections: number; rooms: number; stickies: number }): Promise<MemoryResult> {
  const clients: BenchClient[] = []
  // Idle connections on one room that is already loaded (the first client loads it).
  const { targets } = await server.prepareRoom(opts.idleConnections + 1)
  const opener = new BenchClient(targets[0] as BenchClient['target'])
  clients.push(opener)
  await waitUntil(() => opener.syncedAt !== null, 'room open')
  const beforeIdle = await settle(server)
  for (const t of targets.slice(1)) clients.push(new BenchClient(t))
  await waitUntil(() => clients.every((c) => c.syncedAt !== null), 'idle clients synced')
  const afterIdle = await settle(server)

  // Loaded rooms: each gets a board in one update from one connected client.
  const board = boardUpdate(opts.stickies)
  const beforeRooms = await settle(server)
  for (let r = 0; r < opts.rooms; r++) {
    const { targets: [target] } = await server.prepareRoom(1, { acks: true })
    const c = new BenchClient(target as BenchClient['target'])
    clients.push(c)
    let saved = 0
    c.onSaved = (clock) => (saved = clock)
    await waitUntil(() => c.syncedAt !== null, 'room client synced')
    Y.applyUpdate(c.doc, board)
    const clock = c.ownClock
    if (server.name === 'sandbox') await waitUntil(() => saved >= clock, 'board saved')
  }
  await sleep(500)
  const afterRooms = await settle(server)
  for (const c of clients) c.close()
  return {
    idleConnections: opts.idleConnections,
    rssKbPerConnection: kb(afterIdle.rss - beforeIdle.rss) / opts.idleConnections,
    heapKbPerConnection: kb(afterIdle.heap - beforeIdle.heap) / opts.idleConnections,
    loadedRooms: opts.rooms,
    stickiesPerRoom: opts.stickies,
    rssKbPerRoom: kb(afterRooms.rss - beforeRooms.rss) / opts.rooms,
    heapKbPerRoom: kb(afterRooms.heap - beforeRooms.heap) / opts.rooms,
  }
}
