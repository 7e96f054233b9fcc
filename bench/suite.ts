// Runs every scenario against every server, in alternating rounds, and keeps each round's raw
// result. Each server starts fresh for each scenario so one scenario's leftovers never bias the next.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PEERS, startPeer, type PeerName } from './peers.ts'
import { measureBundles, type RouteSize } from './bundleSizes.ts'
import { browserUnavailable, runBrowser, type BrowserOptions, type BrowserResult } from './scenarios/browser.ts'
import { runCluster, type ClusterResult, type ClusterVariant } from './scenarios/cluster.ts'
import { runColdLoad, type ColdLoadResult } from './scenarios/coldLoad.ts'
import { FANOUT_SHAPES, runFanout, type FanoutResult, type FanoutShape } from './scenarios/fanout.ts'
import { runMemory, type MemoryResult } from './scenarios/memory.ts'
import { startTestPostgres, type TestPostgres } from '../server/src/testing/postgres.ts'


/** What `--quick` leaves out unless asked for with --only. */
export const QUICK_SKIPS: ReadonlySet<string> = new Set(['fanout-crowd500', 'cluster', 'storage', 'validation', 'replay-open'])

export interface SuiteOptions {
  quick: boolean
  rounds: number
  measureMs: number
  cold: { shapes: number; updates: number; restarts: number }
  memory: { idleConnections: number; rooms: number; stickies: number }
  browser: BrowserOptions
  replayUpdates: number
  savedIsolated: { clients: number; seconds: number }
  cluster: { variants: ClusterVariant[]; leaseTtlsMs: number[]; takeoverRepetitions: number }
  only: Set<string> | null
  log: (line: string) => void
}

type PerPeer<T> = Record<PeerName, T[]>
const perPeer = <T>(): PerPeer<T> => ({ sandbox: [], 'y-websocket': [], hocuspocus: [] })

export interface SuiteResults {
  versions: Record<PeerName, string>
  fanout: Record<FanoutShape, PerPeer<FanoutResult>>
  memory: PerPeer<MemoryResult>
  cold: Record<PeerName, ColdLoadResult | null>
  /** The same cold load, Sandbox on PostgreSQL. */
  coldPostgres: ColdLoadResult | null
  /** Several processes on one PostgreSQL (bench/scenarios/cluster.ts). */
  cluster: ClusterResult | null
  replaySeek: Record<string, unknown> | null
  replayOpen: Record<string, unknown> | null
  /** Stored bytes over (update bytes + final document) of long sessions, per backend (bench/storageRatio.ts). */
  storageRatio: Record<string, unknown>[] | null
  savedIsolated: Record<string, unknown> | null
  /** Fan-out with and without the server judging the board (bench/validationCost.ts). */
  validationCost: Record<string, unknown> | null
  browser: BrowserResult | null
  /** JavaScript and CSS each page downloads before it works (bench/bundleSizes.ts). */
  bundles: RouteSize[] | null
  gaps: string[]
}

const here = path.dirname(fileURLToPath(import.meta.url))

/** Imports a sibling bench module another engineer owns, if it is there. */
async function optionalModule<T>(file: string): Promise<T | null> {
  if (!fs.existsSync(path.join(here, file))) return null
  return (await import(`./${file}`)) as T
}

/** Round r starts with a different server, so drift on a busy machine does not favour one. */
const orderFor = (round: number): PeerName[] => PEERS.map((_, i) => PEERS[(i + round) % PEERS.length] as PeerName)

export async function runSuite(opts: SuiteOptions): Promise<SuiteResults> {
  // A quick run is a smoke test of under 3 minutes: it leaves out the scenarios that take a minute
  // or more each (full runs and --only still run them).
  const want = (name: string): boolean => (opts.only === null ? !(opts.quick && QUICK_SKIPS.has(name)) : opts.only.has(name))
  const results: SuiteResults = {
    versions: { sandbox: '', 'y-websocket': '', hocuspocus: '' },
    fanout: { rooms: perPeer(), crowd: perPeer(), crowd500: perPeer() },
    memory: perPeer(),
    cold: { sandbox: null, 'y-websocket': null, hocuspocus: null },
    coldPostgres: null,
    cluster: null,
    replaySeek: null,
    replayOpen: null,
    storageRatio: null,
    savedIsolated: null,
    validationCost: null,
    browser: null,
    bundles: null,
    gaps: [],
  }
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now()
    const value = await fn()
    opts.log(`  ${what}: ${((performance.now() - t) / 1000).toFixed(1)} s`)
    return value
  }

  /** Modules other engineers own may be mid-change: their failure is a reported gap, not a crash. */
  const guarded = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn()
    } catch (error) {
      opts.log(`  ${what} failed: ${(error as Error).message}`)
      results.gaps.push(`${what}: failed in this run (${(error as Error).message.split('\n')[0]}).`)
    }
  }

  for (let round = 0; round < opts.rounds; round++) {
    opts.log(`round ${round + 1}/${opts.rounds}`)
    for (const peer of orderFor(round)) {
      for (const shape of ['rooms', 'crowd', 'crowd500'] as const) {
        // 500 people take a while to join: in full runs, or asked for by name.
        const asked = opts.only?.has('fanout') === true && (shape !== 'crowd500' || !opts.quick)
        if (!want(`fanout-${shape}`) && !asked) continue
        const server = await startPeer(peer, { env: FANOUT_SHAPES[shape].serverEnv })
        results.versions[peer] = server.version
        try {
          const r = await timed(`${peer} fan-out ${shape}`, () => runFanout(server, shape, opts.measureMs))
          results.fanout[shape][peer].push(r)
        } finally {
          await server.stop()
        }
      }
      if (want('memory')) {
        const server = await startPeer(peer)
        results.versions[peer] = server.version
        try {
          results.memory[peer].push(await timed(`${peer} memory`, () => runMemory(server, opts.memory)))
        } finally {
          await server.stop()
        }
      }
    }
  }

  // One throwaway PostgreSQL for the scenarios that need it, started only when one of them runs.
  const started: { pg: TestPostgres | null } = { pg: null }
  const postgres = async (): Promise<TestPostgres> => (started.pg ??= await timed('PostgreSQL start', () => startTestPostgres()))
  // Writing the history through the server needs its per-connection rate limit lifted; the
  // restarts that are timed run with the defaults.
  const seeding = { MESSAGES_PER_SECOND: '1000000', MESSAGE_BURST: '1000000' }
  try {
    if (want('cold')) {
      opts.log('cold load')
      for (const peer of PEERS) {
        const server = await startPeer(peer, { env: seeding })
        results.versions[peer] = server.version
        try {
          results.cold[peer] = await timed(`${peer} cold load`, () => runColdLoad(server, opts.cold))
        } finally {
          await server.stop() // already stopped unless the scenario failed: no server outlives the run
        }
      }
      await guarded('Cold room load, Sandbox on PostgreSQL', async () => {
        const env = { DATABASE_URL: await (await postgres()).createDatabase() }
        // Seeding only: on a loaded machine, taking a 2,000-sticky burst kept the event loop from
        // renewing the room's lease within the default 5 s, and the process gave the room up
        // mid-seed (close 4513). The timed restarts run with the default lease.
        const server = await startPeer('sandbox', { env: { ...env, ...seeding, LEASE_TTL_MS: '60000' } })
        try {
          results.coldPostgres = await timed('sandbox on PostgreSQL cold load', () => runColdLoad(server, { ...opts.cold, env }))
        } finally {
          await server.stop()
        }
      })
    }

    if (want('cluster')) {
      await guarded('Several processes on PostgreSQL (bench/scenarios/cluster.ts)', async () => {
        const db = await postgres()
        results.cluster = await timed('several processes on PostgreSQL', () => runCluster(db, { rounds: opts.rounds, measureMs: opts.measureMs, ...opts.cluster, log: opts.log }))
        results.versions.sandbox ||= results.cluster.version
      })
    }
  } finally {
    await started.pg?.stop()
  }

  if (want('replay')) {
    await guarded('Replay seek (bench/replaySeek.ts)', async () => {
      const mod = await optionalModule<{ runReplaySeekBench: (o: { updates: number }) => Promise<Record<string, unknown>> }>('replaySeek.ts')
      if (mod) results.replaySeek = await timed('replay seek', () => mod.runReplaySeekBench({ updates: opts.replayUpdates }))
      else results.gaps.push('Replay seek: bench/replaySeek.ts is missing.')
    })
  }

  if (want('replay-open')) {
    const why = browserUnavailable()
    if (why) results.gaps.push(`Replay cold open: ${why}.`)
    else {
      await guarded('Replay cold open (bench/replayOpen.ts)', async () => {
        const mod = await optionalModule<{ runReplayOpenBench: (o: { updates: number; rounds: number }) => Promise<Record<string, unknown>> }>('replayOpen.ts')
        if (mod) results.replayOpen = await timed('replay cold open', () => mod.runReplayOpenBench({ updates: opts.replayUpdates, rounds: opts.rounds }))
        else results.gaps.push('Replay cold open: bench/replayOpen.ts is missing.')
      })
    }
  }
  if (want('storage')) {
    await guarded('Storage ratio of long sessions (bench/storageRatio.ts)', async () => {
      const { runStorageRatioBench, formatStorageRatio } = await import('./storageRatio.ts')
      const ratios = await timed('storage ratio', () => runStorageRatioBench())
      for (const r of ratios) opts.log(`  ${formatStorageRatio(r)}`)
      results.storageRatio = ratios as unknown as Record<string, unknown>[]
    })
  }

  if (want('saved')) {
    await guarded('Saved latency without other load (bench/savedLatency.ts)', async () => {
      const mod = await optionalModule<{ runSavedLatencyBench: (o: { clients: number; seconds: number }) => Promise<Record<string, unknown>> }>('savedLatency.ts')
      if (mod) results.savedIsolated = await timed('saved latency (isolated)', () => mod.runSavedLatencyBench(opts.savedIsolated))
      else results.gaps.push('Saved latency without other load: bench/savedLatency.ts is missing (saved latency under fan-out load is measured inline).')
    })
  }

  if (want('validation')) {
    await guarded('What judging the board costs (bench/validationCost.ts)', async () => {
      const { runValidationCostBench } = await import('./validationCost.ts')
      const cost = await timed('board validation cost', () => runValidationCostBench({ rounds: opts.rounds, measureMs: opts.measureMs }))
      results.validationCost = cost
      opts.log(
        `board validation: CPU per 1,000 deliveries ×${(cost.cpuRatio as number).toFixed(2)}, edit p99 ×${(cost.p99Ratio as number).toFixed(2)} ` +
          `(judged ÷ not judged; ${JSON.stringify(cost.judged)} vs ${JSON.stringify(cost.unjudged)})`,
      )
    })
  }

  if (want('bundle')) {
    await guarded('Bundle sizes (bench/bundleSizes.ts)', async () => {
      results.bundles = measureBundles(path.resolve(here, '../client/dist'))
    })
  }

  if (want('browser')) {
    const why = browserUnavailable()
    if (why) results.gaps.push(`Browser: ${why}.`)
    else {
      const server = await startPeer('sandbox')
      try {
        results.browser = await timed('browser', () => runBrowser(server, opts.browser))
      } catch (error) {
        results.gaps.push(`Browser: failed (${(error as Error).message.split('\n')[0]}).`)
      } finally {
        await server.stop()
      }
    }
  }
  return results
}
