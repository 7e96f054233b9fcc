import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Root } from '@sandbox/shared'
import { yMapStore } from './useSessionState.ts'

describe('yMapStore', () => {
  it('never serves a snapshot older than the map, even for changes made while nobody listened', () => {
    const doc = new Y.Doc()
    const store = yMapStore(doc.getMap(Root.tasks))
    expect(store.getSnapshot()).toEqual({})
    doc.getMap(Root.tasks).set('t1', { id: 't1' })
    expect(store.getSnapshot()).toEqual({ t1: { id: 't1' } })
  })

  it('keeps the same snapshot object while nothing changed, and tells listeners about changes', () => {
    const doc = new Y.Doc()
    const store = yMapStore(doc.getMap(Root.votes))
    const first = store.getSnapshot()
    expect(store.getSnapshot()).toBe(first)
    let calls = 0
    const stop = store.subscribe(() => calls++)
    doc.getMap(Root.votes).set('p|shape:a', 1)
    expect(calls).toBe(1)
    stop()
    doc.getMap(Root.votes).set('p|shape:a', 2)
    expect(calls).toBe(1)
    expect(store.getSnapshot()).toEqual({ 'p|shape:a': 2 })
  })
})
