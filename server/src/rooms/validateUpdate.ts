// A bounded walk over a Yjs v1 update before Yjs itself decodes it. Yjs trusts the counts inside
// an update (it pre-allocates `new Array(numberOfStructs)`, and yjs#687 shows crafted run lengths
// that loop or allocate without bound), so every count here must fit in the bytes that remain.
// The walk is linear in the update's size and allocates nothing the update does not carry.
import * as decoding from 'lib0/decoding'

export class MalformedUpdateError extends Error {}

const fail = (why: string): never => {
  throw new MalformedUpdateError(why)
}

const MAX_CLOCK = Number.MAX_SAFE_INTEGER

function count(d: decoding.Decoder, what: string): number {
  const n = decoding.readVarUint(d)
  // Every counted element takes at least one byte.
  if (n > d.arr.length - d.pos) fail(`${what} count ${n} exceeds the bytes left`)
  return n
}

const readString = (d: decoding.Decoder): void => {
  decoding.readVarString(d)
}

function readJsonString(d: decoding.Decoder): void {
  const s = decoding.readVarString(d)
  if (s !== 'undefined') JSON.parse(s)
}

const MAX_ANY_DEPTH = 64

/** lib0's `readAny` format, checked for counts and nesting depth. */
function readAny(d: decoding.Decoder, depth: number): void {
  if (depth > MAX_ANY_DEPTH) fail('value nested too deeply')
  const type = decoding.readUint8(d)
  switch (type) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return
    case 125: // integer
      decoding.readVarInt(d)
      return
    case 124: // float32
      decoding.readFloat32(d)
      return
    case 123: // float64
      decoding.readFloat64(d)
      return
    case 122: // bigint
      decoding.readBigInt64(d)
      return
    case 119: // string
      readString(d)
      return
    case 118: {
      // object
      const n = count(d, 'object key')
      for (let i = 0; i < n; i++) {
        readString(d)
        readAny(d, depth + 1)
      }
      return
    }
    case 117: {
      // array
      const n = count(d, 'array item')
      for (let i = 0; i < n; i++) readAny(d, depth + 1)
      return
    }
    case 116: // Uint8Array
      decoding.readVarUint8Array(d)
      return
    default:
      fail(`unknown value type ${type}`)
  }
}

function readContent(d: decoding.Decoder, ref: number): number {
  switch (ref) {
    case 1: {
      // ContentDeleted
      const len = decoding.readVarUint(d)
      if (len > MAX_CLOCK) fail('deleted length out of range')
      return len
    }
    case 2: {
      // ContentJSON
      const n = count(d, 'JSON item')
      for (let i = 0; i < n; i++) readJsonString(d)
      return n
    }
    case 3: // ContentBinary
      decoding.readVarUint8Array(d)
      return 1
    case 4: {
      // ContentString: length in UTF-16 units, as Yjs counts it
      return decoding.readVarString(d).length
    }
    case 5: // ContentEmbed
      readJsonString(d)
      return 1
    case 6: // ContentFormat
      readString(d)
      readJsonString(d)
      return 1
    case 7: {
      // ContentType
      const typeRef = decoding.readVarUint(d)
      if (typeRef > 6) fail(`unknown type ref ${typeRef}`)
      if (typeRef === 3 || typeRef === 5) readString(d)
      return 1
    }
    case 8: {
      // ContentAny
      const n = count(d, 'value')
      for (let i = 0; i < n; i++) readAny(d, 0)
      return n
    }
    case 9: // ContentDoc
      readString(d)
      readAny(d, 0)
      return 1
    default:
      return fail(`unknown content ref ${ref}`)
  }
}

/**
 * Throws MalformedUpdateError (or lib0's end-of-array error) unless `update` is a well-formed v1
 * update. Returns the names of the top-level types it writes to directly.
 */
export function validateUpdate(update: Uint8Array): string[] {
  const roots = new Set<string>()
  const d = decoding.createDecoder(update)
  const clients = count(d, 'client')
  for (let c = 0; c < clients; c++) {
    const structs = count(d, 'struct')
    decoding.readVarUint(d) // client id
    let clock = decoding.readVarUint(d)
    for (let s = 0; s < structs; s++) {
      const info = decoding.readUint8(d)
      const ref = info & 0b11111
      let len: number
      if (ref === 0 || ref === 10) {
        // GC or Skip
        len = decoding.readVarUint(d)
      } else {
        const hasOrigin = (info & 0b10000000) !== 0
        const hasRightOrigin = (info & 0b01000000) !== 0
        if (hasOrigin) {
          decoding.readVarUint(d)
          decoding.readVarUint(d)
        }
        if (hasRightOrigin) {
          decoding.readVarUint(d)
          decoding.readVarUint(d)
        }
        if (!hasOrigin && !hasRightOrigin) {
          const parentIsRoot = decoding.readVarUint(d) === 1
          if (parentIsRoot) roots.add(decoding.readVarString(d))
          else {
            decoding.readVarUint(d)
            decoding.readVarUint(d)
          }
          if ((info & 0b00100000) !== 0) readString(d) // parentSub
        }
        len = readContent(d, ref)
      }
      clock += len
      if (clock > MAX_CLOCK) fail('clock out of range')
    }
  }
  // Delete set
  const dsClients = count(d, 'delete set client')
  for (let c = 0; c < dsClients; c++) {
    decoding.readVarUint(d)
    const deletes = count(d, 'delete range')
    for (let i = 0; i < deletes; i++) {
      const clock = decoding.readVarUint(d)
      const len = decoding.readVarUint(d)
      if (clock + len > MAX_CLOCK) fail('delete range out of range')
    }
  }
  if (d.pos !== d.arr.length) fail('trailing bytes after the update')
  return [...roots]
}
