// Stickies (tldraw note shapes) as the template sees them: id and plain text, plus where each
// one is on screen for the overlay badges. Reactive through tldraw's signals.
import { renderPlaintextFromRichText, useValue, type Editor, type TLNoteShape, type TLRichText, type TLShape } from 'tldraw'

export interface Sticky {
  id: string
  text: string
}

export interface StickyPlacement {
  id: string
  /** Viewport pixels (relative to the canvas' top-left corner). */
  left: number
  top: number
  width: number
  height: number
}

const isNote = (shape: TLShape): shape is TLNoteShape => shape.type === 'note'

interface RichNode {
  type?: unknown
  text?: unknown
  content?: unknown
  marks?: unknown
}

/**
 * The plain text of a sticky written as paragraphs of text and line breaks (what typing on a note
 * gives), read straight from the JSON, as tldraw's renderer reads it (paragraphs joined by a line
 * break, a hard break is a line break); null for anything else, which goes to tldraw's renderer.
 * tldraw's renderer builds a TipTap schema per call: 2,000 stickies took seconds on opening a board.
 */
export function simplePlainText(richText: TLRichText): string | null {
  const doc = richText as RichNode
  if (doc.type !== 'doc') return null
  if (!Array.isArray(doc.content)) return null
  const paragraphs: string[] = []
  for (const block of doc.content as RichNode[]) {
    if (typeof block !== 'object' || block === null || block.type !== 'paragraph') return null
    let text = ''
    if (block.content !== undefined) {
      if (!Array.isArray(block.content)) return null
      for (const inline of block.content as RichNode[]) {
        if (typeof inline !== 'object' || inline === null) return null
        if (inline.type === 'text' && typeof inline.text === 'string') text += inline.text
        else if (inline.type === 'hardBreak') text += '\n'
        else return null
      }
    }
    paragraphs.push(text)
  }
  return paragraphs.join('\n')
}

const texts = new WeakMap<object, string>()

export function stickyText(editor: Editor, shape: TLNoteShape): string {
  const richText = shape.props.richText
  const known = texts.get(richText)
  if (known !== undefined) return known
  let text: string
  try {
    text = (simplePlainText(richText) ?? renderPlaintextFromRichText(editor, richText)).trim()
  } catch {
    text = ''
  }
  texts.set(richText, text)
  return text
}

const sameStickies = (a: readonly Sticky[], b: readonly Sticky[]): boolean =>
  a.length === b.length && a.every((s, i) => s.id === b[i]?.id && s.text === b[i]?.text)

let lastStickies: Sticky[] = []

/** Every sticky on the current page, top-to-bottom then left-to-right. */
export function useStickies(editor: Editor | null): Sticky[] {
  return useValue(
    'sandbox stickies',
    () => {
      if (!editor) return []
      const notes = editor
        .getCurrentPageShapes()
        .filter(isNote)
        .map((shape) => ({ shape, bounds: editor.getShapePageBounds(shape) }))
        .sort((a, b) => (a.bounds?.minY ?? 0) - (b.bounds?.minY ?? 0) || (a.bounds?.minX ?? 0) - (b.bounds?.minX ?? 0))
        .map(({ shape }) => ({ id: shape.id as string, text: stickyText(editor, shape) }))
      // Keep the same array while nothing the panels show changed (a drag moves shapes 60×/s).
      if (sameStickies(notes, lastStickies)) return lastStickies
      lastStickies = notes
      return notes
    },
    [editor],
  )
}

/** Screen rectangles of the stickies in view, following the camera. */
export function useStickyPlacements(editor: Editor | null): StickyPlacement[] {
  return useValue(
    'sandbox sticky placements',
    () => {
      if (!editor) return []
      const view = editor.getViewportPageBounds()
      const zoom = editor.getZoomLevel()
      // tldraw's spatial index has the shapes in view: a camera move does not walk the whole board.
      const inView: TLNoteShape[] = []
      for (const id of editor.getShapeIdsInsideBounds(view)) {
        const shape = editor.getShape(id)
        if (shape && isNote(shape)) inView.push(shape)
      }
      inView.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : a.id < b.id ? -1 : 1))
      const out: StickyPlacement[] = []
      for (const shape of inView) {
        const bounds = editor.getShapePageBounds(shape)
        if (!bounds || !bounds.collides(view)) continue
        const topLeft = editor.pageToViewport({ x: bounds.minX, y: bounds.minY })
        out.push({ id: shape.id, left: topLeft.x, top: topLeft.y, width: bounds.w * zoom, height: bounds.h * zoom })
      }
      return out
    },
    [editor],
  )
}

/** The one selected sticky, if exactly one sticky is selected. */
export function useSelectedSticky(editor: Editor | null): string | null {
  return useValue(
    'sandbox selected sticky',
    () => {
      if (!editor) return null
      const notes = editor.getSelectedShapes().filter(isNote)
      return notes.length === 1 ? (notes[0]?.id ?? null) : null
    },
    [editor],
  )
}
