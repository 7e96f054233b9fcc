// Runs the load generator in its own process and lets the caller act at the edges of the measured
// window (to read the server's CPU time there), so the generator's work never counts as the server's.
import { fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ClientTarget } from './wire.ts'

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
}

export interface LoadResult {
  clients: number
  connectMs: number
  closedClients: number
  /** Close codes clients saw before the end of the run (Sandbox's are in shared/src/protocol.ts). */
  closeCodes: number[]
  editsSent: number
  editsExpected: number
  editsReceived: number
  editsLost: number
  editP50Ms: number | null
  editP99Ms: number | null
  cursorsSent: number
  cursorsExpected: number
  cursorsReceived: number
  cursorP50Ms: number | null
  cursorP99Ms: number | null
  savedAcks: number
  savedP50Ms: number | null
  savedP99Ms: number | null
  /** The generator's own CPU use in the window; near 100 means it, not the server, is the limit. */
  loadgenCpuPercent: number
}

export type Phase = 'measure-start' | 'measure-end'

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'loadWorker.ts')

export function runLoad(spec: LoadSpec, onPhase: (phase: Phase) => Promise<void>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(worker, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let settled = false
    child.on('message', (m) => {
      const msg = m as { type: string; name: Phase; result: LoadResult; message: string }
      if (msg.type === 'phase') {
        onPhase(msg.name).then(
          () => child.send({ type: 'go' }),
          (error: unknown) => {
            child.kill()
            reject(error as Error)
          },
        )
      } else if (msg.type === 'result') {
        settled = true
        resolve(msg.result)
      } else if (msg.type === 'error') {
        settled = true
        reject(new Error(`load generator failed: ${msg.message}`))
      }
    })
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with ${code}`))
    })
    child.send({ type: 'run', spec })
  })
}
