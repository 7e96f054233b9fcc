// Starts Sandbox and its peers, each in its own child process, and gives the scenarios one way to
// make rooms, reach them, and read a server's CPU time and memory (reported by the server process).
import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ServerStats } from './servers/ipc.ts'
import type { ClientTarget } from './wire.ts'

export type PeerName = 'sandbox' | 'y-websocket' | 'hocuspocus'
export const PEERS: readonly PeerName[] = ['sandbox', 'y-websocket', 'hocuspocus']

const here = path.dirname(fileURLToPath(import.meta.url))
const ENTRY: Record<PeerName, string> = {
  sandbox: path.join(here, 'servers/sandbox.ts'),
  'y-websocket': path.join(here, 'servers/ywebsocket.ts'),
  hocuspocus: path.join(here, 'servers/hocuspocus.ts'),
}

export interface PreparedRoom {
  room: string
  targets: ClientTarget[]
  /** Sandbox only: the participant join link a person would open. */
  joinUrl?: string
}

export interface ServerHandle {
  readonly name: PeerName
  readonly version: string
  readonly pid: number
  readonly port: number
  readonly httpUrl: string
  readonly dataDir: string
  /** CPU time and memory as the server process reports them; `gc` runs a full GC first. */
  stats(gc?: boolean): Promise<ServerStats>
  /** A fresh room and `clients` ways into it (Sandbox: a session and one joined participant each). */
  prepareRoom(clients: number, opts?: { acks?: boolean }): Promise<PreparedRoom>
  /** One more way into an existing room. */
  target(room: string): ClientTarget
  /** SIGTERM: the server flushes and exits. */
  stop(): Promise<void>
}

export interface StartOptions {
  /** Reuse a data directory (cold load restarts the server on the same data). */
  dataDir?: string
  env?: Record<string, string>
  /** Extra node flags for the server process, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  execArgv?: string[]
}

interface SandboxSession {
  id: string
  joinUrl: string
  tokens: { participant: string }
}

let roomCounter = 0
/** Joins in flight at once while preparing a Sandbox room. */
const JOIN_BATCH = 10
/** Sandbox sessions by id, shared by every handle so a restarted server's rooms stay reachable. */
const sessions = new Map<string, SandboxSession>()

/** Data directories this process made; removed when it exits (a restarted server reuses its own). */
const createdDirs = new Set<string>()
process.once('exit', () => {
  for (const dir of createdDirs) fs.rmSync(dir, { recursive: true, force: true })
})

export async function startPeer(name: PeerName, opts: StartOptions = {}): Promise<ServerHandle> {
  let dataDir = opts.dataDir
  if (!dataDir) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`))
    createdDirs.add(dataDir)
  }
  const child: ChildProcess = fork(ENTRY[name], [], {
    execArgv: ['--expose-gc', ...(opts.execArgv ?? [])],
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      BENCH_HOCUSPOCUS_DB: path.join(dataDir, 'hocuspocus.sqlite'),
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const ready = await new Promise<{ port: number; version: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 30_000)
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)))
    child.on('message', (m) => {
      const msg = m as { type: string; port: number; version: string }
      if (msg.type === 'ready') {
        clearTimeout(timer)
        resolve(msg)
      }
    })
  })
  let nextId = 1
  const waiting = new Map<number, (s: ServerStats) => void>()
  child.on('message', (m) => {
    const msg = m as { type: string; id: number; stats: ServerStats }
    if (msg.type === 'reply') waiting.get(msg.id)?.(msg.stats)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const httpUrl = `http://127.0.0.1:${ready.port}`
  const wsUrl = `ws://127.0.0.1:${ready.port}`

  const target = (room: string, extra = ''): ClientTarget => {
    if (name === 'hocuspocus') return { url: wsUrl, hocuspocusDoc: room }
    if (name === 'y-websocket') return { url: `${wsUrl}/${room}` }
    const session = sessions.get(room)
    if (!session) throw new Error(`unknown session ${room}`)
    return { url: `${wsUrl}/sync/${room}?token=${session.tokens.participant}${extra}` }
  }

  return {
    name,
    version: ready.version,
    pid: child.pid as number,
    port: ready.port,
    httpUrl,
    dataDir,
    stats: (gc = false) =>
      new Promise((resolve) => {
        const id = nextId++
        waiting.set(id, (s) => {
          waiting.delete(id)
          resolve(s)
        })
        child.send({ type: gc ? 'gc' : 'stats', id })
      }),
    async prepareRoom(clients, { acks = false } = {}) {
      if (name !== 'sandbox') {
        const room = `bench-${process.pid}-${++roomCounter}`
        return { room, targets: Array.from({ length: clients }, () => target(room)) }
      }
      const res = await fetch(`${httpUrl}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Bench' }) })
      if (res.status !== 201) throw new Error(`create session: ${res.status}`)
      const session = (await res.json()) as SandboxSession
      sessions.set(session.id, session)
      const joinOne = async (i: number): Promise<ClientTarget> => {
        const joined = await fetch(`${httpUrl}/api/sessions/${session.id}/participants`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.tokens.participant}` },
          body: JSON.stringify({ name: `Bench ${i}` }),
        })
        if (!joined.ok) throw new Error(`join: ${joined.status}`)
        const who = (await joined.json()) as { participantId: string; participantKey: string }
        return target(session.id, `&pid=${encodeURIComponent(who.participantId)}&pkey=${encodeURIComponent(who.participantKey)}${acks ? '&ack=1' : ''}`)
      }
      const targets: ClientTarget[] = []
      for (let i = 0; i < clients; i += JOIN_BATCH) {
        const batch = Array.from({ length: Math.min(JOIN_BATCH, clients - i) }, (_, k) => joinOne(i + k))
        targets.push(...(await Promise.all(batch)))
      }
      return { room: session.id, targets, joinUrl: session.joinUrl }
    },
    target: (room) => target(room),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}
