// The frames a room sends that are built from the document alone: a document update for everyone
// else, and "saved" (Sandbox's acknowledgement, for connections that opted in) with the clocks the
// log now holds for each client id the connection wrote with.
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import { MessageType } from '@sandbox/shared'

export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

/** An encoded state vector with no entries: the sender has nothing yet. */
export const isEmptyStateVector = (sv: Uint8Array): boolean => sv.length === 1 && sv[0] === 0

/** `saved`: a state vector of (client id, clock) pairs that are durable. */
export function savedFrame(clocks: readonly (readonly [client: number, clock: number])[]): Uint8Array {
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
