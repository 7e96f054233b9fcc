// The groups on the board as the panels show them: each frame with stickies in it, by name, and
// the stickies in no frame. The rules are shared/src/groups.ts; this reads the board for them.
import { useValue, type Editor, type TLShape } from 'tldraw'
import { groupStickies, type BoardFrame, type BoardNote } from '@sandbox/shared'
import type { Sticky } from './stickies.ts'

export interface GroupView {
  /** The frame's shape id: what a vote on the group targets. */
  id: string
  name: string
  stickies: Sticky[]
}

export interface BoardGroups {
  groups: GroupView[]
  ungrouped: Sticky[]
}

const EMPTY: BoardGroups = { groups: [], ungrouped: [] }

const rect = (editor: Editor, shape: TLShape) => {
  const b = editor.getShapePageBounds(shape)
  return b ? { x: b.minX, y: b.minY, w: b.w, h: b.h } : null
}

const signature = (g: BoardGroups): string =>
  JSON.stringify([g.groups.map((x) => [x.id, x.name, x.stickies]), g.ungrouped])

let last: { key: string; value: BoardGroups } = { key: signature(EMPTY), value: EMPTY }

/** Groups and ungrouped stickies, in the order of `stickies` (top to bottom, left to right). */
export function useGroups(editor: Editor | null, stickies: readonly Sticky[]): BoardGroups {
  return useValue(
    'sandbox groups',
    () => {
      if (!editor) return EMPTY
      const frames: BoardFrame[] = []
      for (const shape of editor.getCurrentPageShapes()) {
        if (shape.type !== 'frame') continue
        frames.push({ id: shape.id, name: String((shape.props as { name?: unknown }).name ?? ''), parentId: shape.parentId, bounds: rect(editor, shape) })
      }
      const notes: BoardNote[] = []
      for (const s of stickies) {
        const shape = editor.getShape(s.id as TLShape['id'])
        if (!shape) continue
        const frame = editor.findShapeAncestor(shape, (a) => a.type === 'frame')
        notes.push({ id: s.id, text: s.text, parentId: frame?.id ?? shape.parentId, bounds: rect(editor, shape) })
      }
      const grouping = groupStickies(notes, frames)
      const byId = new Map(stickies.map((s) => [s.id, s]))
      const pick = (ids: readonly string[]) => ids.map((id) => byId.get(id)).filter((s): s is Sticky => s !== undefined)
      const value: BoardGroups = {
        groups: grouping.groups.map((g) => ({ id: g.id, name: g.name, stickies: pick(g.stickyIds) })),
        ungrouped: pick(grouping.ungrouped),
      }
      // Keep the same object while nothing the panels show changed (a drag moves shapes 60×/s).
      const key = signature(value)
      if (key === last.key) return last.value
      last = { key, value }
      return value
    },
    [editor, stickies],
  )
}

/** The one selected frame, if exactly one shape, a frame, is selected (voting on a group). */
export function useSelectedFrame(editor: Editor | null): string | null {
  return useValue(
    'sandbox selected frame',
    () => {
      if (!editor) return null
      const selected = editor.getSelectedShapes()
      return selected.length === 1 && selected[0]?.type === 'frame' ? selected[0].id : null
    },
    [editor],
  )
}

export interface GroupPlacement {
  id: string
  /** Viewport pixels (relative to the canvas' top-left corner). */
  left: number
  top: number
  width: number
  height: number
}

/** Screen rectangles of these frames while in view, following the camera. */
export function useFramePlacements(editor: Editor | null, ids: readonly string[]): GroupPlacement[] {
  return useValue(
    'sandbox group placements',
    () => {
      if (!editor) return []
      const view = editor.getViewportPageBounds()
      const zoom = editor.getZoomLevel()
      const out: GroupPlacement[] = []
      for (const id of ids) {
        const shape = editor.getShape(id as TLShape['id'])
        const bounds = shape ? editor.getShapePageBounds(shape) : undefined
        if (!bounds || !bounds.collides(view)) continue
        const topLeft = editor.pageToViewport({ x: bounds.minX, y: bounds.minY })
        out.push({ id, left: topLeft.x, top: topLeft.y, width: bounds.w * zoom, height: bounds.h * zoom })
      }
      return out
    },
    [editor, ids.join(' ')],
  )
}
