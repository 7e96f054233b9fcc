// The websocket transport: `/sync/<session id>?token=…` upgrades are checked (origin, session,
// token, participant key, room capacity) and refused with a close code before any document byte
// is sent; accepted sockets become Connections on their room, each held to a message rate and a
// byte rate.
import type { IncomingMessage } from 'node:http'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { CLOSE_REASONS, CloseCode, PROTOCOL_VERSION, SYNC_PATH, SyncParam, isSessionId, type CloseCodeName, type Role } from '@sandbox/shared'
import type { ParticipantKeys } from '../auth/tokens.ts'
import { roleForToken } from '../auth/tokens.ts'
import type { Logger } from '../log.ts'
import type { Connection } from '../rooms/Connection.ts'
import type { Room } from '../rooms/Room.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import { TokenBucket } from '../rooms/tokenBucket.ts'
import type { Storage } from '../storage/Storage.ts'
import { boardSchema } from '@sandbox/shared/board'
import { relaySocket, type RelaySecret } from '../cluster/relay.ts'
import type { EarlyListener } from '../rooms/RoomManager.ts'
import { EarlyWelcome } from './earlyWelcome.ts'
import { corkUntilNextTurn, writeFrame } from './socketWrites.ts'

/**
 * Sandbox's client says which board schema and protocol it was built for; one built for another
 * version than this server's is told to reload rather than write records the server refuses.
 * Stock y-websocket clients say nothing and are judged record by record like everyone else.
 */
function speaksOurVersion(url: URL): boolean {
  const schema = url.searchParams.get(SyncParam.schema)
  const version = url.searchParams.get(SyncParam.protocol)
  return (schema === null || schema === boardSchema().hash) && (version === null || version === String(PROTOCOL_VERSION))
}

export interface SyncSocketOptions {
  storage: Storage
  rooms: RoomManager
  keys: ParticipantKeys
  log: Logger
  maxMessageBytes: number
  /** Participant sockets per room. The facilitator is never refused for capacity. */
  maxConnectionsPerRoom: number
  /** Viewer sockets per room, counted apart so viewers never take participants' places. */
  maxViewersPerRoom: number
  messagesPerSecond: number
  messageBurst: number
  /** Incoming bytes per second per connection (0: no byte limit), and the burst it may spend at once. */
  bytesPerSecond: number
  burstBytes: number
  slowClientBytes: number
  /** Origins allowed besides PUBLIC_URL's and loopback ones (from ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[]
  publicUrl: string | undefined
  /** In a deployment of several processes: how sockets for rooms held elsewhere reach their owner. */
  relay?: { secret: RelaySecret; leaseTtlMs: number }
}

/** A page served from this machine: a DNS name an attacker controls can never be one of these. */
function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true
  return net.isIPv4(hostname) && hostname.startsWith('127.')
}

const isIpLiteral = (hostname: string): boolean => net.isIP(hostname.replace(/^\[(.*)\]$/, '$1')) !== 0

const PING_INTERVAL_MS = 30_000
/**
 * A viewer sends a state vector, an empty update and its presence (at most a few KiB): its frames
 * are capped far below MAX_MESSAGE_BYTES, so ws refuses a larger one from its header (1009)
 * without reading it. Twelve viewers sending 1 MB presence frames cost other rooms 100–170 ms.
 */
const VIEWER_MAX_MESSAGE_BYTES = 64 * 1024

let nextConnectionId = 1

export class SyncSocket {
  private readonly wss: WebSocketServer
  /** Viewers connect through their own server, with a much smaller frame limit. */
  private readonly viewerWss: WebSocketServer
  private readonly opts: SyncSocketOptions
  private readonly alive = new WeakSet<WebSocket>()
  private readonly pingTimer: NodeJS.Timeout
  /** PUBLIC_URL's origin and ALLOWED_ORIGINS, normalised as browsers send them. */
  private readonly trustedOrigins: ReadonlySet<string>
  /** Sockets accepted while their cold room is being built, by session: they count towards its capacity. */
  private readonly early = new Map<string, Set<{ role: Role }>>()

  constructor(opts: SyncSocketOptions) {
    this.opts = opts
    const origins = [...opts.allowedOrigins, ...(opts.publicUrl ? [opts.publicUrl] : [])]
    this.trustedOrigins = new Set(origins.flatMap((o) => (URL.canParse(o) ? [new URL(o).origin] : [o])))
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes, perMessageDeflate: false })
    this.viewerWss = new WebSocketServer({ noServer: true, maxPayload: Math.min(VIEWER_MAX_MESSAGE_BYTES, opts.maxMessageBytes), perMessageDeflate: false })
    this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS)
    this.pingTimer.unref()
  }

  get clientCount(): number {
    return this.wss.clients.size + this.viewerWss.clients.size
  }

  private ping(): void {
    for (const ws of [...this.wss.clients, ...this.viewerWss.clients]) {
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

  /**
   * Which pages may open a websocket. Not the Host header alone: a page at
   * `http://attacker.example:8080` whose name resolves to this server's address (DNS rebinding)
   * sends `Host: attacker.example:8080` and a matching Origin. So a browser Origin is allowed when
   * it is PUBLIC_URL's, one of ALLOWED_ORIGINS, or a loopback origin (`localhost`, `127.x.x.x`,
   * `[::1]`, any port); and, only when PUBLIC_URL is unset, the origin of the Host header when that
   * host is an IP literal (a deployment opened by address), which no DNS name can impersonate.
   * A deployment reached by a DNS name sets PUBLIC_URL (or ALLOWED_ORIGINS).
   */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin
    // Non-browser clients send no Origin; the token still guards them.
    if (!origin) return true
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      return false
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
    if (this.trustedOrigins.has(url.origin) || isLoopback(url.hostname)) return true
    const host = req.headers.host
    if (this.opts.publicUrl || !host || !isIpLiteral(url.hostname)) return false
    try {
      return new URL(`${url.protocol}//${host}`).host === url.host
    } catch {
      return false
    }
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!url.pathname.startsWith(`${SYNC_PATH}/`)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    const sessionId = decodeURIComponent(url.pathname.slice(SYNC_PATH.length + 1))
    if (!this.originAllowed(req)) return this.refuse(req, socket, head, 'forbiddenOrigin', { origin: req.headers.origin })
    const session = isSessionId(sessionId) ? await this.opts.storage.getSession(sessionId) : null
    if (!session) return this.refuse(req, socket, head, 'notFound', { session: sessionId.slice(0, 64) })
    const role = roleForToken(session, url.searchParams.get(SyncParam.token))
    if (!role) return this.refuse(req, socket, head, 'unauthorized', { session: sessionId })
    if (!speaksOurVersion(url)) return this.refuse(req, socket, head, 'versionMismatch', { session: sessionId, schema: url.searchParams.get(SyncParam.schema)?.slice(0, 32) })
    const pid = url.searchParams.get(SyncParam.participantId)
    const identified = this.opts.keys.verify(pid, url.searchParams.get(SyncParam.participantKey))
    if (pid && !identified) return this.refuse(req, socket, head, 'unauthorized', { session: sessionId, why: 'participant key' })
    const wss = role === 'viewer' ? this.viewerWss : this.wss
    const participantId = identified ? (pid as string) : null
    // A cold room this process is building: the socket may be accepted before it is built, and a
    // newcomer handed the stored bytes at once (transport/earlyWelcome.ts).
    let welcome: EarlyWelcome | null = null
    const place = { role }
    const early: EarlyListener = (state) => {
      if (socket.destroyed) return Promise.resolve()
      const waiting = this.early.get(sessionId) ?? new Set()
      if (this.capacityRefusal(waiting, role)) return Promise.resolve()
      waiting.add(place)
      this.early.set(sessionId, waiting)
      return new Promise<void>((resolve) => {
        const maxHeld = Math.max(this.opts.maxMessageBytes, 1024 * 1024)
        wss.handleUpgrade(req, socket, head, (ws) => (welcome = new EarlyWelcome(ws, state, maxHeld, resolve)))
      })
    }
    let room: Room | null
    try {
      room = await this.roomHere(req, socket, head, wss, sessionId, early)
    } finally {
      const waiting = this.early.get(sessionId)
      waiting?.delete(place)
      if (waiting?.size === 0) this.early.delete(sessionId)
    }
    const welcomed = welcome as EarlyWelcome | null
    if (welcomed) {
      const held = welcomed.handOver()
      if (!room || welcomed.closed) {
        if (room) this.opts.rooms.scheduleUnload(room)
        else welcomed.ws.terminate()
        return
      }
      if (welcomed.overflowed) {
        this.opts.rooms.scheduleUnload(room)
        this.opts.log.warn({ event: 'sync.rate_limited', session: sessionId, why: 'frames held while the room loaded' }, CLOSE_REASONS.rateLimited)
        welcomed.ws.close(CloseCode.rateLimited, CLOSE_REASONS.rateLimited)
        return
      }
      if (welcomed.servedSeq !== null) this.opts.log.debug({ event: 'sync.early', session: sessionId, seq: welcomed.servedSeq, held: held.length }, 'handed the stored board before the room was built')
      this.accept(welcomed.ws, room, role, participantId, url, { servedSeq: welcomed.servedSeq, held })
      return
    }
    if (!room) return
    if (socket.destroyed) {
      // The client gave up while the room was loading.
      this.opts.rooms.scheduleUnload(room)
      return
    }
    const full = this.capacityRefusal(room.connections, role)
    if (full) {
      this.opts.rooms.scheduleUnload(room)
      return this.refuse(req, socket, head, full, { session: sessionId, role, connections: room.connections.size })
    }
    wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, room, role, participantId, url))
  }

  /**
   * The room when this process holds it. When another process does, the socket is relayed there
   * (and null returned). An owner that does not answer has died: its lease lapses within
   * LEASE_TTL_MS, and the socket waits for that, then claims the room here, so a client of a dead
   * process is served again as soon as the database lets anyone take the room over.
   */
  private async roomHere(req: IncomingMessage, socket: Duplex, head: Buffer, wss: WebSocketServer, sessionId: string, early?: EarlyListener): Promise<Room | null> {
    const relay = this.opts.relay
    const relayed = relay?.secret.verify(req) === true
    const deadline = performance.now() + (relay?.leaseTtlMs ?? 0) + 2_000
    const log = this.opts.log.child({ session: sessionId })
    let waiting = false
    for (;;) {
      const opened = await this.opts.rooms.open(sessionId, early)
      if ('room' in opened) return opened.room
      if (!relay || relayed) {
        // A relayed socket for a room that moved on: the client reconnects and finds the new owner.
        this.refuse(req, socket, head, 'roomMoved', { session: sessionId, holder: opened.heldBy.url })
        return null
      }
      if (socket.destroyed) return null
      const outcome = await relaySocket({
        req,
        socket,
        head,
        wss,
        ownerUrl: opened.heldBy.url,
        secret: relay.secret,
        log,
        slowClientBytes: this.opts.slowClientBytes,
        onClient: (ws) => {
          this.alive.add(ws)
          ws.on('pong', () => this.alive.add(ws))
        },
        onUnreachable: (error) => {
          if (!waiting) log.warn({ event: 'relay.owner_unreachable', owner: opened.heldBy.url, err: error.message, leaseExpiresInMs: opened.expiresInMs }, 'the room’s owner does not answer; waiting for its lease to lapse')
          waiting = true
        },
      })
      if (outcome === 'relayed') return null
      if (performance.now() > deadline) {
        this.refuse(req, socket, head, 'roomMoved', { session: sessionId, holder: opened.heldBy.url, why: 'owner unreachable' })
        return null
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, Math.max(50, opened.expiresInMs))))
    }
  }

  /**
   * Each role has its own places: viewer links are handed out widely, so viewers never take
   * participants' places, and the facilitator, who runs the session, is never refused for
   * capacity. (Nothing is awaited between the count and the upgrade, which completes
   * synchronously, so a count taken here is not outrun.)
   */
  private capacityRefusal(connections: Iterable<{ role: Role }>, role: Role): CloseCodeName | null {
    if (role === 'facilitator') return null
    let same = 0
    for (const c of connections) if (c.role === role) same++
    if (role === 'viewer') return same >= this.opts.maxViewersPerRoom ? 'viewersFull' : null
    return same >= this.opts.maxConnectionsPerRoom ? 'roomFull' : null
  }

  /** `early`: the socket was accepted while the room was being built (what it was given, and the frames it sent meanwhile). */
  private accept(ws: WebSocket, room: Room, role: Role, participantId: string | null, url: URL, early?: { servedSeq: number | null; held: { data: Buffer; isBinary: boolean }[] }): void {
    const sessionId = room.id
    const id = nextConnectionId++
    // Made on first use: most connections never log anything of their own (memory per idle connection).
    let child: Logger | null = null
    const log = (): Logger => (child ??= this.opts.log.child({ session: sessionId, conn: id }))
    const bucket = new TokenBucket(this.opts.messagesPerSecond, this.opts.messageBurst)
    // One frame may carry up to MAX_MESSAGE_BYTES, so the burst is never below that.
    // Incoming bytes per connection: without it one room writing ~1 MB updates at the full message
    // rate kept the process busy, and every other room waited (p50 from 1.6 ms to 243 ms).
    const bytesBudget = this.opts.bytesPerSecond > 0 ? new TokenBucket(this.opts.bytesPerSecond, Math.max(this.opts.burstBytes, this.opts.maxMessageBytes)) : null
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
          log().warn({ event: 'sync.slow_client', buffered: ws.bufferedAmount }, CLOSE_REASONS.slowClient)
          close(CloseCode.slowClient, CLOSE_REASONS.slowClient)
          return
        }
        // Frames sent during one turn of the event loop leave in one write: a busy room fans out
        // many small updates per turn, and a syscall per frame per client was most of the
        // server's time at 100 clients (bench/savedLatency.ts).
        corkUntilNextTurn(socket)
        writeFrame(socket, message)
      },
      close,
    }
    this.alive.add(ws)
    ws.on('pong', () => this.alive.add(ws))
    const onMessage = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void => {
      if (closed) return
      if (!isBinary) {
        log().warn({ event: 'sync.malformed', why: 'text frame' }, CLOSE_REASONS.malformed)
        return close(CloseCode.malformed, CLOSE_REASONS.malformed)
      }
      if (!bucket.take()) {
        log().warn({ event: 'sync.rate_limited' }, CLOSE_REASONS.rateLimited)
        return close(CloseCode.rateLimited, CLOSE_REASONS.rateLimited)
      }
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer)
      if (bytesBudget && !bytesBudget.take(bytes.length)) {
        log().warn({ event: 'sync.byte_rate_limited', bytes: bytes.length, perSecond: this.opts.bytesPerSecond }, CLOSE_REASONS.rateLimited)
        return close(CloseCode.rateLimited, CLOSE_REASONS.rateLimited)
      }
      let code: number | null
      try {
        code = room.handleMessage(conn, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      } catch (error) {
        log().warn({ event: 'sync.malformed', err: (error as Error).message, bytes: bytes.length }, CLOSE_REASONS.malformed)
        code = CloseCode.malformed
      }
      if (code !== null) {
        const name = (Object.keys(CloseCode) as CloseCodeName[]).find((k) => CloseCode[k] === code)
        close(code, name ? CLOSE_REASONS[name] : 'Closed')
      }
    }
    ws.on('message', onMessage)
    ws.on('error', (error) => {
      const code = (error as { code?: string }).code
      // ws has already closed with 1009 (its own code for this); say so in the log in our terms.
      if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') log().warn({ event: 'sync.message_too_large', limit: this.opts.maxMessageBytes }, CLOSE_REASONS.messageTooLarge)
      else log().warn({ event: 'sync.socket_error', err: error.message, code }, 'socket error')
    })
    ws.on('close', (code) => {
      closed = true
      room.removeConnection(conn)
      this.opts.rooms.scheduleUnload(room)
      log().info({ event: 'sync.closed', code, connections: room.connections.size }, 'connection closed')
    })
    room.addConnection(conn, early?.servedSeq ?? undefined)
    for (const frame of early?.held ?? []) onMessage(frame.data, frame.isBinary)
    log().info({ event: 'sync.connected', role, identified: conn.identified, connections: room.connections.size }, 'connection opened')
  }

  closeAll(code: number, reason: string): void {
    for (const ws of [...this.wss.clients, ...this.viewerWss.clients]) ws.close(code, reason)
  }

  close(): void {
    clearInterval(this.pingTimer)
    this.closeAll(CloseCode.shuttingDown, CLOSE_REASONS.shuttingDown)
    this.wss.close()
    this.viewerWss.close()
  }
}
