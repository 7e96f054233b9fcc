// The note geometry whose text rectangle is built only when used: the note's bounds never build
// it, anything that asks for the text's points gets the same answers as the real rectangle.
import { describe, expect, it } from 'vitest'
import { Group2d, Rectangle2d, Vec } from 'tldraw'
import { LazyGeometry2d } from './noteShape.tsx'

function note() {
  let builds = 0
  const real = new Rectangle2d({ x: 40, y: 80, width: 120, height: 40, isFilled: true, isLabel: true, excludeFromShapeBounds: true })
  const label = new LazyGeometry2d(
    () => {
      builds++
      return real
    },
    { isLabel: true, isFilled: true, excludeFromShapeBounds: true },
  )
  const group = new Group2d({ children: [new Rectangle2d({ width: 200, height: 240, isFilled: true }), label] })
  return { group, label, real, builds: () => builds }
}

describe('LazyGeometry2d (a sticky note’s text rectangle)', () => {
  it('is not built for the note’s bounds, which come from the note rectangle alone', () => {
    const { group, label, builds } = note()
    expect(group.bounds.toJson()).toEqual({ x: 0, y: 0, w: 200, h: 240 })
    expect(group.getBoundsVertices()).toHaveLength(4)
    expect(label.isBuilt).toBe(false)
    expect(builds()).toBe(0)
  })

  it('answers like the real rectangle once asked, and builds it once', () => {
    const { label, real, builds } = note()
    const inside = new Vec(100, 100)
    const outside = new Vec(10, 10)
    expect(label.bounds.toJson()).toEqual(real.bounds.toJson())
    expect(label.hitTestPoint(inside)).toBe(true)
    expect(label.hitTestPoint(outside)).toBe(false)
    expect(label.isPointInBounds(inside)).toBe(real.isPointInBounds(inside))
    expect(label.nearestPoint(outside).toJson()).toEqual(real.nearestPoint(outside).toJson())
    expect(label.vertices.map((v) => v.toJson())).toEqual(real.vertices.map((v) => v.toJson()))
    expect(builds()).toBe(1)
  })

  it('is found as the note’s text label, and skipped where labels are filtered out', () => {
    const { group, label } = note()
    expect(group.children.filter((child) => child.isLabel)).toEqual([label])
    expect(group.getVertices({ includeLabels: false, includeInternal: false })).toHaveLength(4)
    expect(label.isBuilt).toBe(false)
  })
})
