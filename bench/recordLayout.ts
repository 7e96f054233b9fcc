// Why tldraw records are stored as one Y.Map per record with one entry per field: the bytes a
// drag puts on the wire, and what the document keeps afterwards, for three layouts.
// Run: node bench/recordLayout.ts
import * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { POSITION_KEY, recordToYMap } from '@sandbox/shared'

const note = {
  id: 'shape:note1', typeName: 'shape', type: 'note', x: 100, y: 100, rotation: 0, index: 'a1', parentId: 'page:page',
  isLocked: false, opacity: 1, meta: {},
  props: {
    color: 'yellow', labelColor: 'black', size: 'm', font: 'draw', fontSizeAdjustment: 0, align: 'middle', verticalAlign: 'middle',
    growY: 0, url: '', scale: 1,
    richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Pair on onboarding docs for new joiners' }] }] },
  },
}

const FRAMES = 120 // two seconds of dragging at 60 frames per second

function measure(name: string, setup: (doc: Y.Doc) => (frame: number) => void) {
  const doc = new Y.Doc()
  const move = setup(doc)
  let bytes = 0
  let messages = 0
  doc.on('update', (u: Uint8Array) => {
    bytes += u.length
    messages += 1
  })
  for (let i = 1; i <= FRAMES; i++) move(i)
  const docBytes = Y.encodeStateAsUpdate(doc).length
  return { layout: name, bytesPerFrame: Math.round(bytes / messages), bytesPerSecond: Math.round((bytes / FRAMES) * 60), docBytesAfter: docBytes }
}

const results = [
  measure('whole record in a Y.Map', (doc) => {
    const map = doc.getMap<unknown>('tldraw')
    map.set(note.id, note)
    return (i) => map.set(note.id, { ...note, x: 100 + i, y: 100 + i })
  }),
  measure('YKeyValue (y-utility)', (doc) => {
    const kv = new YKeyValue<unknown>(doc.getArray('tldraw'))
    kv.set(note.id, note)
    return (i) => kv.set(note.id, { ...note, x: 100 + i, y: 100 + i })
  }),
  measure('per-field Y.Map, x and y apart', (doc) => {
    const map = doc.getMap<Y.Map<unknown>>('tldraw')
    const rec = new Y.Map<unknown>()
    for (const [k, v] of Object.entries(note)) rec.set(k, v)
    map.set(note.id, rec)
    return (i) =>
      doc.transact(() => {
        rec.set('x', 100 + i)
        rec.set('y', 100 + i)
      })
  }),
  measure('per-field Y.Map, x/y joined (Sandbox)', (doc) => {
    const map = doc.getMap<Y.Map<unknown>>('tldraw')
    map.set(note.id, recordToYMap(note))
    const rec = map.get(note.id) as Y.Map<unknown>
    return (i) => rec.set(POSITION_KEY, [100 + i, 100 + i])
  }),
]
console.table(results)
const sandbox = results[3] as (typeof results)[number]
for (const r of results.slice(0, 3)) console.log(`${r.layout}: ${(r.bytesPerSecond / sandbox.bytesPerSecond).toFixed(1)}× the wire bytes and ${(r.docBytesAfter / sandbox.docBytesAfter).toFixed(1)}× the document of Sandbox's layout`)
