// The client end of the private channel (message type 101, see shared/privateChannel.ts): this
// person's hidden ballot and private stickies, which the server sends to nobody else.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { WebsocketProvider } from 'y-websocket'
import { MessageType, type PrivateMessage, type PrivateRequest } from '@sandbox/shared'

export interface PrivateChannel {
  /** This person's hidden dots: sticky or frame id → count. */
  readonly votes: Readonly<Record<string, number>>
  /** This person's private stickies as the server last confirmed them, by id. */
  readonly records: ReadonlyMap<string, Record<string, unknown>>
  send(request: PrivateRequest): void
  /** Called with every message from the server (after the channel's own state is updated). */
  onMessage(listener: (message: PrivateMessage) => void): () => void
  subscribe(listener: () => void): () => void
  destroy(): void
}

export function openPrivateChannel(provider: WebsocketProvider): PrivateChannel {
  let votes: Record<string, number> = {}
  let records = new Map<string, Record<string, unknown>>()
  const listeners = new Set<() => void>()
  const messageListeners = new Set<(message: PrivateMessage) => void>()
  const notify = () => {
    for (const listener of listeners) listener()
  }

  provider.messageHandlers[MessageType.private] = (_encoder, decoder) => {
    let message: PrivateMessage
    try {
      message = JSON.parse(decoding.readVarString(decoder)) as PrivateMessage
    } catch {
      return
    }
    if (message.t === 'ballot') {
      votes = message.votes
      notify()
    } else if (message.t === 'private') {
      const next = message.reset ? new Map<string, Record<string, unknown>>() : new Map(records)
      for (const record of message.put) if (typeof record.id === 'string') next.set(record.id, record)
      for (const id of message.removed) next.delete(id)
      records = next
      notify()
    }
    for (const listener of messageListeners) listener(message)
  }

  return {
    get votes() {
      return votes
    },
    get records() {
      return records
    },
    send(request) {
      const ws = provider.ws
      if (!ws || ws.readyState !== WebSocket.OPEN) return
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MessageType.private)
      encoding.writeVarString(e, JSON.stringify(request))
      ws.send(encoding.toUint8Array(e))
    },
    onMessage(listener) {
      messageListeners.add(listener)
      return () => messageListeners.delete(listener)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    destroy() {
      delete provider.messageHandlers[MessageType.private]
      listeners.clear()
      messageListeners.clear()
    },
  }
}
