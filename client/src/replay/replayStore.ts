// The read-only tldraw store the replay draws into, and how entries reach it: only the records
// that changed, in one `mergeRemoteChanges`, so a frame of scrubbing touches a handful of shapes.
import { atom, createTLStore, DocumentRecordType, PageRecordType, TLDOCUMENT_ID, type TLRecord, type TLStore } from 'tldraw'
import { DEFAULT_PAGE_ID } from '@sandbox/shared'
import { createAssetStore } from '../board/assetStore.ts'
import { readRecord } from '../board/readRecord.ts'
import { RECORD_PREFIX, type Entries } from './ReplayModel.ts'
import { putSafely, type createUnreadableRecords } from '../board/recordSync.ts'

/** Records tldraw needs to exist at every moment, even before the session was seeded. */
const KEPT_TYPES = new Set(['document', 'page'])

/** The token only shows the session's images; the replay never uploads. */
export function createReplayStore(sessionId: string, token: string): TLStore {
  const store = createTLStore({
    assets: createAssetStore({ sessionId, token, canUpload: false }),
    collaboration: { status: atom('collaboration status', 'offline' as const), mode: atom('collaboration mode', 'readonly' as const) },
  })
  store.mergeRemoteChanges(() => {
    store.put([DocumentRecordType.create({ id: TLDOCUMENT_ID }), PageRecordType.create({ id: DEFAULT_PAGE_ID as never, name: 'Board', index: 'a1' as never })])
  })
  return store
}

export function applyToStore(store: TLStore, view: Entries, changed: Iterable<string>, unreadable: ReturnType<typeof createUnreadableRecords>): void {
  const puts: TLRecord[] = []
  const removes: TLRecord['id'][] = []
  for (const key of changed) {
    if (!key.startsWith(RECORD_PREFIX)) continue
    const id = key.slice(RECORD_PREFIX.length) as TLRecord['id']
    const value = view.get(key)
    const record = readRecord(value)
    if (record?.id === id) puts.push(record)
    else {
      unreadable.set(id, value !== undefined)
      if (store.has(id) && !KEPT_TYPES.has(store.get(id)?.typeName ?? '')) removes.push(id)
    }
  }
  if (puts.length === 0 && removes.length === 0) return
  store.mergeRemoteChanges(() => {
    if (removes.length > 0) store.remove(removes)
    putSafely(store, puts, unreadable)
  })
}
