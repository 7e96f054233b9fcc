import { describe, expect, it } from 'vitest'
import { adjacentSpots, nearestFreeSpotOffset, spotSearchReach, type NoteFrame, type Point } from './noteSpots.ts'

const sizes = { width: 200, height: 200, margin: 10 }
const inside = (notes: NoteFrame[]) => (p: Point) =>
  notes.some((n) => p.x >= n.x && p.x <= n.x + sizes.width && p.y >= n.y && p.y <= n.y + sizes.height + n.growY)

describe('note spots', () => {
  it('puts the four spots one margin beside the note, the bottom one below its extra height', () => {
    expect(adjacentSpots({ x: 0, y: 0, growY: 50 }, sizes)).toEqual([
      { x: 100, y: -110 },
      { x: 310, y: 100 },
      { x: 100, y: 360 },
      { x: -110, y: 100 },
    ])
  })

  it('snaps a click near a free spot to it, and leaves a click far from every spot alone', () => {
    const notes = [{ x: 0, y: 0, growY: 0 }]
    expect(nearestFreeSpotOffset({ x: 314, y: 97 }, notes, sizes, 10, inside(notes))).toEqual({ x: 4, y: -3 })
    expect(nearestFreeSpotOffset({ x: 330, y: 100 }, notes, sizes, 10, inside(notes))).toBeNull()
  })

  it('skips a spot another note already covers and takes the nearest free one', () => {
    // A second note sits right of the first: the first's right spot is taken, the second's left spot too.
    const notes = [
      { x: 0, y: 0, growY: 0 },
      { x: 210, y: 0, growY: 0 },
    ]
    expect(nearestFreeSpotOffset({ x: 310, y: 100 }, notes, sizes, 10, inside(notes))).toBeNull()
    // Nearest of two free spots within the radius wins.
    const apart = [
      { x: 0, y: 0, growY: 0 },
      { x: 0, y: 430, growY: 0 },
    ]
    expect(nearestFreeSpotOffset({ x: 100, y: 318 }, apart, sizes, 20, inside(apart))).toEqual({ x: 0, y: -2 })
  })

  it('reaches far enough that every spot within the snap radius comes from a note the query finds', () => {
    const reach = spotSearchReach(sizes, 10)
    for (const spot of adjacentSpots({ x: 0, y: 0, growY: 300 }, sizes)) {
      // The distance from the spot to the note's rectangle is within reach, minus the snap radius.
      const dx = Math.max(0 - spot.x, 0, spot.x - sizes.width)
      const dy = Math.max(0 - spot.y, 0, spot.y - (sizes.height + 300))
      expect(Math.max(dx, dy)).toBeLessThanOrEqual(reach - 10)
    }
  })
})
