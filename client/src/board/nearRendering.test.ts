// The list of shapes the canvas mounts: it only grows (a note mounted once stays mounted), keeps
// tldraw's order and entries, and stays the same list while nothing in it changed.
import { describe, expect, it } from 'vitest'
import type { TLShapeId } from 'tldraw'
import { growMounted, keepMounted } from './nearRendering.ts'

const id = (n: number) => `shape:${n}` as TLShapeId
const entry = (n: number) => ({ id: id(n), index: n })

describe('shapes mounted near the screen', () => {
  it('grows by the shapes newly wanted and is the same set when none are new', () => {
    const start: ReadonlySet<TLShapeId> = new Set([id(1), id(2)])
    expect(growMounted(start, [id(2), id(1)])).toBe(start)
    const grown = growMounted(start, [id(2), id(3)])
    expect([...grown]).toEqual([id(1), id(2), id(3)])
    // A shape that left the screen stays mounted.
    expect(growMounted(grown, [id(3)])).toBe(grown)
  })

  it('keeps tldraw’s order and entries for the mounted shapes only', () => {
    const all = [entry(1), entry(2), entry(3), entry(4)]
    const kept = keepMounted(all, new Set([id(4), id(2)]), undefined)
    expect(kept).toEqual([all[1], all[3]])
    expect(kept[0]).toBe(all[1])
  })

  it('returns the previous list while it holds the very same entries, a new one otherwise', () => {
    const all = [entry(1), entry(2), entry(3)]
    const mounted = new Set([id(1), id(3)])
    const first = keepMounted(all, mounted, undefined)
    expect(keepMounted([...all], mounted, first)).toBe(first)
    // tldraw gives a new entry when a shape changes (moved, restyled): the canvas must see it.
    const moved = [all[0] as ReturnType<typeof entry>, all[1] as ReturnType<typeof entry>, { ...entry(3) }]
    expect(keepMounted(moved, mounted, first)).not.toBe(first)
  })
})
