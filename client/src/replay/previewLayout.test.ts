import { describe, expect, it } from 'vitest'
import { Root } from '@sandbox/shared'
import { stickyRecord } from '@sandbox/shared/board'
import { entryKey, type Entries } from './ReplayModel.ts'
import { boardPreview, containsBox, fitCamera, followCamera, NOTE_FILLS, notePlacements, toScreen, viewportPageBounds } from './previewLayout.ts'

const recordKey = (id: string) => entryKey(Root.records, id)

function view(...records: Record<string, unknown>[]): Entries {
  const entries: Entries = new Map()
  entries.set(recordKey('document:document'), { id: 'document:document', typeName: 'document' })
  entries.set(recordKey('page:page'), { id: 'page:page', typeName: 'page', name: 'Board', index: 'a1' })
  for (const r of records) entries.set(recordKey(r.id as string), r)
  entries.set(entryKey(Root.session, 'phase'), 'warmup')
  return entries
}

describe('boardPreview: what the first frame draws from a moment', () => {
  it('draws every sticky on the page with its text, colour and place, in tldraw’s drawing order', () => {
    const b = stickyRecord({ id: 'shape:b', x: 300, y: 40, text: 'Second', index: 'a3', color: 'blue' })
    const a = stickyRecord({ id: 'shape:a', x: -100, y: 20, text: 'First\nline two', index: 'a2' })
    const { notes, bounds } = boardPreview(view(b, a))
    expect(notes.map((n) => [n.id, n.x, n.y, n.text, n.fill])).toEqual([
      ['shape:a', -100, 20, 'First\nline two', NOTE_FILLS.yellow],
      ['shape:b', 300, 40, 'Second', NOTE_FILLS.blue],
    ])
    expect(notes[0]).toMatchObject({ w: 200, h: 200, scale: 1, fontSize: 22, justify: 'center', alignItems: 'center', textAlign: 'center' })
    // tldraw's page bounds: both notes' rectangles.
    expect(bounds).toEqual({ x: -100, y: 20, w: 600, h: 220 })
  })

  it('an empty board draws nothing and has no bounds; records that are not shapes are left out', () => {
    expect(boardPreview(view())).toEqual({ notes: [], bounds: null })
  })

  it('sizes a grown or scaled sticky as tldraw does, and its label by size and font adjustment', () => {
    const grown = stickyRecord({ id: 'shape:g', x: 0, y: 0, text: 'Long', index: 'a2' })
    grown.props = { ...(grown.props as object), growY: 60, scale: 2, size: 'l', fontSizeAdjustment: 0.5, align: 'start', verticalAlign: 'end' }
    const { notes, bounds } = boardPreview(view(grown))
    expect(notes[0]).toMatchObject({ w: 200, h: 260, scale: 2, fontSize: 16 * 1.625 * 0.5, justify: 'flex-start', textAlign: 'left', alignItems: 'flex-end' })
    expect(bounds).toEqual({ x: 0, y: 0, w: 400, h: 520 })
  })

  it('places a sticky inside a frame by the frame’s position, and counts other shapes in the bounds', () => {
    const frame = { id: 'shape:frame', typeName: 'shape', type: 'frame', x: 1000, y: 500, rotation: 0, index: 'a1', parentId: 'page:page', props: { w: 800, h: 600 } }
    const inner = stickyRecord({ id: 'shape:in', x: 50, y: 60, text: 'Inside', index: 'a1', parentId: 'shape:frame' })
    const orphan = stickyRecord({ id: 'shape:lost', x: 0, y: 0, text: 'No parent', index: 'a2', parentId: 'shape:gone' })
    const { notes, bounds } = boardPreview(view(frame, inner, orphan))
    expect(notes.map((n) => [n.id, n.x, n.y])).toEqual([['shape:in', 1050, 560]])
    expect(bounds).toEqual({ x: 1000, y: 500, w: 800, h: 600 })
  })

  it('bounds a rotated sticky by its rotated corners', () => {
    const turned = { ...stickyRecord({ id: 'shape:r', x: 0, y: 0, text: 'Turned', index: 'a2' }), rotation: Math.PI / 2 }
    const { notes, bounds } = boardPreview(view(turned))
    expect(notes[0]?.rotation).toBeCloseTo(Math.PI / 2)
    expect(bounds?.x).toBeCloseTo(-200)
    expect(bounds?.y).toBeCloseTo(0)
    expect(bounds?.w).toBeCloseTo(200)
    expect(bounds?.h).toBeCloseTo(200)
  })

  it('reads text that is not plain paragraphs as no text rather than failing', () => {
    const odd = stickyRecord({ id: 'shape:o', text: 'x', index: 'a2' })
    odd.props = { ...(odd.props as object), richText: { type: 'doc', content: [{ type: 'bulletList', content: [] }] }, color: 'no-such-colour' }
    expect(boardPreview(view(odd)).notes[0]).toMatchObject({ text: '', fill: NOTE_FILLS.yellow })
  })
})

describe('the camera: tldraw’s zoomToBounds(bounds, { inset: 120, targetZoom: 1 })', () => {
  const viewport = { w: 1000, h: 600 }

  it('centres a small board at 100%', () => {
    const camera = fitCamera({ x: 100, y: 200, w: 200, h: 200 }, viewport)
    expect(camera.z).toBe(1)
    // The board's centre lands on the viewport's centre.
    expect(toScreen(camera, 200, 300)).toEqual({ x: 500, y: 300 })
  })

  it('zooms out to fit a large board inside the inset, centred', () => {
    const bounds = { x: 0, y: 0, w: 4000, h: 3000 }
    const camera = fitCamera(bounds, viewport)
    expect(camera.z).toBeCloseTo((600 - 120) / 3000)
    const topLeft = toScreen(camera, 0, 0)
    const bottomRight = toScreen(camera, 4000, 3000)
    expect(topLeft.y).toBeCloseTo(60)
    expect(bottomRight.y).toBeCloseTo(540)
    expect((topLeft.x + bottomRight.x) / 2).toBeCloseTo(500)
  })

  it('never zooms out past tldraw’s smallest step', () => {
    expect(fitCamera({ x: 0, y: 0, w: 1e6, h: 1e6 }, viewport).z).toBe(0.05)
  })

  it('follows as the canvas does: keeps its camera while the board stays strictly inside the view, refits when it grows out', () => {
    const first = followCamera(null, { x: 0, y: 0, w: 200, h: 200 }, viewport)
    expect(first).toEqual(fitCamera({ x: 0, y: 0, w: 200, h: 200 }, viewport))
    // A second sticky still in view: the camera stays.
    expect(followCamera(first, { x: 0, y: 0, w: 420, h: 200 }, viewport)).toBe(first)
    // One far away: refit around everything.
    const grown = { x: 0, y: 0, w: 3000, h: 200 }
    const next = followCamera(first, grown, viewport)
    expect(next).toEqual(fitCamera(grown, viewport))
    expect(containsBox(viewportPageBounds(next as NonNullable<typeof next>, viewport), grown)).toBe(true)
    // No board: nothing to fit.
    expect(followCamera(null, null, viewport)).toBeNull()
  })
})

describe('notePlacements: where the badges go', () => {
  it('gives the screen box of each sticky in view, none for those out of it', () => {
    const near = stickyRecord({ id: 'shape:near', x: 0, y: 0, text: 'Near', index: 'a2' })
    const far = stickyRecord({ id: 'shape:far', x: 5000, y: 0, text: 'Far', index: 'a3' })
    const { notes } = boardPreview(view(near, far))
    const camera = { x: 100, y: 50, z: 0.5 }
    expect(notePlacements(notes, camera, { w: 800, h: 600 })).toEqual([{ id: 'shape:near', left: 50, top: 25, width: 100, height: 100 }])
  })
})
