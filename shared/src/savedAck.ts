// Sandbox's "saved" acknowledgement (MessageType.saved), defined once: the server tells a
// connection that opted in (`ack=1`) which of its edits are durably stored, as a Yjs state vector
// of (client id, clock) pairs; the client reads it to show "All changes saved".
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType } from './protocol.ts'

/** The whole frame: the message type, then the state vector as one byte array. */
export function encodeSavedFrame(clocks: readonly (readonly [client: number, clock: number])[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.saved)
  const sv = encoding.createEncoder()
  encoding.writeVarUint(sv, clocks.length)
  for (const [client, clock] of clocks) {
    encoding.writeVarUint(sv, client)
    encoding.writeVarUint(sv, clock)
  }
  encoding.writeVarUint8Array(e, encoding.toUint8Array(sv))
  return encoding.toUint8Array(e)
}

/** The body of a saved frame, after its message type has been read: client id → stored clock. */
export function readSavedClocks(decoder: decoding.Decoder): Map<number, number> {
  const sv = decoding.createDecoder(decoding.readVarUint8Array(decoder))
  const clocks = new Map<number, number>()
  for (let n = decoding.readVarUint(sv); n > 0; n--) {
    const client = decoding.readVarUint(sv)
    clocks.set(client, decoding.readVarUint(sv))
  }
  return clocks
}
