// What the replay's first frame draws before tldraw has loaded (ReplayPreview.tsx): the stickies
// of one moment, read from the replay's entries, and the camera tldraw will use once its canvas
// is up. Pure, and free of tldraw: this module is in the page's first chunk, tldraw is not.
//
// The figures are tldraw 5's, so the canvas replaces the preview without a visible jump:
// - a note is 200 × (200 + growY) page units times its `scale` (NoteShapeUtil's display values);
// - its label: 16 px × LABEL_FONT_SIZES[size] × fontSizeAdjustment, line height 1.35, 16 px
//   padding, in the "draw" font; light theme colours (the board pins the light colour scheme);
// - the camera: what `editor.zoomToBounds(pageBounds, { inset: 120, targetZoom: 1 })` sets, the
//   fit ReplayCanvas applies on its first frame (zoom clamped to tldraw's zoom steps, 0.05–8).
import { DEFAULT_PAGE_ID, richTextPlain } from '@sandbox/shared'
import type { StickyPlacement } from '../session/stickies.ts'
import { RECORD_PREFIX, type Entries } from './ReplayModel.ts'

export interface Box {
  x: number
  y: number
  w: number
  h: number
}

/** tldraw's camera: a page point p is drawn at (p + (x, y)) × z screen pixels. */
export interface Camera {
  x: number
  y: number
  z: number
}

export interface PreviewNote {
  id: string
  /** Its page bounds (rotated, the box around it), as tldraw's `getShapePageBounds`. */
  bounds: Box
  /** The note's top-left corner on the page, and its rotation there (radians, about that corner). */
  x: number
  y: number
  rotation: number
  /** Unscaled size (the label is laid out at this size, then the whole note scaled). */
  w: number
  h: number
  scale: number
  fill: string
  textColor: string
  text: string
  fontSize: number
  /** CSS values for the label's flex box. */
  justify: 'flex-start' | 'center' | 'flex-end'
  alignItems: 'flex-start' | 'center' | 'flex-end'
  textAlign: 'left' | 'center' | 'right'
}

export const NOTE_SIZE = 200
export const NOTE_LABEL_PADDING = 16
export const NOTE_LINE_HEIGHT = 1.35
const BASE_FONT_SIZE = 16
const LABEL_FONT_SIZES: Record<string, number> = { s: 1.125, m: 1.375, l: 1.625, xl: 2 }
/** The canvas' background in tldraw's light theme. */
export const CANVAS_BACKGROUND = 'hsl(210, 20%, 98%)'
/** The replay's fit (ReplayCanvas.tsx): clear of tldraw's controls and of the badges. */
export const FIT_INSET = 120
const ZOOM_MIN = 0.05
const ZOOM_MAX = 8

/** tldraw's light-theme note fills, by colour style. */
export const NOTE_FILLS: Readonly<Record<string, string>> = {
  black: '#FCE19C',
  blue: '#8AA3FF',
  green: '#6FC896',
  grey: '#C0CAD3',
  'light-blue': '#9BC4FD',
  'light-green': '#98D08A',
  'light-red': '#F7A5A1',
  'light-violet': '#DFB0F9',
  orange: '#FAA475',
  red: '#FC8282',
  violet: '#DB91FD',
  yellow: '#FED49A',
  white: '#FFFFFF',
}

const HORIZONTAL: Record<string, Pick<PreviewNote, 'justify' | 'textAlign'>> = {
  start: { justify: 'flex-start', textAlign: 'left' },
  'start-legacy': { justify: 'flex-start', textAlign: 'left' },
  middle: { justify: 'center', textAlign: 'center' },
  'middle-legacy': { justify: 'center', textAlign: 'center' },
  end: { justify: 'flex-end', textAlign: 'right' },
  'end-legacy': { justify: 'flex-end', textAlign: 'right' },
}
const VERTICAL: Record<string, PreviewNote['alignItems']> = { start: 'flex-start', middle: 'center', end: 'flex-end' }

interface ShapeLike {
  id: string
  type: string
  x: number
  y: number
  rotation: number
  parentId: string
  index: string
  props: Record<string, unknown>
}

const num = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback)
const str = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback)

function readShape(value: unknown): ShapeLike | null {
  const v = value as Record<string, unknown> | null | undefined
  if (typeof v !== 'object' || v === null || v.typeName !== 'shape' || typeof v.id !== 'string' || typeof v.type !== 'string') return null
  const props = typeof v.props === 'object' && v.props !== null ? (v.props as Record<string, unknown>) : {}
  return { id: v.id, type: v.type, x: num(v.x, 0), y: num(v.y, 0), rotation: num(v.rotation, 0), parentId: str(v.parentId, ''), index: str(v.index, ''), props }
}

/** A shape's size in its own frame: notes as tldraw draws them, others by their `w`/`h` props (0 when they have none). */
function localSize(shape: ShapeLike): { w: number; h: number } {
  if (shape.type === 'note') {
    const scale = num(shape.props.scale, 1)
    return { w: NOTE_SIZE * scale, h: (NOTE_SIZE + num(shape.props.growY, 0)) * scale }
  }
  return { w: Math.max(0, num(shape.props.w, 0)), h: Math.max(0, num(shape.props.h, 0)) }
}

interface PagePlacement {
  x: number
  y: number
  rotation: number
}

/** The shapes of one moment, with where each sits on the page (through its parents), in drawing order. */
function placeShapes(view: Entries): { shape: ShapeLike; at: PagePlacement }[] {
  const shapes = new Map<string, ShapeLike>()
  for (const [key, value] of view) {
    if (!key.startsWith(RECORD_PREFIX)) continue
    const shape = readShape(value)
    if (shape) shapes.set(shape.id, shape)
  }
  const placed = new Map<string, PagePlacement | null>()
  const place = (shape: ShapeLike, depth: number): PagePlacement | null => {
    const known = placed.get(shape.id)
    if (known !== undefined) return known
    let at: PagePlacement | null = null
    if (shape.parentId === DEFAULT_PAGE_ID) at = { x: shape.x, y: shape.y, rotation: shape.rotation }
    else {
      const parent = shapes.get(shape.parentId)
      const p = parent && depth < 32 ? place(parent, depth + 1) : null
      if (p) {
        const cos = Math.cos(p.rotation)
        const sin = Math.sin(p.rotation)
        at = { x: p.x + shape.x * cos - shape.y * sin, y: p.y + shape.x * sin + shape.y * cos, rotation: p.rotation + shape.rotation }
      }
    }
    placed.set(shape.id, at)
    return at
  }
  const out: { shape: ShapeLike; at: PagePlacement }[] = []
  for (const shape of shapes.values()) {
    const at = place(shape, 0)
    if (at) out.push({ shape, at })
  }
  // tldraw draws siblings by fractional index; notes sit on the page, so this orders them as it does.
  return out.sort((a, b) => (a.shape.index < b.shape.index ? -1 : a.shape.index > b.shape.index ? 1 : a.shape.id < b.shape.id ? -1 : 1))
}

/** The axis-aligned box of a w × h rectangle placed at `at` (rotated about its top-left corner). */
function pageBox(at: PagePlacement, w: number, h: number): Box {
  if (at.rotation === 0) return { x: at.x, y: at.y, w, h }
  const cos = Math.cos(at.rotation)
  const sin = Math.sin(at.rotation)
  const xs = [0, w * cos, w * cos - h * sin, -h * sin].map((dx) => at.x + dx)
  const ys = [0, w * sin, w * sin + h * cos, h * cos].map((dy) => at.y + dy)
  const x = Math.min(...xs)
  const y = Math.min(...ys)
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y }
}

export function unionBoxes(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const b of boxes) {
    minX = Math.min(minX, b.x)
    minY = Math.min(minY, b.y)
    maxX = Math.max(maxX, b.x + b.w)
    maxY = Math.max(maxY, b.y + b.h)
  }
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY }
}

export interface BoardPreview {
  /** The stickies, in drawing order. */
  notes: PreviewNote[]
  /** Every shape's page bounds together (tldraw's `getCurrentPageBounds`), or null for an empty board. */
  bounds: Box | null
}

/** The board of one moment as the preview draws it. */
export function boardPreview(view: Entries): BoardPreview {
  const notes: PreviewNote[] = []
  const boxes: Box[] = []
  for (const { shape, at } of placeShapes(view)) {
    const size = localSize(shape)
    const box = pageBox(at, size.w, size.h)
    boxes.push(box)
    if (shape.type !== 'note') continue
    const p = shape.props
    const scale = num(p.scale, 1)
    const color = str(p.color, 'yellow')
    const horizontal = HORIZONTAL[str(p.align, 'middle')] ?? { justify: 'center', textAlign: 'center' }
    notes.push({
      id: shape.id,
      bounds: box,
      x: at.x,
      y: at.y,
      rotation: at.rotation,
      w: NOTE_SIZE,
      h: NOTE_SIZE + num(p.growY, 0),
      scale,
      fill: NOTE_FILLS[color] ?? (NOTE_FILLS.yellow as string),
      // Every light-theme note text colour is black; a label colour other than black is not drawn here.
      textColor: '#000000',
      text: (richTextPlain(p.richText) ?? '').trim(),
      fontSize: BASE_FONT_SIZE * (LABEL_FONT_SIZES[str(p.size, 'm')] ?? 1.375) * num(p.fontSizeAdjustment, 1),
      ...horizontal,
      alignItems: VERTICAL[str(p.verticalAlign, 'middle')] ?? 'center',
    })
  }
  return { notes, bounds: unionBoxes(boxes) }
}

/** tldraw's `zoomToBounds(bounds, { inset, targetZoom })` in a viewport of `viewport` screen pixels. */
export function fitCamera(bounds: Box, viewport: { w: number; h: number }, inset = FIT_INSET, targetZoom = 1): Camera {
  const fit = Math.min((viewport.w - inset) / bounds.w, (viewport.h - inset) / bounds.h)
  let z = Math.min(Math.max(Number.isFinite(fit) ? fit : ZOOM_MAX, ZOOM_MIN), ZOOM_MAX)
  z = Math.min(targetZoom, z)
  return { x: -bounds.x + (viewport.w - bounds.w * z) / 2 / z, y: -bounds.y + (viewport.h - bounds.h * z) / 2 / z, z }
}

/** Where a page point is drawn, in screen pixels from the viewport's top-left corner. */
export const toScreen = (camera: Camera, x: number, y: number): { x: number; y: number } => ({ x: (x + camera.x) * camera.z, y: (y + camera.y) * camera.z })

/** The page area a camera shows in a viewport. */
export const viewportPageBounds = (camera: Camera, viewport: { w: number; h: number }): Box => ({ x: -camera.x, y: -camera.y, w: viewport.w / camera.z, h: viewport.h / camera.z })

/** Strictly inside, as tldraw's `Box.contains`. */
export const containsBox = (outer: Box, inner: Box): boolean =>
  inner.x > outer.x && inner.y > outer.y && inner.x + inner.w < outer.x + outer.w && inner.y + inner.h < outer.y + outer.h

/**
 * The camera for the next frame, by the canvas' rule (ReplayCanvas.tsx): fit the board when
 * there is no camera yet or some of it would be out of view, else keep the camera.
 */
export function followCamera(previous: Camera | null, bounds: Box | null, viewport: { w: number; h: number }): Camera | null {
  if (!bounds) return previous
  if (previous && containsBox(viewportPageBounds(previous, viewport), bounds)) return previous
  return fitCamera(bounds, viewport)
}

const collides = (a: Box, b: Box): boolean => a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h

/**
 * Where the stickies in view are drawn, in pixels from the viewport's top-left corner (for the
 * badges over them): as session/stickies.ts's `useStickyPlacements` reads them from tldraw.
 */
export function notePlacements(notes: readonly PreviewNote[], camera: Camera, viewport: { w: number; h: number }): StickyPlacement[] {
  const view = viewportPageBounds(camera, viewport)
  const out: StickyPlacement[] = []
  for (const n of notes) {
    if (!collides(n.bounds, view)) continue
    const topLeft = toScreen(camera, n.bounds.x, n.bounds.y)
    out.push({ id: n.id, left: topLeft.x, top: topLeft.y, width: n.bounds.w * camera.z, height: n.bounds.h * camera.z })
  }
  return out
}
