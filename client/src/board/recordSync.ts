// The two-way binding between tldraw's store and `Y.Map('tldraw')`: one Y.Map per record, one
// entry per top-level field, so moving a sticky sends its `x` and `y` and nothing else.
import * as Y from 'yjs'
import type { TLRecord, TLStore } from 'tldraw'
import { Root, recordEntries, recordFromYMap, recordToYMap, storageKeyOf } from '@sandbox/shared'
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

export interface LoadResult {
  ok: boolean
  /** A sentence for the person when the stored board cannot be opened. */
  error?: string
}

/**
 * Read every record, migrate them from the stored schema to this build's, write back what the
 * migration changed (unless `readOnly`), and put them into the store as remote changes.
 */
export function loadRecords(doc: Y.Doc, store: TLStore, localOrigin: object, readOnly: boolean): LoadResult {
  const records = recordMaps(doc)
  const meta = doc.getMap(Root.meta)
  const raw: Record<string, Record<string, unknown>> = {}
  records.forEach((map, id) => {
    if (map instanceof Y.Map) raw[id] = recordFromYMap(map)
  })
  const storedSchema = meta.get('schema') ?? store.schema.serialize()
  const migrated = store.schema.migrateStoreSnapshot({ schema: storedSchema as never, store: structuredClone(raw) as never })
  if (migrated.type === 'error') {
    return {
      ok: false,
      error: `This board was saved by a different version of Sandbox (${migrated.reason}). Reload the page; if it persists, ask whoever runs the server to update it.`,
    }
  }
  const migratedRecords = migrated.value as Record<string, TLRecord>
  if (!readOnly) {
    const changed = Object.values(migratedRecords).filter((r) => !sameJson(r, raw[r.id]))
    if (changed.length > 0) {
      doc.transact(() => {
        for (const record of changed) {
          const map = records.get(record.id)
          if (map instanceof Y.Map) writeFields(map, record as unknown as Record<string, unknown>)
          else records.set(record.id, recordToYMap(record as unknown as Record<string, unknown>))
        }
        meta.set('schema', store.schema.serialize())
      }, localOrigin)
    }
  }
  store.mergeRemoteChanges(() => putSafely(store, Object.values(migratedRecords).map(readRecord)))
  return { ok: true }
}

/** Puts the records in one go; if one fails validation, puts them one by one, skipping it. */
export function putSafely(store: TLStore, candidates: readonly (TLRecord | null)[]): void {
  const records = candidates.filter((r): r is TLRecord => r !== null)
  if (records.length === 0) return
  try {
    store.put(records)
    return
  } catch {
    // Fall through: find the record that failed.
  }
  for (const record of records) {
    try {
      store.put([record])
    } catch (error) {
      // One malformed record (an older client, a hand-edited document) must not take the board down.
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
export function bindRecords(doc: Y.Doc, store: TLStore, localOrigin: object, readOnly: boolean): () => void {
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
        if (map instanceof Y.Map) put.push(readRecord(recordFromYMap(map)))
        else if (store.has(id as TLRecord['id'])) removed.push(id as TLRecord['id'])
      }
      putSafely(store, put)
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
