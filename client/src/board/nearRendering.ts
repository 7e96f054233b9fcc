// Shapes far from the screen are not mounted at all until they first come near it.
//
// tldraw mounts a React component for every shape on the page and hides the ones off screen with
// `display: none`. Each costs its wrapper, an error boundary, two reactors (fonts, transform and
// size), a culling registration and its DOM nodes: on a 2,000-sticky board that was most of the
// time between the canvas appearing and the first sticky added, and 2,000 hidden nodes under the
// canvas while panning. Here the list tldraw renders (`editor.getRenderingShapes()`) keeps only
// the shapes that have been within half a screen of the viewport since the board opened, plus the
// selected and edited ones; a shape once mounted stays mounted, as before, so panning back and
// forth does not mount and unmount the same notes. Nothing else changes: tldraw's store, hit
// testing, selection, the spatial index and keyboard navigation do not read this list.
//
// Only on a big page (NEAR_VIEW_MIN_SHAPES or more): a board a meeting makes by hand mounts all its
// shapes, as tldraw does, and every sticky on it is in the page whatever the camera.
//
// Only for the boards that ask (`renderNearViewOnly(store)`, before <Tldraw> mounts): tldraw reads
// the list while rendering the canvas for the first time, before `onMount` could change anything.
import { Editor, computed, type Computed, type TLShapeId, type TLStore } from 'tldraw'
import { shapesNearView } from './noteShape.tsx'

type RenderingShape = ReturnType<Editor['getRenderingShapes']>[number]

/** The mounted set grown by `wanted`: the same set when nothing new is wanted. */
export function growMounted(mounted: ReadonlySet<TLShapeId>, wanted: Iterable<TLShapeId>): ReadonlySet<TLShapeId> {
  let grown: Set<TLShapeId> | null = null
  for (const id of wanted) {
    if (mounted.has(id) || grown?.has(id)) continue
    grown ??= new Set(mounted)
    grown.add(id)
  }
  return grown ?? mounted
}

/** tldraw's rendering list cut to the mounted shapes, keeping its order and indexes; the previous
 * list when it holds the very same entries (so the canvas does not re-render for nothing). */
export function keepMounted<T extends { id: TLShapeId }>(all: readonly T[], mounted: ReadonlySet<TLShapeId>, previous: readonly T[] | undefined): readonly T[] {
  const kept = all.filter((entry) => mounted.has(entry.id))
  if (previous && previous.length === kept.length && kept.every((entry, i) => entry === previous[i])) return previous
  return kept
}

/** Below this many shapes on the page, tldraw's own list is rendered (mounting them all is cheap). */
export const NEAR_VIEW_MIN_SHAPES = 300

const stores = new WeakSet<TLStore>()
const lists = new WeakMap<Editor, Computed<readonly RenderingShape[]>>()

/** The editor on `store` renders only the shapes near the screen (see above). */
export function renderNearViewOnly(store: TLStore): void {
  stores.add(store)
}

function nearList(editor: Editor, tldrawList: () => RenderingShape[]): Computed<readonly RenderingShape[]> {
  let list = lists.get(editor)
  if (!list) {
    const near = shapesNearView(editor)
    const mounted = computed<ReadonlySet<TLShapeId>>('sandbox mounted shapes', (previous) => {
      const before = previous instanceof Set ? (previous as ReadonlySet<TLShapeId>) : new Set<TLShapeId>()
      let next = growMounted(before, near.get())
      next = growMounted(next, editor.getSelectedShapeIds())
      const editing = editor.getEditingShapeId()
      return editing ? growMounted(next, [editing]) : next
    })
    list = computed<readonly RenderingShape[]>('sandbox rendering shapes', (previous) =>
      keepMounted(tldrawList(), mounted.get(), Array.isArray(previous) ? (previous as readonly RenderingShape[]) : undefined),
    )
    lists.set(editor, list)
  }
  return list
}

const tldrawGetRenderingShapes = Editor.prototype.getRenderingShapes
Editor.prototype.getRenderingShapes = function getRenderingShapes(this: Editor) {
  if (!stores.has(this.store)) return tldrawGetRenderingShapes.call(this)
  if (this.getCurrentPageShapeIds().size < NEAR_VIEW_MIN_SHAPES) return tldrawGetRenderingShapes.call(this)
  return nearList(this, () => tldrawGetRenderingShapes.call(this)).get() as RenderingShape[]
}
