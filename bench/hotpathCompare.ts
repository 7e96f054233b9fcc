// Before/after of the server's hot path in one run: this checkout's Sandbox, another checkout's
// (--base DIR, e.g. a worktree of the branch point) and y-websocket, in alternating rounds, on the
// figures the hot-path work aims at: the 10 × 10 fan-out (CPU per delivery, edit p99), RSS per idle
// connection, and the cold room load (both Sandbox builds restarted in turn on the same data).
//   node bench/hotpathCompare.ts --base ../wt-base [--rounds 3] [--seconds 10] [--only fanout,memory,cold,crowd,crowd500]
import { startPeer, type ServerHandle } from './peers.ts'
import { runColdLoad } from './scenarios/coldLoad.ts'
import { FANOUT_SHAPES, runFanout, type FanoutShape } from './scenarios/fanout.ts'
import { runMemory } from './scenarios/memory.ts'
import { median, waitUntil } from './stats.ts'
import { BenchClient } from './wire.ts'

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? (process.argv[i + 1] as string) : fallback
}
const base = arg('base', '')
if (!base) throw new Error('--base <checkout> is required')
const rounds = Number(arg('rounds', '3'))
const measureMs = Number(arg('seconds', '10')) * 1000
const only = new Set(arg('only', 'fanout,memory,cold').split(','))
const coldShapes = Number(arg('shapes', '5000'))
const coldUpdates = Number(arg('updates', '100000'))

type Variant = 'after' | 'before' | 'y-websocket'
const VARIANTS = arg('variants', 'after,before,y-websocket').split(',') as Variant[]
/** `--base-env K=V,…`: settings for the "before" server only (e.g. the same build with another setting). */
const baseEnv = Object.fromEntries(arg('base-env', '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]))
const start = (v: Variant, env: Record<string, string> = {}, dataDir?: string): Promise<ServerHandle> =>
  v === 'y-websocket' ? startPeer('y-websocket') : startPeer('sandbox', { env: v === 'before' ? { ...env, ...baseEnv, BENCH_SANDBOX_ROOT: base } : env, dataDir })

const samples = new Map<string, number[]>()
const add = (key: string, value: number | null | undefined): void => {
  if (value === null || value === undefined || Number.isNaN(value)) return
  samples.set(key, [...(samples.get(key) ?? []), value])
}
const log = (line: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`)

for (let round = 0; round < rounds; round++) {
  const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length] as Variant)
  for (const v of order) {
    for (const shape of ['rooms', 'crowd', 'crowd500'] as FanoutShape[]) {
      if (!only.has(shape === 'rooms' ? 'fanout' : shape)) continue
      const server = await start(v, FANOUT_SHAPES[shape].serverEnv)
      try {
        const r = await runFanout(server, shape, measureMs, [], process.argv.includes('--workers') ? Number(arg('workers', '1')) : undefined)
        log(`${v} ${shape}: cpu/1k ${r.cpuSecPer1kDeliveries?.toPrecision(3)} p50 ${r.editP50Ms} p99 ${r.editP99Ms} cursor p99 ${r.cursorP99Ms} saved p99 ${r.savedP99Ms} lost ${r.editsLost} loadgen ${r.loadgenCpuPercentEach.map((c) => c.toFixed(0)).join('+')}% (waiting for a CPU ${r.loadgenRunWaitPercentEach.map((c) => c?.toFixed(0)).join('+')}%) server ${r.serverCpuPercent.toFixed(0)}% (waiting ${r.serverRunWaitPercent?.toFixed(0)}%) cursors ${r.cursorsReceived}/${r.cursorsExpected} closed ${r.closedClients}`)
        add(`${shape} cpu/1k ${v}`, r.cpuSecPer1kDeliveries)
        add(`${shape} edit p99 ${v}`, r.editP99Ms)
        add(`${shape} edit p50 ${v}`, r.editP50Ms)
        add(`${shape} cursor p99 ${v}`, r.cursorP99Ms)
        add(`${shape} saved p99 ${v}`, r.savedP99Ms)
        add(`${shape} lost ${v}`, r.editsLost)
        add(`${shape} loadgen cpu % ${v}`, r.loadgenCpuPercent)
        add(`${shape} loadgen run wait % ${v}`, Math.max(...r.loadgenRunWaitPercentEach.map((w) => w ?? 0)))
        add(`${shape} server cpu % ${v}`, r.serverCpuPercent)
        add(`${shape} server run wait % ${v}`, r.serverRunWaitPercent)
      } finally {
        await server.stop()
      }
    }
    if (only.has('memory')) {
      // More idle connections than the suite's 100 make RSS (page-granular) less noisy; they need the 500-person settings.
      const server = await start(v, { MAX_CONNECTIONS_PER_ROOM: '1000', JOINS_PER_MINUTE_PER_ADDRESS: '100000' })
      try {
        const m = await runMemory(server, { idleConnections: Number(arg('idle', '100')), rooms: 4, stickies: 500 })
        log(`${v} memory: rss/conn ${m.rssKbPerConnection.toFixed(1)} KB heap/conn ${m.heapKbPerConnection.toFixed(1)} KB`)
        add(`memory rss KB/conn ${v}`, m.rssKbPerConnection)
        add(`memory heap KB/conn ${v}`, m.heapKbPerConnection)
      } finally {
        await server.stop()
      }
    }
  }
}

if (only.has('cold')) {
  // Seeded once through the base build; then the two builds restart on the same data in turn.
  const seeding = { MESSAGES_PER_SECOND: '1000000', MESSAGE_BURST: '1000000' }
  const first = await start('before', seeding)
  const dataDir = first.dataDir
  const seeded = await runColdLoad(first, { shapes: coldShapes, updates: coldUpdates, restarts: 0 })
  log(`cold: seeded in ${seeded?.seedSeconds.toFixed(0)} s`)
  if (!seeded) throw new Error('cold: nothing seeded')
  for (let r = 0; r < rounds * 2; r++) {
    const pair = arg('cold-variants', 'after,before').split(',') as Variant[]
    for (const v of r % 2 === 0 ? pair : [...pair].reverse()) {
      const t0 = performance.now()
      const server = await start(v, {}, dataDir)
      const t1 = performance.now()
      const client = new BenchClient(server.target(seeded.room))
      try {
        await waitUntil(() => client.syncedAt !== null || client.closed, 'cold sync', 60_000)
        if (client.syncedAt === null) throw new Error(`${v}: cold client closed with ${client.closeCode}`)
        add(`cold first sync ms ${v}`, client.syncedAt - client.openedAt)
        add(`cold restart ms ${v}`, t1 - t0)
        log(`${v} cold: first sync ${(client.syncedAt - client.openedAt).toFixed(0)} ms, restart ${(t1 - t0).toFixed(0)} ms`)
      } finally {
        client.close()
        await server.stop()
      }
    }
  }
}


console.log('\nmedians (n):')
for (const [key, values] of [...samples].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`  ${key}: ${median(values)?.toPrecision(4)} (${values.length}) [${values.map((x) => +x.toPrecision(4)).join(', ')}]`)
process.exit(0)
