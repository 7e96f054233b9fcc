// Private writing on this browser: while the facilitator has it on, the stickies this person
// creates stay out of the shared document. The record binding hands them here instead, and they
// travel on the private channel to the server, which keeps them for their author alone until the
// reveal puts them on the board (they then arrive through the document like any record).
import type { TLRecord, TLStore } from 'tldraw'
import type * as Y from 'yjs'
import { privateWritingActive, Root } from '@sandbox/shared'
import type { PrivateChannel } from './privateChannel.ts'
import { readRecord } from './readRecord.ts'
import { putSafely, recordMaps } from './recordSync.ts'

export interface PrivateRecords {
  /** Whether a record this person just created stays theirs alone (a sticky, while private writing is on). */
  claims(record: TLRecord): boolean
  has(id: string): boolean
  /** Sends the record's latest version to the server. */
  put(record: TLRecord): void
  remove(id: string): void
  /** The record arrived in the document (the reveal): from now on it syncs like any other. */
  released(id: string): void
  /** Ids of this person's private stickies on this board (re-renders on change). */
  readonly ids: ReadonlySet<string>
  subscribe(listener: () => void): () => void
  dispose(): void
}

export function bindPrivateRecords(doc: Y.Doc, store: TLStore, channel: PrivateChannel, canWrite: boolean): PrivateRecords {
  let ids = new Set<string>()
  const listeners = new Set<() => void>()
  const records = recordMaps(doc)
  const session = doc.getMap(Root.session)
  const setIds = (next: Set<string>) => {
    ids = next
    for (const listener of listeners) listener()
  }

  /**
   * The server's copy of this person's private stickies: all of them on (re)connect (`reset`), or
   * the ones a reveal put on the board (`removed`: they arrive through the document). Stickies
   * written here while the socket was down are not in the server's copy yet: they are sent again.
   */
  const adopt = (reset: boolean, put: readonly Record<string, unknown>[], removed: readonly string[]) => {
    const next = new Set(ids)
    const toPut: (TLRecord | null)[] = []
    const onServer = new Set<string>()
    for (const value of put) {
      const id = value.id
      if (typeof id !== 'string' || records.has(id)) continue
      onServer.add(id)
      next.add(id)
      // The store's version is newer than the server's while edits are on their way.
      if (store.has(id as TLRecord['id'])) continue
      try {
        toPut.push(readRecord(value))
      } catch {
        toPut.push(null)
      }
    }
    for (const id of removed) next.delete(id)
    if (reset) {
      for (const id of ids) {
        const record = store.get(id as TLRecord['id'])
        if (!onServer.has(id) && record && !records.has(id)) channel.send({ t: 'put', record: record as unknown as Record<string, unknown> })
      }
    }
    if (toPut.length > 0) store.mergeRemoteChanges(() => putSafely(store, toPut))
    setIds(next)
  }

  adopt(true, [...channel.records.values()], [])
  const stopMessages = channel.onMessage((message) => {
    if (message.t === 'private') adopt(message.reset, message.put, message.removed)
  })

  return {
    claims: (record) =>
      canWrite && record.typeName === 'shape' && record.type === 'note' && !records.has(record.id) && privateWritingActive(session.toJSON()),
    has: (id) => ids.has(id),
    put(record) {
      if (!ids.has(record.id)) setIds(new Set(ids).add(record.id))
      channel.send({ t: 'put', record: record as unknown as Record<string, unknown> })
    },
    remove(id) {
      if (!ids.has(id)) return
      const next = new Set(ids)
      next.delete(id)
      setIds(next)
      channel.send({ t: 'remove', id })
    },
    released(id) {
      if (!ids.has(id)) return
      const next = new Set(ids)
      next.delete(id)
      setIds(next)
    },
    get ids() {
      return ids
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dispose() {
      stopMessages()
      listeners.clear()
    },
  }
}
