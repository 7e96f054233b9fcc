// The two-way binding between tldraw's store and `Y.Map('tldraw')`: one Y.Map per record, one
// entry per top-level field, so moving a sticky sends its `x` and `y` and nothing else.
import * as Y from 'yjs'
import type { SerializedSchema, TLRecord, TLStore } from 'tldraw'
import { Root, recordEntries, recordFromYMap, recordToYMap, storageKeyOf } from '@sandbox/shared'
import type { PrivateRecords } from './privateRecords.ts'
import { readRecord } from './readRecord.ts'

type RecordMaps = Y.Map<Y.Map<unknown>>

export const recordMaps = (doc: Y.Doc): RecordMaps => doc.getMap<Y.Map<unknown>>(Root.records)

/** Whether the document holds a board the server seeded: never create one here (tldraw#1798). */
export function hasSeededBoard(doc: Y.Doc): boolean {
  const records = recordMaps(doc)
  let hasPage = false
  records.forEach((_value, id) => {
    if (id.startsWith('page:')) hasPage = true
  })
  return records.has('document:document') && hasPage
}

const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Write only the entries that changed; drop entries the record no longer has. */
function writeFields(map: Y.Map<unknown>, record: Readonly<Record<string, unknown>>, fields?: Iterable<string>): void {
  const entries = new Map(recordEntries(record))
  const keys = fields === undefined ? entries.keys() : new Set([...fields].map(storageKeyOf))
  for (const key of keys) {
    if (!entries.has(key)) {
      if (map.has(key)) map.delete(key)
      continue
    }
    const value = entries.get(key)
    if (!sameJson(map.get(key), value)) map.set(key, value)
  }
  if (fields === undefined) {
    for (const key of [...map.keys()]) if (!entries.has(key)) map.delete(key)
  }
}

/**
 * Records of the document this browser could not show (invalid, or from a tool that wrote them
 * wrong). The board skips them instead of failing, and tells the person how many there are.
 */
export interface UnreadableRecords {
  readonly ids: ReadonlySet<string>
  subscribe(listener: () => void): () => void
}

export function createUnreadableRecords(): UnreadableRecords & { set(id: string, unreadable: boolean): void } {
  const ids = new Set<string>()
  const listeners = new Set<() => void>()
  return {
    ids,
    set(id, unreadable) {
      if (unreadable === ids.has(id)) return
      if (unreadable) ids.add(id)
      else ids.delete(id)
      for (const listener of listeners) listener()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

type Unreadable = ReturnType<typeof createUnreadableRecords>

/**
 * Read every record, migrate each from the stored schema to this build's (the server keeps the
 * stored board at its own schema, which the connect handshake makes this build's), and put them
 * into the store as remote changes. A record that cannot be read or migrated is skipped and
 * counted; it never keeps the board from opening.
 */
export function loadRecords(doc: Y.Doc, store: TLStore, unreadable: Unreadable): void {
  const records = recordMaps(doc)
  const storedSchema = doc.getMap(Root.meta).get('schema') as SerializedSchema | undefined
  const current = store.schema.serialize()
  const needsMigration = storedSchema !== undefined && !sameJson(storedSchema, current)
  const candidates: (TLRecord | null)[] = []
  const ids: string[] = []
  records.forEach((map, id) => {
    let record: TLRecord | null = null
    try {
      record = map instanceof Y.Map ? readRecord(recordFromYMap(map)) : null
      if (record && needsMigration) {
        const migrated = store.schema.migratePersistedRecord(record, storedSchema)
        record = migrated.type === 'success' ? (migrated.value as TLRecord) : null
      }
    } catch {
      record = null
    }
    if (record?.id !== id) record = null
    candidates.push(record)
    ids.push(id)
    if (!record) unreadable.set(id, true)
  })
  store.mergeRemoteChanges(() => putSafely(store, candidates, unreadable))
}

/** Puts the records in one go; if one fails validation, puts them one by one, skipping it. */
export function putSafely(store: TLStore, candidates: readonly (TLRecord | null)[], unreadable?: Unreadable): void {
  const records = candidates.filter((r): r is TLRecord => r !== null)
  if (records.length === 0) return
  try {
    store.put(records)
    for (const record of records) unreadable?.set(record.id, false)
    return
  } catch {
    // Fall through: find the record that failed.
  }
  for (const record of records) {
    try {
      store.put([record])
      unreadable?.set(record.id, false)
    } catch (error) {
      // One malformed record (an older client, a hand-edited document) must not take the board down.
      unreadable?.set(record.id, true)
      console.warn('Sandbox: skipped a board record that failed validation', record.id, error)
    }
  }
}

interface PendingChange {
  added: boolean
  removed: boolean
  keys: Set<string>
}

/**
 * Start syncing both ways. Local edits are flushed at most once per animation frame in one Yjs
 * transaction; remote edits are applied in one `mergeRemoteChanges` per Yjs transaction.
 * `readOnly` (viewers) never writes: the server would drop it and the save indicator would hang.
 */
export function bindRecords(
  doc: Y.Doc,
  store: TLStore,
  localOrigin: object,
  readOnly: boolean,
  unreadable: Unreadable,
  privacy?: PrivateRecords,
): () => void {
  const records = recordMaps(doc)
  const pending = new Map<string, PendingChange>()
  let frame: number | null = null

  const flush = () => {
    frame = null
    if (pending.size === 0) return
    const changes = [...pending]
    pending.clear()
    doc.transact(() => {
      for (const [id, change] of changes) {
        const record = store.get(id as TLRecord['id']) as unknown as Record<string, unknown> | undefined
        // Private writing: this person's private stickies go to the server alone, never into the document.
        if (privacy?.has(id) || (privacy && change.added && record && privacy.claims(record as unknown as TLRecord))) {
          if (record) privacy.put(record as unknown as TLRecord)
          else privacy.remove(id)
          continue
        }
        if (!record) {
          if (records.has(id)) records.delete(id)
          continue
        }
        const map = records.get(id)
        if (!(map instanceof Y.Map) || change.added) {
          if (map instanceof Y.Map && !change.removed) writeFields(map, record)
          else records.set(id, recordToYMap(record))
          continue
        }
        writeFields(map, record, change.keys)
      }
    }, localOrigin)
  }

  const note = (id: string): PendingChange => {
    let change = pending.get(id)
    if (!change) {
      change = { added: false, removed: false, keys: new Set() }
      pending.set(id, change)
    }
    return change
  }

  const stopListening = store.listen(
    ({ changes }) => {
      if (readOnly) return
      for (const record of Object.values(changes.added)) note(record.id).added = true
      for (const [from, to] of Object.values(changes.updated)) {
        const change = note(to.id)
        const before = from as unknown as Record<string, unknown>
        const after = to as unknown as Record<string, unknown>
        for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
          if (before[key] !== after[key]) change.keys.add(key)
        }
      }
      for (const record of Object.values(changes.removed)) {
        const change = note(record.id)
        change.removed = true
        change.added = false
      }
      frame ??= requestAnimationFrame(flush)
    },
    { source: 'user', scope: 'document' },
  )

  const onRemote = (events: Array<Y.YEvent<Y.Map<unknown>>>, transaction: Y.Transaction) => {
    if (transaction.origin === localOrigin) return
    const touched = new Set<string>()
    for (const event of events) {
      if (event.target === records) {
        for (const key of event.changes.keys.keys()) touched.add(key)
      } else {
        const id = event.path[0]
        if (typeof id === 'string') touched.add(id)
      }
    }
    if (touched.size === 0) return
    store.mergeRemoteChanges(() => {
      const put: (TLRecord | null)[] = []
      const removed: TLRecord['id'][] = []
      for (const id of touched) {
        const map = records.get(id)
        if (map instanceof Y.Map) {
          privacy?.released(id)
          let record: TLRecord | null = null
          try {
            record = readRecord(recordFromYMap(map))
          } catch {
            record = null
          }
          if (record?.id === id) put.push(record)
          else unreadable.set(id, true)
        } else {
          unreadable.set(id, false)
          if (store.has(id as TLRecord['id'])) removed.push(id as TLRecord['id'])
        }
      }
      putSafely(store, put, unreadable)
      if (removed.length > 0) store.remove(removed)
    })
  }
  records.observeDeep(onRemote as (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, transaction: Y.Transaction) => void)

  return () => {
    if (frame !== null) cancelAnimationFrame(frame)
    flush()
    stopListening()
    records.unobserveDeep(onRemote as (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, transaction: Y.Transaction) => void)
  }
}
