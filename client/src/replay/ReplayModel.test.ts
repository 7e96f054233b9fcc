import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { recordToYMap, Root } from '@sandbox/shared'
import { stickyRecord } from '@sandbox/shared/board'
import { entryKey, isActivity, ReplayModel } from './ReplayModel.ts'
import type { FeedUpdate } from './replayApi.ts'

/** Records each change to `doc` as a feed update at the given moment. */
function recorder(doc: Y.Doc) {
  const feed: FeedUpdate[] = []
  let at = 0
  doc.on('update', (update: Uint8Array) => feed.push({ seq: feed.length + 1, at, author: null, update }))
  return {
    feed,
    at(moment: number, change: () => void) {
      at = moment
      doc.transact(change)
    },
  }
}

function session() {
  const doc = new Y.Doc()
  const log = recorder(doc)
  const records = doc.getMap<Y.Map<unknown>>(Root.records)
  log.at(1_000, () => {
    records.set('document:document', recordToYMap({ id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} }))
    doc.getMap(Root.session).set('phase', 'warmup')
  })
  log.at(2_000, () => doc.getMap(Root.participants).set('p1', { id: 'p1', name: 'Host' }))
  log.at(5_000, () => records.set('shape:a', recordToYMap(stickyRecord({ id: 'shape:a', text: 'First idea' }))))
  log.at(6_000, () => records.set('shape:b', recordToYMap(stickyRecord({ id: 'shape:b', text: 'Second idea' }))))
  log.at(7_000, () => doc.getMap(Root.session).set('phase', 'frame'))
  return log.feed
}

const load = (feed: FeedUpdate[]): ReplayModel => {
  const model = new ReplayModel()
  model.enqueue(feed, true)
  while (model.queuedCount > 0) model.pump(50)
  return model
}

describe('ReplayModel', () => {
  it('knows when something first appeared on the board: the first sticky, not the seeding or a join', () => {
    const model = load(session())
    expect(model.firstBoardActivityAt).toBe(5_000)
    expect(model.firstActivityAt).toBe(5_000)
  })

  it('a phase move before any sticky is activity, but not on the board', () => {
    const feed = session()
    const moved = load([...feed.slice(0, 2), { ...feed[4]!, at: 3_000 }, ...feed.slice(2, 4)])
    expect(moved.firstActivityAt).toBe(3_000)
    expect(moved.firstBoardActivityAt).toBe(5_000)
  })

  it('has no first activity for a session where nobody did anything', () => {
    const model = load(session().slice(0, 2))
    expect(model.firstActivityAt).toBeNull()
    expect(model.firstBoardActivityAt).toBeNull()
  })

  it('seeks forward and back to the state of any moment', () => {
    const model = load(session())
    const notes = () => [...model.view.keys()].filter((k) => k.startsWith(entryKey(Root.records, 'shape:')))
    model.seek(model.countAt(5_500))
    expect(notes()).toEqual([entryKey(Root.records, 'shape:a')])
    model.seek(model.countAt(9_000))
    expect(notes()).toHaveLength(2)
    expect(model.view.get(entryKey(Root.session, 'phase'))).toBe('frame')
    model.seek(model.countAt(1_500))
    expect(notes()).toEqual([])
    expect(model.view.get(entryKey(Root.session, 'phase'))).toBe('warmup')
  })

  it('counts phase moves, tasks and votes as activity, but not the first phase being set', () => {
    const phase = entryKey(Root.session, 'phase')
    expect(isActivity({ key: phase, before: undefined, after: 'warmup' })).toBe(false)
    expect(isActivity({ key: phase, before: 'warmup', after: 'frame' })).toBe(true)
    expect(isActivity({ key: entryKey(Root.votes, 'p1|shape:a'), before: undefined, after: 1 })).toBe(true)
    expect(isActivity({ key: entryKey(Root.records, 'page:page'), before: undefined, after: { typeName: 'page' } })).toBe(false)
  })
})

describe('ReplayModel keyframes', () => {
  it('a jump that starts from a keyframe replaces the view, and reports every key that differs', () => {
    const doc = new Y.Doc()
    const log = recorder(doc)
    const records = doc.getMap<Y.Map<unknown>>(Root.records)
    log.at(1, () => records.set('shape:a', recordToYMap(stickyRecord({ id: 'shape:a', text: 'Kept' }))))
    for (let i = 0; i < 600; i++) log.at(10 + i, () => doc.getMap(Root.session).set('warmupIndex', i))
    const model = load(log.feed)
    model.seek(model.loadedCount)
    const before = model.view
    const changed = model.seek(0)
    expect(model.view).not.toBe(before)
    expect(changed.has(entryKey(Root.records, 'shape:a'))).toBe(true)
    expect(model.view.has(entryKey(Root.records, 'shape:a'))).toBe(false)
  })
})
