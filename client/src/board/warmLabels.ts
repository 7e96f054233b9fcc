// A sticky's text is turned into HTML by tldraw the first time the note is drawn, through a text
// schema it builds on every call (2–3 ms a note). Notes are mounted as they come near the screen
// (nearRendering.ts), so panning over a big board paid that for every note it reached, in the
// middle of the gesture. Here, while the page is idle and the camera still, the HTML of the notes
// within a screen and a half of the view is made ahead, a few notes at a time, into tldraw's own
// cache (keyed by the text object, so a note whose text changes is simply made again when drawn).
import { react, renderHtmlFromRichText, type Editor, type TLNoteShape, type TLShapeId } from 'tldraw'

/** Notes per idle slice at most; each slice also stops when the browser's idle time runs out. */
const SLICE = 12
/** How far around the view to look, in screens (the view's larger side). */
const REACH_SCREENS = 1.5
/** Not while the board is opening: the first click (adding a sticky) comes first. */
const START_AFTER_MS = 2_000

type Idle = (run: (deadline: { timeRemaining(): number }) => void) => number
const hasIdleCallbacks = typeof requestIdleCallback === 'function'
const requestIdle: Idle = hasIdleCallbacks
  ? (run) => requestIdleCallback(run)
  : (run) => window.setTimeout(() => run({ timeRemaining: () => 8 }), 200)
const cancelIdle = (handle: number) => (hasIdleCallbacks ? cancelIdleCallback(handle) : window.clearTimeout(handle))

/** Ids around the view whose HTML is not made yet, nearest the view's centre first. */
export function nextToWarm<T>(candidates: readonly { id: T; distance: number }[], done: ReadonlySet<T>, limit: number): T[] {
  return candidates
    .filter((c) => !done.has(c.id))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit)
    .map((c) => c.id)
}

/** Starts warming; returns the function that stops it. */
export function warmNoteLabels(editor: Editor): () => void {
  const warmed = new Set<TLShapeId>()
  let handle: number | null = null
  let stopped = false
  let started = false

  const slice = (deadline: { timeRemaining(): number }) => {
    handle = null
    if (stopped || editor.isDisposed) return
    if (editor.getCameraState() === 'moving') return // the camera reactor below starts again when it settles
    const view = editor.getViewportPageBounds()
    const reach = Math.max(view.w, view.h) * REACH_SCREENS
    const centre = view.center
    const around: { id: TLShapeId; distance: number }[] = []
    for (const id of editor.getShapeIdsInsideBounds(view.clone().expandBy(reach))) {
      if (warmed.has(id)) continue
      const bounds = editor.getShapePageBounds(id)
      if (bounds) around.push({ id, distance: Math.hypot(bounds.center.x - centre.x, bounds.center.y - centre.y) })
    }
    const next = nextToWarm(around, warmed, SLICE)
    if (next.length === 0) return
    for (const id of next) {
      if (deadline.timeRemaining() <= 1) break
      warmed.add(id)
      const shape = editor.getShape(id)
      if (!shape || !editor.isShapeOfType<TLNoteShape>(shape, 'note')) continue
      try {
        renderHtmlFromRichText(editor, shape.props.richText)
      } catch {
        // tldraw reports text it cannot render when it draws the note; nothing to do ahead of it.
      }
    }
    handle = requestIdle(slice)
  }

  // Start (again) whenever the camera comes to rest somewhere.
  const stopReacting = react('sandbox warm note labels', () => {
    if (editor.getCameraState() !== 'idle') return
    editor.getViewportPageBounds()
    if (handle === null && !stopped && started) handle = requestIdle(slice)
  })
  const startTimer = window.setTimeout(() => {
    started = true
    if (handle === null && !stopped) handle = requestIdle(slice)
  }, START_AFTER_MS)

  return () => {
    stopped = true
    window.clearTimeout(startTimer)
    stopReacting()
    if (handle !== null) cancelIdle(handle)
  }
}
