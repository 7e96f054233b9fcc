// Scenario 1 (and 2): fan-out under steady load. "rooms" = 10 rooms × 10 clients editing at 5 Hz;
// "crowd" = one room of 100 clients moving cursors at 10 Hz and editing at 1 Hz. Sandbox clients
// ask for "saved" acks, so the same run gives Sandbox's saved latency under load.
import { runLoad, type LoadResult } from '../load.ts'
import type { ServerHandle } from '../peers.ts'
import { readProc } from '../procStats.ts'

export type FanoutShape = 'rooms' | 'crowd'

export interface FanoutResult extends LoadResult {
  serverCpuMs: number
  offeredDeliveries: number
  cpuSecPer1kDeliveries: number | null
  rssPeakMb: number
}

export const FANOUT_SHAPES: Record<FanoutShape, { rooms: number; clients: number; editHz: number; cursorHz: number; label: string }> = {
  rooms: { rooms: 10, clients: 10, editHz: 5, cursorHz: 0, label: '10 rooms × 10 clients, edits 5 Hz' },
  crowd: { rooms: 1, clients: 100, editHz: 1, cursorHz: 10, label: '1 room × 100 clients, cursors 10 Hz + edits 1 Hz' },
}

export async function runFanout(server: ServerHandle, shape: FanoutShape, measureMs: number): Promise<FanoutResult> {
  const s = FANOUT_SHAPES[shape]
  const acks = server.name === 'sandbox'
  const rooms = []
  for (let r = 0; r < s.rooms; r++) {
    const { targets } = await server.prepareRoom(s.clients, { acks })
    rooms.push({ targets, editHz: s.editHz, cursorHz: s.cursorHz, acks })
  }
  let cpuStart = 0
  let cpuEnd = 0
  let rssPeak = 0
  let polling: NodeJS.Timeout | null = null
  const cpuOf = (): number => {
    const st = readProc(server.pid)
    if (!st) throw new Error(`${server.name} is gone`)
    rssPeak = Math.max(rssPeak, st.rssBytes)
    return st.cpuMs
  }
  const result = await runLoad({ rooms, warmupMs: 2_000, measureMs, drainMs: 3_000 }, async (phase) => {
    if (phase === 'measure-start') {
      cpuStart = cpuOf()
      polling = setInterval(cpuOf, 250)
    } else {
      if (polling) clearInterval(polling)
      cpuEnd = cpuOf()
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
  }
}
