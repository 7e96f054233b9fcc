// The websocket transport: `/sync/<session id>?token=…` upgrades are checked (origin, session,
// token, participant key, room capacity) and refused with a close code before any document byte
// is sent; accepted sockets become Connections on their room.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { CLOSE_REASONS, CloseCode, SYNC_PATH, SyncParam, isSessionId, type CloseCodeName, type Role } from '@sandbox/shared'
import type { ParticipantKeys } from '../auth/tokens.ts'
import { roleForToken } from '../auth/tokens.ts'
import type { Logger } from '../log.ts'
import type { Connection } from '../rooms/Connection.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import { TokenBucket } from '../rooms/tokenBucket.ts'
import type { Storage } from '../storage/Storage.ts'

export interface SyncSocketOptions {
  storage: Storage
  rooms: RoomManager
  keys: ParticipantKeys
  log: Logger
  maxMessageBytes: number
  maxConnectionsPerRoom: number
  messagesPerSecond: number
  messageBurst: number
  slowClientBytes: number
  /** Origins allowed besides the server's own (from ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[]
  publicUrl: string | undefined
}

const PING_INTERVAL_MS = 30_000

/** Sockets holding back writes until the end of this event-loop turn; one timer releases all. */
const corkedSockets = new Set<Duplex>()
function uncorkAll(): void {
  for (const socket of corkedSockets) socket.uncork()
  corkedSockets.clear()
}
function corkUntilNextTurn(socket: Duplex): void {
  if (corkedSockets.has(socket)) return
  if (corkedSockets.size === 0) setImmediate(uncorkAll)
  socket.cork()
  corkedSockets.add(socket)
}
let nextConnectionId = 1

export class SyncSocket {
  private readonly wss: WebSocketServer
  private readonly opts: SyncSocketOptions
  private readonly alive = new WeakSet<WebSocket>()
  private readonly pingTimer: NodeJS.Timeout

  constructor(opts: SyncSocketOptions) {
    this.opts = opts
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes, perMessageDeflate: false })
    this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS)
    this.pingTimer.unref()
  }

  get clientCount(): number {
    return this.wss.clients.size
  }

  private ping(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate()
        continue
      }
      this.alive.delete(ws)
      ws.ping()
    }
  }

  /** Refuses by completing the handshake and closing at once, so clients see the code. */
  private refuse(req: IncomingMessage, socket: Duplex, head: Buffer, code: CloseCodeName, detail: Record<string, unknown>): void {
    this.opts.log.warn({ event: 'sync.refused', code: CloseCode[code], reason: code, ...detail }, CLOSE_REASONS[code])
    this.wss.handleUpgrade(req, socket, head, (ws) => ws.close(CloseCode[code], CLOSE_REASONS[code]))
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin
    // Non-browser clients send no Origin; the token still guards them.
    if (!origin) return true
    const host = req.headers.host
    const own = new Set<string>([`http://${host}`, `https://${host}`, ...this.opts.allowedOrigins])
    if (this.opts.publicUrl) own.add(new URL(this.opts.publicUrl).origin)
    return own.has(origin)
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!url.pathname.startsWith(`${SYNC_PATH}/`)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    const sessionId = decodeURIComponent(url.pathname.slice(SYNC_PATH.length + 1))
    if (!this.originAllowed(req)) return this.refuse(req, socket, head, 'forbiddenOrigin', { origin: req.headers.origin })
    const session = isSessionId(sessionId) ? this.opts.storage.getSession(sessionId) : null
    if (!session) return this.refuse(req, socket, head, 'notFound', { session: sessionId.slice(0, 64) })
    const role = roleForToken(session, url.searchParams.get(SyncParam.token))
    if (!role) return this.refuse(req, socket, head, 'unauthorized', { session: sessionId })
    const pid = url.searchParams.get(SyncParam.participantId)
    const identified = this.opts.keys.verify(pid, url.searchParams.get(SyncParam.participantKey))
    if (pid && !identified) return this.refuse(req, socket, head, 'unauthorized', { session: sessionId, why: 'participant key' })
    const room = this.opts.rooms.get(sessionId)
    if (room.connections.size >= this.opts.maxConnectionsPerRoom) {
      this.opts.rooms.scheduleUnload(room)
      return this.refuse(req, socket, head, 'roomFull', { session: sessionId, connections: room.connections.size })
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, sessionId, role, identified ? (pid as string) : null, url))
  }

  private accept(ws: WebSocket, sessionId: string, role: Role, participantId: string | null, url: URL): void {
    const id = nextConnectionId++
    const log = this.opts.log.child({ session: sessionId, conn: id })
    const bucket = new TokenBucket(this.opts.messagesPerSecond, this.opts.messageBurst)
    let closed = false
    const close = (code: number, reason: string) => {
      if (closed) return
      closed = true
      ws.close(code, reason)
      setTimeout(() => ws.terminate(), 1_000).unref()
    }
    // ws has no public handle on its net.Socket; cork/uncork nest with ws's own.
    const socket = (ws as unknown as { _socket: Duplex })._socket
    const conn: Connection = {
      id,
      role,
      participantId: participantId ?? `anon:${id}`,
      identified: participantId !== null,
      wantsAcks: url.searchParams.get(SyncParam.ack) === '1',
      awarenessClientIds: new Set(),
      writtenClientIds: new Set(),
      send: (message) => {
        if (closed || ws.readyState !== ws.OPEN) return
        if (ws.bufferedAmount > this.opts.slowClientBytes) {
          log.warn({ event: 'sync.slow_client', buffered: ws.bufferedAmount }, CLOSE_REASONS.slowClient)
          close(CloseCode.slowClient, CLOSE_REASONS.slowClient)
          return
        }
        // Frames sent during one turn of the event loop leave in one write: a busy room fans out
        // many small updates per turn, and a syscall per frame per client was most of the
        // server's time at 100 clients (bench/savedLatency.ts).
        corkUntilNextTurn(socket)
        ws.send(message)
      },
      close,
    }
    const room = this.opts.rooms.get(sessionId)
    this.alive.add(ws)
    ws.on('pong', () => this.alive.add(ws))
    ws.on('message', (data, isBinary) => {
      if (closed) return
      if (!isBinary) {
        log.warn({ event: 'sync.malformed', why: 'text frame' }, CLOSE_REASONS.malformed)
        return close(CloseCode.malformed, CLOSE_REASONS.malformed)
      }
      if (!bucket.take()) {
        log.warn({ event: 'sync.rate_limited' }, CLOSE_REASONS.rateLimited)
        return close(CloseCode.rateLimited, CLOSE_REASONS.rateLimited)
      }
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer)
      let code: number | null
      try {
        code = room.handleMessage(conn, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      } catch (error) {
        log.warn({ event: 'sync.malformed', err: (error as Error).message, bytes: bytes.length }, CLOSE_REASONS.malformed)
        code = CloseCode.malformed
      }
      if (code !== null) {
        const name = (Object.keys(CloseCode) as CloseCodeName[]).find((k) => CloseCode[k] === code)
        close(code, name ? CLOSE_REASONS[name] : 'Closed')
      }
    })
    ws.on('error', (error) => {
      const code = (error as { code?: string }).code
      // ws has already closed with 1009 (its own code for this); say so in the log in our terms.
      if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') log.warn({ event: 'sync.message_too_large', limit: this.opts.maxMessageBytes }, CLOSE_REASONS.messageTooLarge)
      else log.warn({ event: 'sync.socket_error', err: error.message, code }, 'socket error')
    })
    ws.on('close', (code) => {
      closed = true
      room.removeConnection(conn)
      this.opts.rooms.scheduleUnload(room)
      log.info({ event: 'sync.closed', code, connections: room.connections.size }, 'connection closed')
    })
    room.addConnection(conn)
    log.info({ event: 'sync.connected', role, identified: conn.identified, connections: room.connections.size }, 'connection opened')
  }

  closeAll(code: number, reason: string): void {
    for (const ws of this.wss.clients) ws.close(code, reason)
  }

  close(): void {
    clearInterval(this.pingTimer)
    this.closeAll(CloseCode.shuttingDown, CLOSE_REASONS.shuttingDown)
    this.wss.close()
  }
}
