// Update → "saved" latency: N stock y-websocket clients with `ack=1` write steadily (staggered) into
// one session of a real Sandbox server (its own process, a temporary DATA_DIR, SQLite with
// synchronous=FULL), and each write is timed from the local change to the first `saved` ack that
// covers it. The server runs in a child process so the clients' own Yjs work is not counted as
// server time. Standalone: `node bench/savedLatency.ts --clients=100 --seconds=10`.
import fs from 'node:fs'
import os from 'node:os'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { MessageType, POSITION_KEY, recordToYMap, Root } from '@sandbox/shared'
import { noteRecord } from './docs.ts'
import { connect, createSession, freePort, spawnServer, tempDataDir, type Client } from '../server/src/testing/harness.ts'

export interface SavedLatencyOptions {
  clients: number
  seconds: number
  /** Writes per second per client (default 5). */
  writesPerSecond?: number
  /** Sessions the clients are spread over, round robin (default 1: everyone in one room). */
  rooms?: number
  /** Worker threads the clients run in (default: up to 4, one per CPU), so the clients' own Yjs
   * work (every client applies every update of its room) does not queue up the acks it times. */
  threads?: number
  /** Extra server environment (e.g. SAVE_BATCH_MS). */
  env?: Record<string, string>
}

export interface SavedLatencyResult {
  p50Ms: number
  p99Ms: number
  maxMs: number
  acks: number
  writes: number
  /** Writes not acknowledged within the drain time after the run. */
  unacked: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

interface WorkerJob {
  url: string
  sessions: { id: string; token: string }[]
  /** Global indexes of this worker's clients (client i joins session i % sessions.length). */
  indexes: number[]
  clients: number
  intervalMs: number
  warmupMs: number
  measureMs: number
}
interface WorkerReport {
  latencies: number[]
  acks: number
  writes: number
  unacked: number
}

/** One group of stock clients, in a worker thread: writes, and times each write to its ack. */
async function runClients(job: WorkerJob): Promise<WorkerReport> {
  const clients: Client[] = []
  const latencies: number[] = []
  const timers: NodeJS.Timeout[] = []
  let acks = 0
  let writes = 0
  let measuring = false
  const pending = new Map<Client, { clock: number; at: number; measured: boolean }[]>()
  try {
    for (const i of job.indexes) {
      const session = job.sessions[i % job.sessions.length] as { id: string; token: string }
      const c = connect(job.url, session.id, session.token, undefined, { ack: '1' })
      const queue: { clock: number; at: number; measured: boolean }[] = []
      pending.set(c, queue)
      c.provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
        const now = performance.now()
        acks++
        const clock = Y.decodeStateVector(decoding.readVarUint8Array(decoder)).get(c.doc.clientID) ?? 0
        while (queue.length > 0 && (queue[0] as { clock: number }).clock <= clock) {
          const w = queue.shift() as { at: number; measured: boolean }
          if (w.measured) latencies.push(now - w.at)
        }
      }
      clients.push(c)
    }
    const syncStart = Date.now()
    while (!clients.every((c) => c.provider.synced)) {
      if (Date.now() - syncStart > 60_000) throw new Error('clients did not sync within 60 s')
      await sleep(10)
    }
    // Staggered: client i starts i/N of an interval after client 0, then writes every interval.
    clients.forEach((c, k) => {
      const i = job.indexes[k] as number
      // A sticky the board accepts (the server judges every record), then moved as a drag moves it.
      const id = `shape:bench${i}`
      const shape = recordToYMap(noteRecord(id, 0, i * 220, `Bench ${i}`))
      const records = c.doc.getMap<Y.Map<unknown>>(Root.records)
      let n = 0
      const writeOnce = () => {
        if (n++ === 0) records.set(id, shape)
        else shape.set(POSITION_KEY, [n, i * 220])
        pending.get(c)?.push({ clock: Y.getState(c.doc.store, c.doc.clientID), at: performance.now(), measured: measuring })
        if (measuring) writes++
      }
      timers.push(
        setTimeout(() => {
          writeOnce()
          timers.push(setInterval(writeOnce, job.intervalMs))
        }, (i * job.intervalMs) / job.clients),
      )
    })
    await sleep(job.warmupMs)
    measuring = true
    await sleep(job.measureMs)
    measuring = false
    for (const t of timers) clearTimeout(t)
    const outstanding = () => [...pending.values()].reduce((n, q) => n + q.filter((w) => w.measured).length, 0)
    const drainStart = Date.now()
    while (outstanding() > 0 && Date.now() - drainStart < 5_000) await sleep(10)
    return { latencies, acks, writes, unacked: outstanding() }
  } finally {
    for (const t of timers) clearTimeout(t)
    for (const c of clients) c.destroy()
  }
}

if (!isMainThread && (workerData as { savedLatencyJob?: WorkerJob } | null)?.savedLatencyJob) {
  const report = await runClients((workerData as { savedLatencyJob: WorkerJob }).savedLatencyJob)
  parentPort?.postMessage(report)
}

export async function runSavedLatencyBench(opts: SavedLatencyOptions): Promise<SavedLatencyResult> {
  const writesPerSecond = opts.writesPerSecond ?? 5
  const rooms = Math.max(1, opts.rooms ?? 1)
  const threads = Math.max(1, Math.min(opts.clients, opts.threads ?? Math.max(1, Math.min(4, os.availableParallelism()))))
  const dataDir = tempDataDir()
  const port = await freePort()
  const { child, url } = await spawnServer(dataDir, port, {
    MAX_CONNECTIONS_PER_ROOM: String(Math.max(200, opts.clients + 10)),
    LOG_LEVEL: 'error',
    ...opts.env,
  })
  try {
    const sessions: { id: string; token: string }[] = []
    for (let r = 0; r < rooms; r++) {
      const s = await createSession(url, `saved latency bench ${r}`)
      sessions.push({ id: s.id, token: s.tokens.participant })
    }
    const indexes = Array.from({ length: threads }, (_, t) => Array.from({ length: opts.clients }, (_, i) => i).filter((i) => i % threads === t))
    const reports = await Promise.all(
      indexes.map(
        (ids) =>
          new Promise<WorkerReport>((resolve, reject) => {
            const job: WorkerJob = {
              url,
              sessions,
              indexes: ids,
              clients: opts.clients,
              intervalMs: 1000 / writesPerSecond,
              warmupMs: 1_000,
              measureMs: opts.seconds * 1000,
            }
            const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { savedLatencyJob: job } })
            worker.once('message', (r: WorkerReport) => resolve(r))
            worker.once('error', reject)
            worker.once('exit', (code) => code !== 0 && reject(new Error(`bench worker exited with ${code}`)))
          }),
      ),
    )
    const sorted = reports.flatMap((r) => r.latencies).sort((a, b) => a - b)
    const writes = reports.reduce((n, r) => n + r.writes, 0)
    // Loud, not a row of dashes: a server that refuses the writes is a broken benchmark.
    if (writes > 0 && sorted.length === 0) throw new Error(`none of ${writes} writes was acknowledged`)
    return {
      p50Ms: +percentile(sorted, 50).toFixed(2),
      p99Ms: +percentile(sorted, 99).toFixed(2),
      maxMs: +(sorted.at(-1) ?? Number.NaN).toFixed(2),
      acks: reports.reduce((n, r) => n + r.acks, 0),
      writes,
      unacked: reports.reduce((n, r) => n + r.unacked, 0),
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

if (isMainThread && process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
  const clients = arg('clients', 100)
  const seconds = arg('seconds', 10)
  const writesPerSecond = arg('rate', 5)
  const rooms = arg('rooms', 1)
  const result = await runSavedLatencyBench({ clients, seconds, writesPerSecond, rooms })
  console.log(
    `saved latency, ${clients} clients × ${writesPerSecond}/s in ${rooms} room(s) for ${seconds} s: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
      `max ${result.maxMs} ms, ${result.writes} writes, ${result.acks} acks, ${result.unacked} unacknowledged`,
  )
  console.log(JSON.stringify(result))
  process.exit(0)
}
