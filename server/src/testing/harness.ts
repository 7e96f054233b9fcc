// Helpers for integration tests: a real server on port 0 with its own data directory, real
// sessions over HTTP, and stock y-websocket clients. Nothing here mocks a socket or the database.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { loadConfig, type Config } from '../config.ts'
import { createServer, type SandboxServer } from '../createServer.ts'
import { createLogger, type Logger } from '../log.ts'
import type { Storage } from '../storage/Storage.ts'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType, recordToYMap, Root, type PrivateMessage, type PrivateRequest } from '@sandbox/shared'
import { stickyRecord } from '@sandbox/shared/board'

export interface CreatedSession {
  id: string
  joinUrl: string
  facilitatorUrl: string
  viewUrl: string
  tokens: { participant: string; facilitator: string; viewer: string }
}

export const tempDataDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-test-'))

/** A server on port 0; a data directory it made itself is removed when it closes. */
export async function startServer(
  dataDir?: string,
  overrides: Partial<Config> = {},
  options: { log?: Logger; storage?: Storage } = {},
): Promise<SandboxServer & { dataDir: string }> {
  const dir = dataDir ?? tempDataDir()
  const config = loadConfig({}, { port: 0, host: '127.0.0.1', dataDir: dir, logLevel: 'silent', idleUnloadMs: 60_000, ...overrides })
  const server = await createServer(config, options)
  const close = server.close
  const closeAndClean = async () => {
    await close()
    if (!dataDir) fs.rmSync(dir, { recursive: true, force: true })
  }
  return Object.assign(server, { dataDir: dir, close: closeAndClean })
}

export async function createSession(baseUrl: string, title = 'Test session'): Promise<CreatedSession> {
  const res = await fetch(`${baseUrl}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) })
  if (res.status !== 201) throw new Error(`create session: ${res.status} ${await res.text()}`)
  return (await res.json()) as CreatedSession
}

/**
 * A server on port 0 and one session on it; the server's log lines (with the production
 * redaction) land in `lines`. `onCleanup` receives the server's close.
 */
export async function sessionWithLog(onCleanup: (step: () => unknown) => void, overrides: Partial<Config> = {}, logLevel = 'trace') {
  const lines: string[] = []
  const log = createLogger(logLevel, { write: (line: string) => void lines.push(line) })
  const server = await startServer(undefined, overrides, { log })
  onCleanup(() => server.close())
  const session = await createSession(server.url)
  const syncUrl = (token: string, extra = '') => `${wsBase(server.url)}/${session.id}?token=${token}${extra}`
  const logged = (event: string) => lines.some((l) => (JSON.parse(l) as { event?: string }).event === event)
  return { server, session, lines, logged, syncUrl }
}

export interface Identity {
  participantId: string
  participantKey: string
  name: string
  color: string
}

export async function join(baseUrl: string, sessionId: string, token: string, name: string): Promise<Identity> {
  const res = await fetch(`${baseUrl}/api/sessions/${sessionId}/participants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name }),
  })
  if (!res.ok) throw new Error(`join: ${res.status} ${await res.text()}`)
  return (await res.json()) as Identity
}

export const wsBase = (httpUrl: string): string => `${httpUrl.replace(/^http/, 'ws')}/sync`

export interface Client {
  doc: Y.Doc
  provider: WebsocketProvider
  destroy(): void
}

/** A stock y-websocket client, as any third party would write it. */
export function connect(baseUrl: string, sessionId: string, token: string, identity?: Identity, extra: Record<string, string> = {}): Client {
  const doc = new Y.Doc()
  const params: Record<string, string> = { token, ...extra }
  if (identity) Object.assign(params, { pid: identity.participantId, pkey: identity.participantKey })
  const provider = new WebsocketProvider(wsBase(baseUrl), sessionId, doc, {
    params,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  return {
    doc,
    provider,
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** A stock client that joined the session under `name` and has synced; `onCleanup` receives its close. */
export async function joinedClient(
  baseUrl: string,
  sessionId: string,
  token: string,
  name: string,
  onCleanup: (step: () => unknown) => void,
): Promise<{ client: Client; identity: Identity }> {
  const identity = await join(baseUrl, sessionId, token, name)
  const client = connect(baseUrl, sessionId, token, identity)
  onCleanup(() => client.destroy())
  await synced(client)
  return { client, identity }
}

export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 5_000): Promise<T> {
  const start = Date.now()
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export const synced = (client: Client): Promise<true> => waitFor(() => client.provider.synced || null, 'sync')

/** Opens a raw websocket and records everything that happens on it. */
export function rawSocket(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: Buffer[]; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    const messages: Buffer[] = []
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })))
    ws.on('message', (data) => messages.push(data as Buffer))
    ws.on('open', () => resolve({ ws, messages, closed }))
    ws.on('error', reject)
  })
}

const serverMain = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../main.ts')

/** The server as a child process, for kill -9. */
export async function spawnServer(dataDir: string, port: number, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [serverMain], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    // DEBUG_SERVER_LOGS=1 shows the child's log lines while a test is being investigated.
    stdio: ['ignore', process.env.DEBUG_SERVER_LOGS ? 'inherit' : 'ignore', 'pipe'],
  })
  const url = `http://127.0.0.1:${port}`
  const start = Date.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.ok) return { child, url }
    } catch {
      /* not listening yet */
    }
    if (Date.now() - start > 15_000) throw new Error('server did not become healthy')
    await new Promise((r) => setTimeout(r, 50))
  }
}

export async function freePort(): Promise<number> {
  const net = await import('node:net')
  return new Promise((resolve) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

/** A valid sticky as a board record map (the layout shared/README.md documents). */
export function stickyMap(id: string, text = '', extra: Record<string, unknown> = {}): Y.Map<unknown> {
  return recordToYMap({ ...stickyRecord({ id, text }), ...extra })
}

/** Writes a valid sticky into a client's board. */
export function putSticky(doc: Y.Doc, id: string, text = '', extra: Record<string, unknown> = {}): void {
  doc.getMap(Root.records).set(id, stickyMap(id, text, extra))
}

/** A sync-update frame (message 0, step 2) carrying `update`, as a raw client would send it. */
export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

/** An awareness frame with hand-written entries (any client id, any state). */
export function awarenessFrameOf(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, JSON.stringify(state))
  }
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.awareness)
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  return encoding.toUint8Array(e)
}

/** A private-channel frame (message type 101) as a Sandbox client sends it. */
export function privateFrame(request: PrivateRequest): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.private)
  encoding.writeVarString(e, JSON.stringify(request))
  return encoding.toUint8Array(e)
}

/** The private-channel messages among the frames a socket received. */
export const privateMessages = (frames: Buffer[]): PrivateMessage[] =>
  frames.flatMap((frame) => {
    const d = decoding.createDecoder(new Uint8Array(frame))
    if (decoding.readVarUint(d) !== MessageType.private) return []
    return [JSON.parse(decoding.readVarString(d)) as PrivateMessage]
  })

/** A presence query: the server answers every one, so a reply proves the socket is served. */
export const PRESENCE_PROBE = Uint8Array.from([MessageType.queryAwareness])

/** The updates a throwaway client makes on top of `base`'s current state, one per transaction. */
export function craftUpdates(base: Y.Doc, edit: (doc: Y.Doc) => void): Uint8Array[] {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base))
  const out: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => out.push(u))
  edit(doc)
  doc.destroy()
  return out
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN

/**
 * A healthy room beside an attack: two stock clients in their own session, one moving a sticky
 * and the other waiting to see each move. `stop()` gives the round trips' p50 and p99 (ms).
 */
export async function healthyRoom(baseUrl: string): Promise<{ stop(): Promise<{ p50: number; p99: number; count: number }> }> {
  const session = await createSession(baseUrl, 'healthy room')
  const a = connect(baseUrl, session.id, session.tokens.participant)
  const b = connect(baseUrl, session.id, session.tokens.participant)
  await Promise.all([synced(a), synced(b)])
  putSticky(a.doc, 'shape:probe')
  await waitFor(() => b.doc.getMap(Root.records).has('shape:probe'), 'probe sticky', 10_000)
  const times: number[] = []
  let running = true
  const loop = (async () => {
    for (let i = 1; running; i++) {
      const started = performance.now()
      ;(a.doc.getMap(Root.records).get('shape:probe') as Y.Map<unknown>).set('xy', [i, 0])
      const seen = () => ((b.doc.getMap(Root.records).get('shape:probe') as Y.Map<unknown> | undefined)?.get('xy') as number[] | undefined)?.[0] === i
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('healthy room: no round trip within 30 s')), 30_000)
        const check = () => {
          if (!seen()) return
          clearTimeout(timer)
          b.doc.off('update', check)
          resolve()
        }
        b.doc.on('update', check)
        check()
      })
      times.push(performance.now() - started)
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      a.destroy()
      b.destroy()
      const sorted = [...times].sort((x, y) => x - y)
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: sorted.length }
    },
  }
}
