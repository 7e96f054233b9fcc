// Where a client's new structs would land, judged before Yjs integrates them. The document's
// shape is fixed (shared/README.md): the guarded maps and `meta` hold plain JSON values, one per
// key; `tldraw` holds one Y.Map per record, and those hold plain JSON values. Anything else (a
// Y type inside a guarded map, a map nested in a record, list items in a map) is refused here,
// because once integrated it can bypass the rules (edits inside a nested type are invisible to
// them) or overflow the stack of every later `toJSON` (50,000 nested maps).
import * as Y from 'yjs'
import { Root } from '@sandbox/shared'
import type { StructRef } from './validateUpdate.ts'

const CONTENT_DELETED = 1
const CONTENT_TYPE = 7
const CONTENT_ANY = 8
const TYPE_MAP = 1

/** Top-level maps whose values are plain JSON. */
const JSON_ROOTS: ReadonlySet<string> = new Set([Root.session, Root.tasks, Root.votes, Root.participants, Root.answers, Root.meta])

/** A resolved location: the top-level type and how many types down (0 = directly in the root). */
export interface Place {
  root: string
  depth: number
  /** The item is a map entry (has a key), not a list element. */
  keyed: boolean
}
/** The parent could not be found (a missing dependency, handled by the room) or is garbage-collected (the struct becomes GC). */
const UNKNOWN = null
/** Deeper than any valid document goes; resolution stops here. */
const TOO_DEEP = 3

function placeOfDocType(type: Y.AbstractType<unknown>, cache: WeakMap<object, Place | null>): Place | null {
  const cached = cache.get(type)
  if (cached !== undefined) return cached
  let depth = 0
  let t: Y.AbstractType<unknown> = type
  // Walk up to the root, but never further than a valid document nests.
  while (t._item !== null && depth <= TOO_DEEP) {
    const parent = t._item.parent
    if (!(parent instanceof Y.AbstractType)) return UNKNOWN
    t = parent
    depth += 1
  }
  const place: Place | null = t._item === null ? { root: Y.findRootTypeKey(t), depth, keyed: true } : { root: '', depth: TOO_DEEP + 1, keyed: true }
  cache.set(type, place)
  return place
}

/** `newRecords`: record maps the update puts on the board (what the per-connection budget counts). */
export type PlacementVerdict = { ok: true; newRecords: number } | { ok: false; reason: string }

/**
 * Judges every new struct of an update against the document it would be applied to. Linear in
 * the number of structs (each resolves once); a doc type's place is cached across updates.
 */
export function checkPlacement(doc: Y.Doc, structs: readonly StructRef[], docTypeCache: WeakMap<object, Place | null>): PlacementVerdict {
  if (structs.length === 0) return { ok: true, newRecords: 0 }
  let newRecords = 0
  // Structs of this update by client, sorted by clock (they arrive that way per client).
  const byClient = new Map<number, StructRef[]>()
  for (const s of structs) {
    let list = byClient.get(s.client)
    if (!list) byClient.set(s.client, (list = []))
    list.push(s)
  }
  const resolved = new Map<StructRef, Place | null>()
  /** An item of this update, or of the doc, containing id (client, clock). */
  const findInUpdate = (client: number, clock: number): StructRef | null => {
    const list = byClient.get(client)
    if (!list) return null
    let lo = 0
    let hi = list.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = list[mid] as StructRef
      if (clock < s.clock) hi = mid - 1
      else if (clock >= s.clock + Math.max(1, s.len)) lo = mid + 1
      else return s
    }
    return null
  }
  const docItem = (client: number, clock: number): Y.Item | null | undefined => {
    if (Y.getState(doc.store, client) <= clock) return undefined
    const struct = Y.getItem(doc.store, Y.createID(client, clock))
    return struct instanceof Y.Item ? struct : null
  }
  /** Where items inside the type whose item is (client, clock) live: one level below that item. */
  const placeOfTypeItem = (client: number, clock: number): Place | null | StructRef => {
    const inUpdate = findInUpdate(client, clock)
    if (inUpdate) {
      if (inUpdate.content !== CONTENT_TYPE) return { root: '', depth: TOO_DEEP + 1, keyed: true }
      const p = resolved.get(inUpdate)
      if (p === undefined) return inUpdate
      return p && { root: p.root, depth: p.depth + 1, keyed: true }
    }
    const item = docItem(client, clock)
    if (!item) return UNKNOWN
    if (!(item.content instanceof Y.ContentType)) return { root: '', depth: TOO_DEEP + 1, keyed: true }
    return placeOfDocType(item.content.type, docTypeCache)
  }
  const placeOfSibling = (client: number, clock: number): Place | null | StructRef => {
    const inUpdate = findInUpdate(client, clock)
    if (inUpdate) {
      const p = resolved.get(inUpdate)
      return p === undefined ? inUpdate : p
    }
    const item = docItem(client, clock)
    if (!item || !(item.parent instanceof Y.AbstractType)) return UNKNOWN
    const parentPlace = placeOfDocType(item.parent, docTypeCache)
    if (!parentPlace) return UNKNOWN
    // A type's place is where the items inside it live: the sibling's own place.
    return { root: parentPlace.root, depth: parentPlace.depth, keyed: item.parentSub !== null }
  }

  // Resolve each struct, following chains of dependencies inside the update with an explicit
  // stack (a long run of list inserts must not recurse).
  for (const start of structs) {
    if (resolved.has(start)) continue
    const stack: StructRef[] = [start]
    while (stack.length > 0) {
      const s = stack[stack.length - 1] as StructRef
      if (resolved.has(s)) {
        stack.pop()
        continue
      }
      let place: Place | null | StructRef
      if (s.parentRoot !== null) place = { root: s.parentRoot, depth: 0, keyed: s.hasParentSub }
      else if (s.parentClient >= 0) {
        place = placeOfTypeItem(s.parentClient, s.parentClock)
        if (place && !('root' in place)) {
          if (stack.includes(place)) place = UNKNOWN
          else {
            stack.push(place)
            continue
          }
        } else if (place) place = { ...place, keyed: s.hasParentSub }
      } else if (s.originClient >= 0) {
        place = placeOfSibling(s.originClient, s.originClock)
        if (place && !('root' in place)) {
          if (place === s || stack.includes(place)) place = UNKNOWN
          else {
            stack.push(place)
            continue
          }
        }
      } else place = UNKNOWN
      resolved.set(s, place as Place | null)
      stack.pop()
      const verdict = judge(s, place as Place | null)
      if (!verdict.ok) return verdict
      if (place && 'root' in place && place.root === Root.records && place.depth === 0 && s.content === CONTENT_TYPE) newRecords++
    }
  }
  return { ok: true, newRecords }
}

function judge(s: StructRef, place: Place | null): { ok: true } | { ok: false; reason: string } {
  if (place === UNKNOWN) return { ok: true }
  const { root, depth, keyed } = place
  const isDeleted = s.content === CONTENT_DELETED
  if (depth > TOO_DEEP) return { ok: false, reason: 'nested deeper than the document allows' }
  if (JSON_ROOTS.has(root)) {
    if (depth > 0) return { ok: false, reason: `a value nested inside a Y type in “${root}”` }
    if (!keyed) return { ok: false, reason: `a list item in the map “${root}”` }
    if (s.content !== CONTENT_ANY && !isDeleted) return { ok: false, reason: `“${root}” holds plain JSON values only, not Y types` }
    return { ok: true }
  }
  if (root === Root.records) {
    if (!keyed) return { ok: false, reason: 'a list item in a board map' }
    if (depth === 0) {
      if (isDeleted || (s.content === CONTENT_TYPE && s.typeRef === TYPE_MAP)) return { ok: true }
      // typeRef is only known for structs of this update; an inherited place (origin) is judged by content.
      return { ok: false, reason: 'a board record must be a Y.Map' }
    }
    if (depth === 1) {
      if (s.content === CONTENT_ANY || isDeleted) return { ok: true }
      return { ok: false, reason: 'a board record field must be a plain JSON value' }
    }
    return { ok: false, reason: 'nested deeper than a board record field' }
  }
  // Unknown roots are refused before this runs.
  return { ok: false, reason: `unknown top-level type “${root}”` }
}
