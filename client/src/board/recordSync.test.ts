// The tldraw ↔ Yjs binding against a real tldraw store and real Y.Docs: records the document
// holds but tldraw cannot read are skipped and counted, never blank the board.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTLStore } from 'tldraw'
import { recordToYMap, Root } from '@sandbox/shared'
import { seedSessionDoc } from '@sandbox/shared/seed'
import { stickyRecord } from '@sandbox/shared/board'
import { bindRecords, createUnreadableRecords, loadRecords } from './recordSync.ts'

function seeded(): Y.Doc {
  const doc = new Y.Doc()
  seedSessionDoc(doc, 'Test', Date.now(), 1)
  return doc
}

const put = (doc: Y.Doc, record: Record<string, unknown>, key = String(record.id)) => doc.getMap(Root.records).set(key, recordToYMap(record))

describe('loadRecords', () => {
  it('opens a board that holds records tldraw cannot read, and counts them', () => {
    const doc = seeded()
    put(doc, stickyRecord({ id: 'shape:good', text: 'fine' }))
    put(doc, { id: 'shape:broken', typeName: 'shape', type: 'note', props: { richText: 7 } })
    put(doc, stickyRecord({ id: 'shape:a' }), 'shape:not-its-key')
    doc.getMap(Root.records).set('shape:not-a-map', 'text' as never)
    const store = createTLStore({})
    const unreadable = createUnreadableRecords()
    loadRecords(doc, store, unreadable)
    expect(store.has('shape:good' as never)).toBe(true)
    expect(store.has('page:page' as never)).toBe(true)
    expect(store.has('shape:broken' as never)).toBe(false)
    expect([...unreadable.ids].sort()).toEqual(['shape:broken', 'shape:not-a-map', 'shape:not-its-key'])
  })

  it('keeps counting live: a record that becomes readable leaves the count, a new bad one joins it', () => {
    const doc = seeded()
    const store = createTLStore({})
    const unreadable = createUnreadableRecords()
    loadRecords(doc, store, unreadable)
    const stop = bindRecords(doc, store, {}, true, unreadable)
    let notified = 0
    unreadable.subscribe(() => notified++)
    const remote = new Y.Doc()
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc))
    remote.on('update', (u: Uint8Array) => Y.applyUpdate(doc, u, 'remote'))
    put(remote, { ...stickyRecord({ id: 'shape:x' }), opacity: 'loud' })
    expect([...unreadable.ids]).toEqual(['shape:x'])
    put(remote, stickyRecord({ id: 'shape:x', text: 'fixed' }))
    expect(unreadable.ids.size).toBe(0)
    expect(store.has('shape:x' as never)).toBe(true)
    expect(notified).toBe(2)
    stop()
  })
})
