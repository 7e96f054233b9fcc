// A lean protocol client for load generation. It speaks the y-websocket protocol (Sandbox and the
// classic server) or Hocuspocus' dialect (every frame prefixed with the document name, an auth
// message first). It keeps only its own edits in its Y.Doc and never applies what others send:
// the load generator must stay cheap so it measures the server, not itself. Deliveries are found
// by scanning frames for markers the senders embedded in their edits and cursor states.
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType } from '@sandbox/shared'

/** Where a client connects and which dialect it speaks. */
export interface ClientTarget {
  url: string
  /** Set for Hocuspocus: the document name that prefixes every frame. */
  hocuspocusDoc?: string
}

const HOCUSPOCUS_AUTH = 2
const HOCUSPOCUS_AUTH_TOKEN = 0

export type MarkerKind = 'E' | 'C'
const TILDE = 0x7e
const MARK = { E: Buffer.from('~E'), C: Buffer.from('~C') }

/** `~E<sender>.<seq>.<sent µs>~`: plain ASCII survives Yjs v1 encoding, merging and JSON. */
export const marker = (kind: MarkerKind, sender: number, seq: number, sentUs: number): string => `~${kind}${sender}.${seq}.${sentUs}~`

/** Calls `found` for every marker of `kind` in `buf`. */
export function scanMarkers(buf: Buffer, kind: MarkerKind, found: (sender: number, seq: number, sentUs: number) => void): void {
  let pos = buf.indexOf(MARK[kind])
  while (pos !== -1) {
    const nums = [0, 0, 0]
    let field = 0
    let i = pos + 2
    for (; i < buf.length; i++) {
      const c = buf[i] as number
      if (c === TILDE) break
      if (c === 0x2e) field++
      else if (c >= 0x30 && c <= 0x39 && field < 3) nums[field] = (nums[field] as number) * 10 + (c - 0x30)
      else break
    }
    if (buf[i] === TILDE && field === 2) found(nums[0] as number, nums[1] as number, nums[2] as number)
    pos = buf.indexOf(MARK[kind], i)
  }
}

/** Wall-clock microseconds (the same clock in every load-generator process, so one can time another's sends). */
export const nowUs = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000)

export class BenchClient {
  readonly doc = new Y.Doc()
  readonly ws: WebSocket
  readonly target: ClientTarget
  readonly openedAt = performance.now()
  syncedAt: number | null = null
  closed = false
  closeCode: number | null = null
  bytesIn = 0
  onEdit: ((sender: number, seq: number, sentUs: number) => void) | null = null
  onCursor: ((sender: number, seq: number, sentUs: number) => void) | null = null
  /** Sandbox `saved` acks: the stored clock of this client's own Yjs client id. */
  onSaved: ((clock: number) => void) | null = null
  private awarenessClock = 0

  constructor(target: ClientTarget) {
    this.target = target
    this.ws = new WebSocket(target.url, { perMessageDeflate: false })
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('open', () => this.onOpen())
    this.ws.on('message', (data) => this.onMessage(data as Buffer))
    this.ws.on('close', (code) => {
      this.closed = true
      this.closeCode = code
    })
    this.ws.on('error', () => (this.closed = true))
    this.doc.on('update', (update: Uint8Array) => {
      const e = this.encoder(MessageType.sync)
      syncProtocol.writeUpdate(e, update)
      this.send(encoding.toUint8Array(e))
    })
  }

  private encoder(type: number): encoding.Encoder {
    const e = encoding.createEncoder()
    if (this.target.hocuspocusDoc !== undefined) encoding.writeVarString(e, this.target.hocuspocusDoc)
    encoding.writeVarUint(e, type)
    return e
  }

  send(frame: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame)
  }

  private onOpen(): void {
    if (this.target.hocuspocusDoc !== undefined) {
      const auth = this.encoder(HOCUSPOCUS_AUTH)
      encoding.writeVarUint(auth, HOCUSPOCUS_AUTH_TOKEN)
      encoding.writeVarString(auth, '')
      this.send(encoding.toUint8Array(auth))
    }
    const e = this.encoder(MessageType.sync)
    syncProtocol.writeSyncStep1(e, this.doc)
    this.send(encoding.toUint8Array(e))
  }

  private onMessage(buf: Buffer): void {
    this.bytesIn += buf.length
    const d = decoding.createDecoder(buf)
    if (this.target.hocuspocusDoc !== undefined) decoding.readVarString(d)
    const type = decoding.readVarUint(d)
    if (type === MessageType.sync) {
      const sub = decoding.readVarUint(d)
      if (sub === syncProtocol.messageYjsSyncStep1) {
        const e = this.encoder(MessageType.sync)
        syncProtocol.writeSyncStep2(e, this.doc, decoding.readVarUint8Array(d))
        this.send(encoding.toUint8Array(e))
      } else if (sub === syncProtocol.messageYjsSyncStep2) {
        this.syncedAt ??= performance.now()
      } else if (sub === syncProtocol.messageYjsUpdate && this.onEdit) {
        scanMarkers(buf, 'E', this.onEdit)
      }
    } else if (type === MessageType.awareness) {
      if (this.onCursor) scanMarkers(buf, 'C', this.onCursor)
    } else if (type === MessageType.saved && this.onSaved) {
      const sv = decoding.createDecoder(decoding.readVarUint8Array(d))
      const n = decoding.readVarUint(sv)
      for (let i = 0; i < n; i++) {
        const client = decoding.readVarUint(sv)
        const clock = decoding.readVarUint(sv)
        if (client === this.doc.clientID) this.onSaved(clock)
      }
    }
  }

  /** The state of this client's own edits, as the clock a `saved` ack must reach. */
  get ownClock(): number {
    return Y.getState(this.doc.store, this.doc.clientID)
  }

  /** Sends an awareness update for this client's own state (JSON is the state's encoding). */
  sendAwareness(state: Record<string, unknown>): void {
    const body = encoding.createEncoder()
    encoding.writeVarUint(body, 1)
    encoding.writeVarUint(body, this.doc.clientID)
    encoding.writeVarUint(body, ++this.awarenessClock)
    encoding.writeVarString(body, JSON.stringify(state))
    const e = this.encoder(MessageType.awareness)
    encoding.writeVarUint8Array(e, encoding.toUint8Array(body))
    this.send(encoding.toUint8Array(e))
  }

  close(): void {
    this.ws.terminate()
    this.doc.destroy()
  }
}
