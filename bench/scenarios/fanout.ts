// Scenario 1 (and 2): fan-out under steady load. "rooms" = 10 rooms × 10 clients editing at 5 Hz;
// "crowd" = one room of 100 clients moving cursors at 10 Hz and editing at 1 Hz. Sandbox clients
// ask for "saved" acks, so the same run gives Sandbox's saved latency under load.
import { runLoad, type LoadResult } from '../load.ts'
import type { ServerHandle } from '../peers.ts'
import { readProc, readRunWaitMs } from '../procStats.ts'
import type { ClientTarget } from '../wire.ts'

export type FanoutShape = 'rooms' | 'crowd' | 'crowd500'

export interface FanoutResult extends LoadResult {
  serverCpuMs: number
  offeredDeliveries: number
  cpuSecPer1kDeliveries: number | null
  rssPeakMb: number
  /** Server CPU in the window as a share of one core, and its main threads' wait for a CPU while runnable (summed over processes). */
  serverCpuPercent: number
  serverRunWaitPercent: number | null
}

/**
 * `workers`: load-generator processes (one alone saturates its core at 500 clients). `serverEnv`:
 * what a Sandbox server needs for the shape: by default a room takes 200 participants, and an
 * address may join 120 times a minute (every bench client joins from 127.0.0.1).
 */
export const FANOUT_SHAPES: Record<FanoutShape, { rooms: number; clients: number; editHz: number; cursorHz: number; label: string; workers?: number; serverEnv?: Record<string, string> }> = {
  rooms: { rooms: 10, clients: 10, editHz: 5, cursorHz: 0, label: '10 rooms × 10 clients, edits 5 Hz' },
  crowd: { rooms: 1, clients: 100, editHz: 1, cursorHz: 10, label: '1 room × 100 clients, cursors 10 Hz + edits 1 Hz' },
  crowd500: { rooms: 1, clients: 500, editHz: 1, cursorHz: 10, label: '1 room × 500 clients, cursors 10 Hz + edits 1 Hz',
    workers: 2,
    serverEnv: { MAX_CONNECTIONS_PER_ROOM: '500', JOINS_PER_MINUTE_PER_ADDRESS: '100000' },
  },
}

/** The same way in, through another process of the deployment (same path and query, its port). */
export function onProcess(target: ClientTarget, server: ServerHandle): ClientTarget {
  const url = new URL(target.url)
  url.port = String(server.port)
  return { ...target, url: url.toString() }
}

/**
 * `spread`: more Sandbox processes on the same database. Rooms are prepared on `server` (which
 * therefore owns them) and client i connects to process i mod (1 + spread.length), so the others
 * relay their clients to the owner; CPU and RSS are summed over every process.
 */
export async function runFanout(server: ServerHandle, shape: FanoutShape, measureMs: number, spread: ServerHandle[] = [], workers?: number): Promise<FanoutResult> {
  const s = FANOUT_SHAPES[shape]
  const acks = server.name === 'sandbox'
  const processes = [server, ...spread]
  const rooms = []
  for (let r = 0; r < s.rooms; r++) {
    const prepared = await server.prepareRoom(s.clients, { acks })
    const targets = prepared.targets.map((t, i) => onProcess(t, processes[i % processes.length] as ServerHandle))
    rooms.push({ targets, editHz: s.editHz, cursorHz: s.cursorHz, acks })
  }
  let cpuStart = 0
  let cpuEnd = 0
  let rssPeak = 0
  let waitStart: number | null = null
  let waitEnd: number | null = null
  const waitOf = (): number | null => {
    let ms = 0
    for (const p of processes) {
      const w = readRunWaitMs(p.pid)
      if (w === null) return null
      ms += w
    }
    return ms
  }
  let polling: NodeJS.Timeout | null = null
  const cpuOf = (): number => {
    let cpuMs = 0
    let rss = 0
    for (const p of processes) {
      const st = readProc(p.pid)
      if (!st) throw new Error(`${p.name} (pid ${p.pid}) is gone`)
      cpuMs += st.cpuMs
      rss += st.rssBytes
    }
    rssPeak = Math.max(rssPeak, rss)
    return cpuMs
  }
  const result = await runLoad({ rooms, warmupMs: 2_000, measureMs, drainMs: 3_000, workers: workers ?? s.workers ?? 1 }, async (phase) => {
    if (phase === 'measure-start') {
      cpuStart = cpuOf()
      waitStart = waitOf()
      polling = setInterval(cpuOf, 250)
    } else {
      if (polling) clearInterval(polling)
      cpuEnd = cpuOf()
      waitEnd = waitOf()
    }
  })
  const offered = result.editsExpected + result.cursorsExpected
  const serverCpuMs = cpuEnd - cpuStart
  return {
    ...result,
    serverCpuMs,
    offeredDeliveries: offered,
    cpuSecPer1kDeliveries: offered > 0 ? serverCpuMs / 1000 / (offered / 1000) : null,
    rssPeakMb: rssPeak / 1024 / 1024,
    serverCpuPercent: (serverCpuMs / measureMs) * 100,
    serverRunWaitPercent: waitStart === null || waitEnd === null ? null : ((waitEnd - waitStart) / measureMs) * 100,
  }
}
