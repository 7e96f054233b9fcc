// Runs the load generator in its own process (or several: `workers`, each with every n-th client)
// and lets the caller act at the edges of the measured window (to read the server's CPU time
// there), so the generator's work never counts as the server's.
import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { countOf, merge, percentileOf, type Histogram } from './loadHistogram.ts'
import { nowUs, type ClientTarget } from './wire.ts'

export interface RoomLoad {
  targets: ClientTarget[]
  editHz: number
  cursorHz: number
  /** Ask Sandbox for `saved` acks and time them. */
  acks: boolean
}

export interface LoadSpec {
  rooms: RoomLoad[]
  warmupMs: number
  measureMs: number
  drainMs: number
  /** Load-generator processes (default 1); one that saturates a core would measure itself, not the server. */
  workers?: number
}

/** What every generator process counts, and the merged result sums. */
interface Counts {
  clients: number
  connectMs: number
  closedClients: number
  /** Close codes clients saw before the end of the run (Sandbox's are in shared/src/protocol.ts). */
  closeCodes: number[]
  editsSent: number
  editsExpected: number
  editsReceived: number
  cursorsSent: number
  cursorsExpected: number
  cursorsReceived: number
}

/** What one generator process measured (load.ts merges them). */
export interface WorkerResult extends Counts {
  editLatency: Histogram
  cursorLatency: Histogram
  savedLatency: Histogram
  cpuPercent: number
  /** Share of the window its main thread spent runnable but waiting for a CPU (null without /proc). */
  runWaitPercent: number | null
}

export interface LoadResult extends Counts {
  editsLost: number
  editP50Ms: number | null
  editP99Ms: number | null
  cursorP50Ms: number | null
  cursorP99Ms: number | null
  savedAcks: number
  savedP50Ms: number | null
  savedP99Ms: number | null
  /** The generator's own CPU use in the window (its busiest process); near 100 means it, not the server, is the limit. */
  loadgenCpuPercent: number
  /** Each generator process's CPU use in the window. */
  loadgenCpuPercentEach: number[]
  /** Each generator process's share of the window spent waiting for a CPU while runnable (starved by the machine). */
  loadgenRunWaitPercentEach: (number | null)[]
}

export type Phase = 'measure-start' | 'measure-end'
/** Between the generator processes only: every client connected. */
type WorkerPhase = Phase | 'connected'

/** How far ahead the measuring window is announced to the generator processes. */
const WINDOW_LEAD_MS = 250

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'loadWorker.ts')

export function runLoad(spec: LoadSpec, onPhase: (phase: Phase) => Promise<void>): Promise<LoadResult> {
  const workers = Math.max(1, spec.workers ?? 1)
  return new Promise((resolve, reject) => {
    const children: ChildProcess[] = []
    const results: WorkerResult[] = []
    const atPhase = new Map<WorkerPhase, number>()
    let failed = false
    const fail = (error: Error): void => {
      if (failed) return
      failed = true
      for (const c of children) c.kill()
      reject(error)
    }
    for (let w = 0; w < workers; w++) {
      const child = fork(worker, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      children.push(child)
      let settled = false
      child.on('message', (m) => {
        const msg = m as { type: string; name: WorkerPhase; result: WorkerResult; message: string }
        if (msg.type === 'phase') {
          // Every process reaches the phase before the caller acts and they all go on.
          const n = (atPhase.get(msg.name) ?? 0) + 1
          atPhase.set(msg.name, n)
          if (n < workers) return
          if (msg.name === 'measure-start') {
            // The window opens a moment from now, the same instant for every process: each knows it
            // before it sends anything inside it, so what is sent and what arrives are judged alike.
            const atUs = nowUs() + WINDOW_LEAD_MS * 1000
            for (const c of children) c.send({ type: 'go', atUs })
            setTimeout(() => onPhase('measure-start').catch((error: unknown) => fail(error as Error)), WINDOW_LEAD_MS)
            return
          }
          ;(msg.name === 'connected' ? Promise.resolve() : onPhase(msg.name)).then(
            () => {
              for (const c of children) c.send({ type: 'go' })
            },
            (error: unknown) => fail(error as Error),
          )
        } else if (msg.type === 'result') {
          settled = true
          results.push(msg.result)
          if (results.length === workers) resolve(combine(results))
        } else if (msg.type === 'error') {
          settled = true
          fail(new Error(`load generator failed: ${msg.message}`))
        }
      })
      child.on('exit', (code) => {
        if (!settled) fail(new Error(`load generator exited with ${code}`))
      })
      child.send({ type: 'run', spec, worker: w, workers })
    }
  })
}

function combine(rs: WorkerResult[]): LoadResult {
  const sum = (pick: (r: WorkerResult) => number): number => rs.reduce((n, r) => n + pick(r), 0)
  const edit = rs.reduce((h, r) => merge(h, r.editLatency), {} as Histogram)
  const cursor = rs.reduce((h, r) => merge(h, r.cursorLatency), {} as Histogram)
  const saved = rs.reduce((h, r) => merge(h, r.savedLatency), {} as Histogram)
  const editsExpected = sum((r) => r.editsExpected)
  const editsReceived = sum((r) => r.editsReceived)
  return {
    clients: sum((r) => r.clients),
    connectMs: Math.max(...rs.map((r) => r.connectMs)),
    closedClients: sum((r) => r.closedClients),
    closeCodes: [...new Set(rs.flatMap((r) => r.closeCodes))],
    editsSent: sum((r) => r.editsSent),
    editsExpected,
    editsReceived,
    editsLost: editsExpected - editsReceived,
    editP50Ms: percentileOf(edit, 50),
    editP99Ms: percentileOf(edit, 99),
    cursorsSent: sum((r) => r.cursorsSent),
    cursorsExpected: sum((r) => r.cursorsExpected),
    cursorsReceived: sum((r) => r.cursorsReceived),
    cursorP50Ms: percentileOf(cursor, 50),
    cursorP99Ms: percentileOf(cursor, 99),
    savedAcks: countOf(saved),
    savedP50Ms: percentileOf(saved, 50),
    savedP99Ms: percentileOf(saved, 99),
    loadgenCpuPercent: Math.max(...rs.map((r) => r.cpuPercent)),
    loadgenCpuPercentEach: rs.map((r) => r.cpuPercent),
    loadgenRunWaitPercentEach: rs.map((r) => r.runWaitPercent),
  }
}
