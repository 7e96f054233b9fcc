// Stickies (tldraw note shapes) as the template sees them: id and plain text, plus where each
// one is on screen for the overlay badges. Reactive through tldraw's signals.
import { renderPlaintextFromRichText, useValue, type Editor, type TLNoteShape, type TLShape } from 'tldraw'
import { richTextPlain } from '@sandbox/shared'

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

const texts = new WeakMap<object, string>()

export function stickyText(editor: Editor, shape: TLNoteShape): string {
  const richText = shape.props.richText
  const known = texts.get(richText)
  if (known !== undefined) return known
  let text: string
  try {
    // Read straight from the JSON when it is plain paragraphs (tldraw's renderer builds a TipTap
    // schema per call: 2,000 stickies took seconds on opening a board); anything else goes to it.
    text = (richTextPlain(richText) ?? renderPlaintextFromRichText(editor, richText)).trim()
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
