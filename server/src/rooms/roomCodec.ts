// The room's wire codec, apart from what the room does with a message: what a client's frame says
// (decodeClientMessage; anything that does not parse whole is `malformed`), and the frames a room
// sends that are built from the document alone — sync steps, a document update for everyone else,
// and "saved" (Sandbox's acknowledgement, for connections that opted in) with the clocks the log
// now holds for each client id the connection wrote with.
import type * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType } from '@sandbox/shared'

/** One frame from a client, as the room acts on it. */
export type ClientMessage =
  | { type: 'syncStep1'; stateVector: Uint8Array }
  /** Sync step 2 or an update: both carry a document update to judge and apply. */
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'queryAwareness' }
  /** Sandbox's private channel (privateChannel.ts): the rest of the frame, read by RoomSecrets. */
  | { type: 'private'; decoder: decoding.Decoder; end: number }
  | { type: 'malformed' }

/** Reads one frame; a frame with bytes left over, or of a type the room does not speak, is malformed. Throws on truncated input. */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
  const d = decoding.createDecoder(data)
  const whole = <T extends ClientMessage>(message: T): T | { type: 'malformed' } => (d.pos === data.length ? message : { type: 'malformed' })
  switch (decoding.readVarUint(d)) {
    case MessageType.sync: {
      const sub = decoding.readVarUint(d)
      if (sub === syncProtocol.messageYjsSyncStep1) return whole({ type: 'syncStep1', stateVector: decoding.readVarUint8Array(d) })
      if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) return whole({ type: 'update', update: decoding.readVarUint8Array(d) })
      return { type: 'malformed' }
    }
    case MessageType.awareness:
      return whole({ type: 'awareness', update: decoding.readVarUint8Array(d) })
    case MessageType.queryAwareness:
      return { type: 'queryAwareness' }
    case MessageType.private:
      return { type: 'private', decoder: d, end: data.length }
    default:
      return { type: 'malformed' }
  }
}

/** Sync step 1: the room's state vector, asking the client for everything the room lacks. */
export function syncStep1Frame(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeSyncStep1(e, doc)
  return encoding.toUint8Array(e)
}

/** Sync step 2 with the given update (the whole document, or what a state vector lacks). */
export function syncStep2Frame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

/** An encoded state vector with no entries: the sender has nothing yet. */
export const isEmptyStateVector = (sv: Uint8Array): boolean => sv.length === 1 && sv[0] === 0

