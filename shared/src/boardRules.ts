// What may be stored on the board (`Y.Map('tldraw')`), judged record by record with tldraw's own
// schema and validators, plus the bounds and URL rules tldraw leaves to the host. The server
// refuses (reverts) any change these rules refuse; the client uses the same functions to decide
// which records it can show. Kept apart from index.ts: it pulls in tldraw's schema.
import { createTLSchema, type TLSchema } from '@tldraw/tlschema'

export * from './stickyRecord.ts'

/** Record types that belong to the shared document. Session-scoped ones (camera, instance,
 * pointer, presence, page state) stay in each browser and never travel. `user` is tldraw's
 * author record (who last edited a text); each connection may write only its own. */
export const BOARD_RECORD_TYPES = ['document', 'page', 'shape', 'binding', 'asset', 'user'] as const
export type BoardRecordType = (typeof BOARD_RECORD_TYPES)[number]
const BOARD_TYPE_SET: ReadonlySet<string> = new Set(BOARD_RECORD_TYPES)

export const DOCUMENT_RECORD_ID = 'document:document'

export const BoardLimits = {
  /** Records one session may hold (a 5,000-sticky board is the largest we measure). */
  MAX_RECORDS_PER_SESSION: 20_000,
  /** New records one connection may add: a burst (a large paste), then a steady rate. */
  NEW_RECORDS_BURST: 2_000,
  NEW_RECORDS_PER_SECOND: 100,
  /** One record's JSON, whatever its type. */
  MAX_RECORD_JSON_CHARS: 128 * 1024,
  /** Characters of text in one shape (a sticky, a label). */
  MAX_TEXT_CHARS: 20_000,
  /** Points in one draw or highlight shape. */
  MAX_DRAW_POINTS: 10_000,
  /** Ancestors of a shape (frames in frames in groups…). */
  MAX_PARENT_DEPTH: 64,
} as const

/** The tldraw schema this build speaks, and a short fingerprint of it for the connect handshake. */
let schemaCache: { schema: TLSchema; hash: string } | null = null
export function boardSchema(): { schema: TLSchema; hash: string } {
  if (!schemaCache) {
    const schema = createTLSchema()
    schemaCache = { schema, hash: schemaHash(schema.serialize()) }
  }
  return schemaCache
}

/** A stable fingerprint of a serialized tldraw schema (cyrb53: small, fast, synchronous). */
export function schemaHash(serialized: unknown): string {
  const text = JSON.stringify(serialized)
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)
}

const LINK_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:'])
const WEB_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:'])

/** A link a person may click: empty, or an absolute http(s) or mailto URL. */
export function isSafeLink(url: string): boolean {
  if (url === '') return true
  try {
    return LINK_PROTOCOLS.has(new URL(url).protocol)
  } catch {
    return false
  }
}

/** Where an uploaded image of this session is served; the document stores this path only. */
export const assetPath = (sessionId: string, sha256: string): string => `/api/sessions/${sessionId}/assets/${sha256}`
const ASSET_PATH = /^\/api\/sessions\/([A-Za-z0-9_-]{1,64})\/assets\/[0-9a-f]{64}$/

/** Whether `src` is the path of an image uploaded to this session. */
export function isOwnAssetPath(src: string, sessionId: string): boolean {
  return ASSET_PATH.exec(src)?.[1] === sessionId
}

/** An image source: empty, an http(s) URL, or this session's own asset path. Never `data:`. */
export function isSafeAssetSource(src: string, sessionId: string): boolean {
  if (src === '') return true
  if (ASSET_PATH.test(src)) return isOwnAssetPath(src, sessionId)
  try {
    return WEB_PROTOCOLS.has(new URL(src).protocol)
  } catch {
    return false
  }
}

/** Props that hold a URL, and which rule they follow. */
const LINK_KEYS: ReadonlySet<string> = new Set(['url', 'href'])
const SOURCE_KEYS: ReadonlySet<string> = new Set(['src', 'image', 'favicon'])

interface Walk {
  text: number
  problem: string | null
}

/** Checks every URL-bearing key and counts text, anywhere in a record's props (rich text included). */
function walkProps(value: unknown, key: string, sessionId: string, walk: Walk, depth: number): void {
  if (walk.problem) return
  if (depth > 64) {
    walk.problem = 'nested too deeply'
    return
  }
  if (typeof value === 'string') {
    if (LINK_KEYS.has(key) && !isSafeLink(value)) walk.problem = `“${key}” must be an http(s) or mailto link`
    else if (SOURCE_KEYS.has(key) && !isSafeAssetSource(value, sessionId)) walk.problem = `“${key}” must be an uploaded image or an http(s) URL`
    else if (key === 'text') walk.text += value.length
    return
  }
  if (Array.isArray(value)) {
    for (const item of value) walkProps(item, key, sessionId, walk, depth + 1)
    return
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) walkProps(v, k, sessionId, walk, depth + 1)
  }
}

/** Points in a draw or highlight shape: each segment's path is base64 of 6 bytes a point. */
function drawPoints(props: Record<string, unknown>): number {
  const segments = props.segments
  if (!Array.isArray(segments)) return 0
  let points = 0
  for (const segment of segments) {
    const path = (segment as { path?: unknown } | null)?.path
    const legacy = (segment as { points?: unknown } | null)?.points
    if (typeof path === 'string') points += Math.ceil((path.length * 3) / 4 / 6)
    else if (Array.isArray(legacy)) points += legacy.length
  }
  return points
}

/** Props objects already found valid, and for which session (the values Yjs holds are never mutated). */
const checkedProps = new WeakMap<object, string>()

/** JSON length of values Yjs holds (never mutated), by object. */
const jsonChars = new WeakMap<object, number>()

/** About the JSON length of a value: exact for objects (measured once), a close bound for the rest. */
export function valueChars(value: unknown): number {
  if (typeof value === 'string') return value.length + 2
  if (typeof value !== 'object' || value === null) return String(value).length
  let chars = jsonChars.get(value)
  if (chars === undefined) {
    chars = JSON.stringify(value).length
    jsonChars.set(value, chars)
  }
  return chars
}

/** About the JSON length of a record (without one key's value, when given). */
export function recordChars(record: Record<string, unknown>, without?: string): number {
  let chars = 2
  for (const key in record) chars += key.length + 4 + (key === without ? 0 : valueChars(record[key]))
  return chars
}


/** Whether a record's JSON stays within MAX_RECORD_JSON_CHARS. */
export const recordWithinSize = (record: Record<string, unknown>): boolean => recordChars(record) <= BoardLimits.MAX_RECORD_JSON_CHARS

function checkProps(props: Record<string, unknown>, typeName: string, sessionId: string): string | null {
  const walk: Walk = { text: 0, problem: null }
  walkProps(props, '', sessionId, walk, 0)
  if (walk.problem) return walk.problem
  if (walk.text > BoardLimits.MAX_TEXT_CHARS) return `text longer than ${BoardLimits.MAX_TEXT_CHARS} characters`
  if (typeName === 'shape' && drawPoints(props) > BoardLimits.MAX_DRAW_POINTS) return `a drawing with more than ${BoardLimits.MAX_DRAW_POINTS} points`
  return null
}

export type RecordVerdict = { ok: true; record: Record<string, unknown> } | { ok: false; reason: string }

/**
 * Whether `value`, stored under `key`, is a record this board may hold: a document-scoped tldraw
 * record that tldraw's validators accept, within the size bounds, with only safe URLs. Structure
 * across records (parents, bindings) is judged by the server's BoardGuard, which sees them all.
 * `previous` is the last accepted version of the record, so tldraw can skip unchanged props.
 */
export function checkBoardRecord(
  schema: TLSchema,
  key: string,
  value: unknown,
  sessionId: string,
  previous?: Record<string, unknown>,
): RecordVerdict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a record' }
  const record = value as Record<string, unknown>
  if (record.id !== key) return { ok: false, reason: 'the key is not the record id' }
  const typeName = record.typeName
  if (typeof typeName !== 'string' || !BOARD_TYPE_SET.has(typeName)) return { ok: false, reason: `record type “${String(typeName).slice(0, 40)}” is not stored on the board` }
  if (!key.startsWith(`${typeName}:`)) return { ok: false, reason: 'the id does not match the record type' }
  if (typeName === 'document' && key !== DOCUMENT_RECORD_ID) return { ok: false, reason: 'there is one document record' }
  const type = schema.types[typeName as BoardRecordType]
  try {
    type.validate(record, previous as never)
  } catch (error) {
    return { ok: false, reason: `invalid ${typeName}: ${String((error as Error).message).slice(0, 200)}` }
  }
  if (typeName === 'user' && typeof record.imageUrl === 'string' && !isSafeAssetSource(record.imageUrl, sessionId)) {
    return { ok: false, reason: '“imageUrl” must be an uploaded image or an http(s) URL' }
  }
  // A move or a resize leaves `props` (the rich text, the drawing) the very same object as in the
  // version accepted before: its checks and its size are reused rather than walked again.
  const props = record.props
  if (typeof props === 'object' && props !== null && checkedProps.get(props) !== sessionId) {
    const problem = checkProps(props as Record<string, unknown>, typeName, sessionId)
    if (problem) return { ok: false, reason: problem }
    checkedProps.set(props, sessionId)
  }
  if (!recordWithinSize(record)) return { ok: false, reason: `the ${typeName} is larger than ${BoardLimits.MAX_RECORD_JSON_CHARS} characters` }
  return { ok: true, record }
}
