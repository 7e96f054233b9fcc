// Awareness (presence) frames from a client, read with bounds and rewritten so that a connection
// only speaks for the client ids it introduced, and names and colours come from the server's
// participant record rather than from the client.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

export interface AwarenessEntry {
  clientId: number
  clock: number
  state: Record<string, unknown> | null
  /** The state's JSON was longer than allowed; it was not parsed and must not be relayed. */
  oversized?: boolean
}

export class MalformedAwarenessError extends Error {}

const utf8 = new TextDecoder()

/** Reads every entry; a state longer than `maxStateChars` bytes is flagged, not parsed. */
export function readAwarenessUpdate(update: Uint8Array, maxStateChars = Infinity): AwarenessEntry[] {
  const d = decoding.createDecoder(update)
  const n = decoding.readVarUint(d)
  if (n > d.arr.length - d.pos) throw new MalformedAwarenessError('awareness count exceeds the bytes left')
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < n; i++) {
    const clientId = decoding.readVarUint(d)
    const clock = decoding.readVarUint(d)
    // Measured before decoding: an oversized state is skipped, not turned into a string.
    const bytes = decoding.readVarUint(d)
    if (bytes > d.arr.length - d.pos) throw new MalformedAwarenessError('awareness state longer than the bytes left')
    if (bytes > maxStateChars) {
      d.pos += bytes
      entries.push({ clientId, clock, state: null, oversized: true })
      continue
    }
    const json = utf8.decode(d.arr.subarray(d.pos, d.pos + bytes))
    d.pos += bytes
    const state: unknown = JSON.parse(json)
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new MalformedAwarenessError('awareness state must be an object')
    entries.push({ clientId, clock, state: state as Record<string, unknown> | null })
  }
  if (d.pos !== d.arr.length) throw new MalformedAwarenessError('trailing bytes after the awareness update')
  return entries
}

export function writeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(e, entry.clientId)
    encoding.writeVarUint(e, entry.clock)
    encoding.writeVarString(e, JSON.stringify(entry.state))
  }
  return encoding.toUint8Array(e)
}
