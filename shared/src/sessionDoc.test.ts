import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { seedSessionDoc } from './seed.ts'
import { POSITION_KEY, readGuardedState, recordFromYMap, recordToYMap, storageKeyOf } from './sessionDoc.ts'
import { Root } from './schema.ts'

describe('session document', () => {
  it('stores a record field by field with x/y joined, and reads it back whole', () => {
    const doc = new Y.Doc()
    const record = { id: 'shape:a', typeName: 'shape', x: 10, y: 20, props: { text: 'hi' } }
    doc.getMap(Root.records).set(record.id, recordToYMap(record))
    const map = doc.getMap<Y.Map<unknown>>(Root.records).get(record.id) as Y.Map<unknown>
    expect([...map.keys()].sort()).toEqual(['id', 'props', 'typeName', POSITION_KEY].sort())
    expect(recordFromYMap(map)).toEqual(record)
    expect(storageKeyOf('x')).toBe(POSITION_KEY)
    expect(storageKeyOf('props')).toBe('props')
  })

  it('seeds a new session once with the template start and one tldraw page', () => {
    const doc = new Y.Doc()
    seedSessionDoc(doc, 'Kick-off', 1000, 7)
    const state = readGuardedState(doc)
    expect(state.session).toMatchObject({ title: 'Kick-off', phase: 'warmup', voteLimit: 3, seed: 7 })
    expect(doc.getMap(Root.records).has('document:document')).toBe(true)
    expect(doc.getMap(Root.records).has('page:page')).toBe(true)
    expect(doc.getMap(Root.meta).get('schema')).toBeTruthy()
  })
})
