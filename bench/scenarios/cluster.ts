// Several Sandbox processes on one PostgreSQL (issue 10):
// - fan-out 10 rooms × 10 clients at 5 Hz with every client on one process, and with clients
//   alternating between two processes (half of them relayed to the room's owner), beside Sandbox
//   on SQLite; CPU is summed over every process of the deployment;
// - takeover: the owner is killed (SIGKILL) while clients write, and we time how long until the
//   surviving process serves the room: first sync, and first "saved" ack, after the kill.
// The PostgreSQL is a throwaway cluster (server/src/testing/postgres.ts: fsync off), fine for
// comparing 1 process with 2, not a figure for a durable PostgreSQL.
import * as Y from 'yjs'
import { recordToYMap, Root, POSITION_KEY } from '@sandbox/shared'
import type { TestPostgres } from '../../server/src/testing/postgres.ts'
import { noteRecord } from '../docs.ts'
import { startPeer, type ServerHandle } from '../peers.ts'
import { sleep, waitUntil } from '../stats.ts'
import { BenchClient, type ClientTarget } from '../wire.ts'
import { onProcess, runFanout, type FanoutResult } from './fanout.ts'

export type ClusterVariant = 'sqlite-1' | 'postgres-1' | 'postgres-2'
export const CLUSTER_VARIANTS: Record<ClusterVariant, string> = {
  'sqlite-1': 'SQLite, 1 process',
  'postgres-1': 'PostgreSQL, 1 process',
  'postgres-2': 'PostgreSQL, 2 processes',
}

export interface TakeoverRun {
  leaseTtlMs: number
  /** SIGKILL of the owner → first sync of a client served by the surviving process. */
  firstSyncMs: number
  /** SIGKILL of the owner → first "saved" ack from the surviving process. */
  firstSavedMs: number
  /** Acks the writers had before the kill (shows they were writing and being saved). */
  ackedBeforeKill: number
}

export interface ClusterResult {
  version: string
  fanout: Record<ClusterVariant, FanoutResult[]>
  takeover: TakeoverRun[]
}

export interface ClusterOptions {
  rounds: number
  measureMs: number
  /** Variants to run (quick runs leave the SQLite reference out: the fan-out scenario has it). */
  variants: ClusterVariant[]
  leaseTtlsMs: number[]
  takeoverRepetitions: number
  log: (line: string) => void
}

async function fanoutOnce(pg: TestPostgres, variant: ClusterVariant, measureMs: number, into: ClusterResult): Promise<FanoutResult> {
  if (variant === 'sqlite-1') {
    const server = await startPeer('sandbox')
    into.version = server.version
    try {
      return await runFanout(server, 'rooms', measureMs)
    } finally {
      await server.stop()
    }
  }
  const env = { DATABASE_URL: await pg.createDatabase() }
  const processes: ServerHandle[] = []
  try {
    // One after the other, so the first applies the migrations alone.
    processes.push(await startPeer('sandbox', { env }))
    into.version = (processes[0] as ServerHandle).version
    if (variant === 'postgres-2') processes.push(await startPeer('sandbox', { env }))
    return await runFanout(processes[0] as ServerHandle, 'rooms', measureMs, processes.slice(1))
  } finally {
    await Promise.all(processes.map((p) => p.stop()))
  }
}

const roomsLoaded = async (server: ServerHandle): Promise<number> =>
  ((await (await fetch(`${server.httpUrl}/healthz`)).json()) as { rooms: number }).rooms

/**
 * One kill -9. Four writers (two on the owner, two relayed through the other process) move their
 * sticky at 10 Hz with acks on. When a writer's socket closes it reconnects at once to the
 * survivor, as a balancer that has noticed the dead process would send it; the survivor holds the
 * upgrade until the dead owner's lease lapses, then claims and loads the room. Only connections
 * opened after the kill count, so a last ack already in flight from the owner cannot pass for one.
 */
async function takeoverOnce(pg: TestPostgres, leaseTtlMs: number): Promise<TakeoverRun> {
  const env = { DATABASE_URL: await pg.createDatabase(), LEASE_TTL_MS: String(leaseTtlMs) }
  const owner = await startPeer('sandbox', { env })
  const survivor = await startPeer('sandbox', { env })
  const clients: BenchClient[] = []
  let stopping = false
  let killedAt = Infinity
  let firstSync = Infinity
  let firstSaved = Infinity
  let ackedBeforeKill = 0
  try {
    const { targets } = await owner.prepareRoom(4, { acks: true })
    // The room's first connection is on `owner`, so it holds the lease.
    const first = new BenchClient(targets[0] as ClientTarget)
    clients.push(first)
    await waitUntil(() => first.syncedAt !== null, 'first client on the owner')
    if ((await roomsLoaded(owner)) !== 1) throw new Error('the intended owner did not load the room')

    const shapes = new Map<BenchClient, Y.Map<unknown>>()
    const connect = (target: ClientTarget, n: number): void => {
      const client = new BenchClient(target)
      clients.push(client)
      const afterKill = client.openedAt > killedAt
      client.onSaved = () => {
        const now = performance.now()
        if (afterKill) firstSaved = Math.min(firstSaved, now)
        else if (now < killedAt) ackedBeforeKill++
      }
      client.ws.on('close', () => {
        if (!stopping) setTimeout(() => connect(onProcess(target, survivor), n), 0)
      })
      const poll = setInterval(() => {
        if (client.closed) return clearInterval(poll)
        if (client.syncedAt === null) return
        clearInterval(poll)
        if (afterKill) firstSync = Math.min(firstSync, client.syncedAt)
        const id = `shape:writer${n}`
        const records = client.doc.getMap<Y.Map<unknown>>(Root.records)
        client.doc.transact(() => records.set(id, recordToYMap(noteRecord(id, n * 300, 0, `Writer ${n}`))))
        shapes.set(client, records.get(id) as Y.Map<unknown>)
      }, 2)
    }
    targets.forEach((t, n) => connect(n % 2 === 0 ? t : onProcess(t, survivor), n))
    const writing = setInterval(() => {
      for (const [client, shape] of shapes) {
        if (client.closed) shapes.delete(client)
        else client.doc.transact(() => shape.set(POSITION_KEY, [Math.round(Math.random() * 2000), Math.round(Math.random() * 2000)]))
      }
    }, 100)
    try {
      await waitUntil(() => ackedBeforeKill >= 8, 'acks before the kill', 15_000)
      await sleep(Math.random() * 500) // the kill lands at a random point of the renewal cycle
      killedAt = performance.now()
      process.kill(owner.pid, 'SIGKILL')
      await waitUntil(() => firstSaved < Infinity, 'the first saved ack after the kill', leaseTtlMs + 20_000)
    } finally {
      clearInterval(writing)
    }
    if ((await roomsLoaded(survivor)) !== 1) throw new Error('the survivor does not hold the room')
    return { leaseTtlMs, firstSyncMs: firstSync - killedAt, firstSavedMs: firstSaved - killedAt, ackedBeforeKill }
  } finally {
    stopping = true
    for (const c of clients) c.close()
    await Promise.all([owner.stop(), survivor.stop()])
  }
}

export async function runCluster(pg: TestPostgres, opts: ClusterOptions): Promise<ClusterResult> {
  const result: ClusterResult = { version: '', fanout: { 'sqlite-1': [], 'postgres-1': [], 'postgres-2': [] }, takeover: [] }
  for (let round = 0; round < opts.rounds; round++) {
    // Each round starts with a different variant, so drift on a busy machine favours none.
    const order = opts.variants.map((_, i) => opts.variants[(i + round) % opts.variants.length] as ClusterVariant)
    for (const variant of order) {
      const t = performance.now()
      const r = await fanoutOnce(pg, variant, opts.measureMs, result)
      result.fanout[variant].push(r)
      opts.log(`  cluster fan-out, ${CLUSTER_VARIANTS[variant]}: p99 ${r.editP99Ms?.toFixed(2)} ms, ${r.cpuSecPer1kDeliveries?.toFixed(4)} s CPU / 1,000, lost ${r.editsLost} (${((performance.now() - t) / 1000).toFixed(1)} s)`)
    }
  }
  for (let rep = 0; rep < opts.takeoverRepetitions; rep++) {
    for (const ttl of opts.leaseTtlsMs) {
      const t = performance.now()
      const r = await takeoverOnce(pg, ttl)
      result.takeover.push(r)
      opts.log(`  takeover, lease ${ttl} ms: first sync ${r.firstSyncMs.toFixed(0)} ms, first saved ${r.firstSavedMs.toFixed(0)} ms after kill -9 (${((performance.now() - t) / 1000).toFixed(1)} s)`)
    }
  }
  return result
}
