// Stickies inside a frame are never hidden by it. tldraw's frame tool adopts only the shapes a new
// frame encloses entirely (FrameShapeTool.onCreate → getEnclosedShapeIds), and moving or resizing
// a frame over notes adopts none; a frame drawn after the notes is above them, so its fill hides
// every note it only partly covers. After this person draws, moves or resizes a frame (or adds a
// sticky), once the pointer is up:
// - a sticky on the frame's level whose centre is inside the frame becomes its child (tldraw
//   reparenting, so it moves with the frame), nudged fully inside so the frame does not clip it;
// - the frame goes behind its siblings, so a sticky it only overlaps is drawn above its fill.
// Only this person's own edits are handled: every client settles what it did, nobody fights.
import { Box, type Editor, type TLShape, type TLShapeId } from 'tldraw'

const SETTLE_POLL_MS = 150

const isFrame = (shape: TLShape | undefined): boolean => shape?.type === 'frame'
const isNote = (shape: TLShape | undefined): boolean => shape?.type === 'note'

export function enableFrameGrouping(editor: Editor): () => void {
  const dirty = new Set<TLShapeId>()
  let timer: number | null = null

  const schedule = () => {
    if (timer === null) timer = window.setTimeout(settle, SETTLE_POLL_MS)
  }
  const settle = () => {
    timer = null
    // Mid-drag or mid-typing: a frame swept across the board must not pick up every sticky it passes.
    if (editor.inputs.getIsPointing() || editor.getEditingShapeId() !== null) {
      schedule()
      return
    }
    const ids = [...dirty]
    dirty.clear()
    editor.run(() => {
      for (const id of ids) {
        const shape = editor.getShape(id)
        if (isFrame(shape)) settleFrame(editor, shape as TLShape)
        else if (isNote(shape)) settleNote(editor, shape as TLShape)
      }
    })
  }

  const stopCreate = editor.sideEffects.registerAfterCreateHandler('shape', (shape, source) => {
    if (source !== 'user' || !(isFrame(shape) || isNote(shape))) return
    dirty.add(shape.id)
    schedule()
  })
  const stopChange = editor.sideEffects.registerAfterChangeHandler('shape', (prev, next, source) => {
    if (source !== 'user' || !isFrame(next)) return
    const a = prev.props as { w?: number; h?: number }
    const b = next.props as { w?: number; h?: number }
    if (prev.x === next.x && prev.y === next.y && a.w === b.w && a.h === b.h && prev.parentId === next.parentId && prev.rotation === next.rotation) return
    dirty.add(next.id)
    schedule()
  })
  return () => {
    stopCreate()
    stopChange()
    if (timer !== null) window.clearTimeout(timer)
  }
}

/** The notes beside `frame` (same parent) whose centre it covers become its children; it goes behind its siblings. */
function settleFrame(editor: Editor, frame: TLShape): void {
  const bounds = editor.getShapePageBounds(frame)
  if (!bounds) return
  const adopt: TLShapeId[] = []
  for (const id of editor.getSortedChildIdsForParent(frame.parentId)) {
    const note = editor.getShape(id)
    if (!note || !isNote(note) || note.isLocked) continue
    if (fitInside(editor, note, bounds)) adopt.push(note.id)
  }
  if (adopt.length > 0) editor.reparentShapes(adopt, frame.id)
  editor.sendToBack([frame.id])
}

/** A new sticky whose centre lands on a frame beside it joins the smallest such frame. */
function settleNote(editor: Editor, note: TLShape): void {
  const noteBounds = editor.getShapePageBounds(note)
  if (!noteBounds) return
  let best: { frame: TLShape; area: number } | null = null
  for (const id of editor.getSortedChildIdsForParent(note.parentId)) {
    const frame = editor.getShape(id)
    if (!frame || !isFrame(frame)) continue
    const bounds = editor.getShapePageBounds(frame)
    if (!bounds || !bounds.containsPoint(noteBounds.center)) continue
    const area = bounds.w * bounds.h
    if (!best || area < best.area) best = { frame, area }
  }
  if (!best) return
  const frameBounds = editor.getShapePageBounds(best.frame)
  if (frameBounds && fitInside(editor, note, frameBounds)) editor.reparentShapes([note.id], best.frame.id)
}

/**
 * Whether `note`'s centre is inside `bounds` and the note fits in it; if it sticks out, it is
 * moved just enough to be inside (a clipped sticky is a hidden one). Page coordinates.
 */
function fitInside(editor: Editor, note: TLShape, bounds: Box): boolean {
  const own = editor.getShapePageBounds(note)
  if (!own || !bounds.containsPoint(own.center)) return false
  if (own.w > bounds.w || own.h > bounds.h) return false
  const dx = Math.max(0, bounds.minX - own.minX) - Math.max(0, own.maxX - bounds.maxX)
  const dy = Math.max(0, bounds.minY - own.minY) - Math.max(0, own.maxY - bounds.maxY)
  if (dx !== 0 || dy !== 0) {
    const parentTransform = editor.getShapeParentTransform(note)
    const local = parentTransform.clone().invert().applyToPoint({ x: own.minX + dx, y: own.minY + dy })
    const origin = parentTransform.clone().invert().applyToPoint({ x: own.minX, y: own.minY })
    editor.updateShapes([{ id: note.id, type: note.type, x: note.x + (local.x - origin.x), y: note.y + (local.y - origin.y) }])
  }
  return true
}
