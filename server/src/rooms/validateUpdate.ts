// A bounded walk over a Yjs v1 update before Yjs itself decodes it. Yjs trusts the counts inside
// an update (it pre-allocates `new Array(numberOfStructs)`, and yjs#687 shows crafted run lengths
// that loop or allocate without bound), so every count here must fit in the bytes that remain.
// The walk is linear in the update's size and allocates nothing the update does not carry.
// It also notes where each new struct goes (its parent, or the neighbour it inherits the parent
// from) and what it holds, so `checkPlacement` can refuse a Y type inside a guarded map before
// Yjs ever integrates it.
import * as decoding from 'lib0/decoding'

/**
 * The work one update may cause. An honest client's largest update is its sync step 2 after a
 * long time offline (a few thousand structs); a delete set of millions of one-clock ranges splits
 * as many items and stalls the process for seconds.
 */
export const UpdateLimits = {
  MAX_STRUCTS_PER_UPDATE: 50_000,
  MAX_DELETE_RANGES_PER_UPDATE: 20_000,
} as const

/** One new Item of an update: its id, where it goes, and what kind of content it carries. */
export interface StructRef {
  client: number
  clock: number
  len: number
  /** Content ref (1 deleted, 7 type, 8 any, …). */
  content: number
  /** For type content: 0 array, 1 map, 2 text, … */
  typeRef: number
  /** Parent given explicitly: a top-level type's name… */
  parentRoot: string | null
  /** …or the id of the type's own item ([client, clock]). */
  parentClient: number
  parentClock: number
  /** Otherwise the parent is the origin's (or right origin's) parent. */
  originClient: number
  originClock: number
  /** Explicit map key (only when the parent is explicit). */
  hasParentSub: boolean
}

export interface UpdateSummary {
  /** Top-level types the update writes to directly. */
  roots: string[]
  /** Every Yjs client id the update has structs of (GC and skips included). */
  clients: number[]
  structs: StructRef[]
  /** Delete ranges in the delete set (each can split an item). */
  deleteRanges: number
}

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

/** Returns the content's length; `typeRef` receives the type ref of type content. */
function readContent(d: decoding.Decoder, ref: number, typeRef: { value: number }): number {
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
      const ref = decoding.readVarUint(d)
      if (ref > 6) fail(`unknown type ref ${ref}`)
      if (ref === 3 || ref === 5) readString(d)
      typeRef.value = ref
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
 * update. Returns what it writes where, for the placement and size checks.
 */
export function inspectUpdate(update: Uint8Array): UpdateSummary {
  const roots = new Set<string>()
  const structs: StructRef[] = []
  const clientIds: number[] = []
  const d = decoding.createDecoder(update)
  const clients = count(d, 'client')
  const typeRef = { value: -1 }
  for (let c = 0; c < clients; c++) {
    const n = count(d, 'struct')
    const client = decoding.readVarUint(d)
    clientIds.push(client)
    let clock = decoding.readVarUint(d)
    for (let s = 0; s < n; s++) {
      const info = decoding.readUint8(d)
      const ref = info & 0b11111
      let len: number
      if (ref === 0 || ref === 10) {
        // GC or Skip
        len = decoding.readVarUint(d)
      } else {
        const struct: StructRef = {
          client,
          clock,
          len: 0,
          content: ref,
          typeRef: -1,
          parentRoot: null,
          parentClient: -1,
          parentClock: -1,
          originClient: -1,
          originClock: -1,
          hasParentSub: false,
        }
        const hasOrigin = (info & 0b10000000) !== 0
        const hasRightOrigin = (info & 0b01000000) !== 0
        if (hasOrigin) {
          struct.originClient = decoding.readVarUint(d)
          struct.originClock = decoding.readVarUint(d)
        }
        if (hasRightOrigin) {
          const rc = decoding.readVarUint(d)
          const rk = decoding.readVarUint(d)
          if (!hasOrigin) {
            struct.originClient = rc
            struct.originClock = rk
          }
        }
        if (!hasOrigin && !hasRightOrigin) {
          const parentIsRoot = decoding.readVarUint(d) === 1
          if (parentIsRoot) {
            struct.parentRoot = decoding.readVarString(d)
            roots.add(struct.parentRoot)
          } else {
            struct.parentClient = decoding.readVarUint(d)
            struct.parentClock = decoding.readVarUint(d)
          }
          if ((info & 0b00100000) !== 0) {
            readString(d) // parentSub
            struct.hasParentSub = true
          }
        }
        typeRef.value = -1
        len = readContent(d, ref, typeRef)
        struct.typeRef = typeRef.value
        struct.len = len
        structs.push(struct)
      }
      clock += len
      if (clock > MAX_CLOCK) fail('clock out of range')
    }
  }
  // Delete set
  let deleteRanges = 0
  const dsClients = count(d, 'delete set client')
  for (let c = 0; c < dsClients; c++) {
    decoding.readVarUint(d)
    const deletes = count(d, 'delete range')
    deleteRanges += deletes
    for (let i = 0; i < deletes; i++) {
      const clock = decoding.readVarUint(d)
      const len = decoding.readVarUint(d)
      if (clock + len > MAX_CLOCK) fail('delete range out of range')
    }
  }
  if (d.pos !== d.arr.length) fail('trailing bytes after the update')
  return { roots: [...roots], clients: clientIds, structs, deleteRanges }
}

/** The names of the top-level types an update writes to directly (throws if malformed). */
export const validateUpdate = (update: Uint8Array): string[] => inspectUpdate(update).roots
