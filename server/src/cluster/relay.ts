// Sockets and requests for a room held by another process are relayed to it: the client talks to
// whichever process its load balancer picked, and the room's one owner sees it as one more
// connection (it checks the token again, applies its rules and rate limits, and acknowledges).
// The relay only moves frames; it never reads them, so presence, edits, acks and the private
// channel cross unchanged.
import crypto from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, type RawData, type WebSocketServer } from 'ws'
import { CLOSE_REASONS, CloseCode } from '@sandbox/shared'
import type { Logger } from '../log.ts'

/** Marks a socket or request relayed by another process of the deployment (an HMAC of its path). */
export const RELAY_HEADER = 'x-sandbox-relay'

export class RelaySecret {
  private readonly secret: Buffer
  constructor(secret: Uint8Array) {
    this.secret = Buffer.from(secret)
  }

  proof(path: string): string {
    return crypto.createHmac('sha256', this.secret).update(path, 'utf8').digest('base64url')
  }

  /** Whether this request came from another process of the deployment (not from a client). */
  verify(req: { url?: string; headers: IncomingMessage['headers'] }): boolean {
    const given = req.headers[RELAY_HEADER]
    if (typeof given !== 'string' || !req.url) return false
    const expected = Buffer.from(this.proof(req.url))
    const actual = Buffer.from(given)
    return actual.length === expected.length && crypto.timingSafeEqual(actual, expected)
  }
}

const toWs = (url: string) => url.replace(/^http/, 'ws')

/** Close codes a browser cannot be sent (1005, 1006 are only reported locally) become "moved". */
function forwardable(code: number): number {
  return code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999) ? code : CloseCode.roomMoved
}

export interface RelayOptions {
  req: IncomingMessage
  socket: Duplex
  head: Buffer
  /** Where the client's side is upgraded (the role's own server, with its frame limit). */
  wss: WebSocketServer
  ownerUrl: string
  secret: RelaySecret
  log: Logger
  slowClientBytes: number
  /** The client socket, once upgraded (for the transport's liveness pings). */
  onClient(ws: WebSocket): void
  /** The owner did not answer (the client's socket is left as it was). */
  onUnreachable(error: Error): void
}

/**
 * Opens the same `/sync/…` on the owner, then upgrades the client and pipes frames both ways.
 * Resolves 'unreachable' when the owner did not answer (it died: its lease will expire), leaving
 * the client's socket untouched so the caller can try again.
 */
export function relaySocket(opts: RelayOptions): Promise<'relayed' | 'unreachable'> {
  const path = opts.req.url ?? '/'
  return new Promise((resolve) => {
    const upstream = new WebSocket(toWs(opts.ownerUrl) + path, {
      headers: { [RELAY_HEADER]: opts.secret.proof(path) },
      perMessageDeflate: false,
      handshakeTimeout: 3_000,
      maxPayload: 256 * 1024 * 1024,
    })
    let client: WebSocket | null = null
    const early: [RawData, boolean][] = []
    let earlyClose: [number, string] | null = null
    upstream.on('message', (data, isBinary) => {
      if (!client) return void early.push([data, isBinary])
      if (client.bufferedAmount > opts.slowClientBytes) {
        client.close(CloseCode.slowClient, CLOSE_REASONS.slowClient)
        upstream.terminate()
        return
      }
      client.send(data, { binary: isBinary })
    })
    upstream.on('close', (code, reason) => {
      if (!client) return void (earlyClose = [code, reason.toString()])
      if (client.readyState === client.OPEN) client.close(forwardable(code), code === 1006 || code === 1005 ? CLOSE_REASONS.roomMoved : reason.toString())
    })
    upstream.on('error', (error) => {
      if (!client) {
        upstream.terminate()
        opts.onUnreachable(error)
        return resolve('unreachable')
      }
      opts.log.warn({ event: 'relay.error', err: error.message }, 'relay to the owner failed')
    })
    upstream.on('open', () => {
      if (opts.socket.destroyed) {
        upstream.close(1000)
        return resolve('relayed')
      }
      opts.wss.handleUpgrade(opts.req, opts.socket, opts.head, (ws) => {
        client = ws
        opts.onClient(ws)
        for (const [data, isBinary] of early.splice(0)) ws.send(data, { binary: isBinary })
        if (earlyClose) ws.close(forwardable(earlyClose[0]), earlyClose[1])
        ws.on('message', (data, isBinary) => {
          if (upstream.readyState === upstream.OPEN) upstream.send(data, { binary: isBinary })
        })
        ws.on('close', () => upstream.close(1000))
        ws.on('error', () => upstream.terminate())
        resolve('relayed')
      })
    })
  })
}

/**
 * Forwards one HTTP request that needs the live room (joining writes the participant record) to
 * the room's owner, and returns its answer as is.
 */
export async function forwardRequest(
  ownerUrl: string,
  secret: RelaySecret,
  req: { method: string; url: string; headers: IncomingMessage['headers']; body: unknown },
): Promise<{ status: number; contentType: string; body: string }> {
  const headers: Record<string, string> = { [RELAY_HEADER]: secret.proof(req.url), 'content-type': 'application/json' }
  for (const name of ['authorization', 'x-forwarded-for', 'user-agent']) {
    const value = req.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  const res = await fetch(ownerUrl + req.url, {
    method: req.method,
    headers,
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    redirect: 'error',
    signal: AbortSignal.timeout(10_000),
  })
  return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', body: await res.text() }
}
