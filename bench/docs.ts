// Builds the documents the scenarios load: stickies as tldraw `note` records stored the way the
// client stores them (one Y.Map per record, one entry per field, in Y.Map('tldraw')).
import * as Y from 'yjs'
import { recordToYMap, Root } from '@sandbox/shared'
import { stickyRecord } from '@sandbox/shared/board'

export function noteRecord(id: string, x: number, y: number, text: string, index = 'a1'): Record<string, unknown> {
  return stickyRecord({ id, x, y, text, index })
}

/**
 * Fractional index keys that sort in creation order ("a10001V", "a10002V", …): the integer part
 * "a1", then a fixed-width fraction. The trailing "V" matters: a fraction may not end in "0"
 * ("a0010" is not an index key), and the server's tldraw validators refuse such a sticky.
 */
export const indexKey = (n: number): string => `a1${(n + 1).toString(36).padStart(4, '0')}V`

/** Adds `count` stickies on a grid in one transaction. */
export function addStickies(doc: Y.Doc, count: number, prefix: string, start = 0): void {
  const records = doc.getMap<Y.Map<unknown>>(Root.records)
  doc.transact(() => {
    for (let i = start; i < start + count; i++) {
      const id = `shape:${prefix}${i}`
      records.set(id, recordToYMap(noteRecord(id, (i % 50) * 220, Math.floor(i / 50) * 220, `Idea ${i}`, indexKey(i))))
    }
  })
}

/** A whole board with `count` stickies, as one update (for the peers' memory scenario). */
export function boardUpdate(count: number, prefix = 'n'): Uint8Array {
  const doc = new Y.Doc()
  addStickies(doc, count, prefix)
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}
