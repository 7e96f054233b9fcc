// tldraw's note tool, with the search for a free spot beside an existing note (where a new sticky
// snaps when someone clicks just next to one) done over the notes near the click instead of the
// whole page (noteSpots.ts says why). Everything else is tldraw's: the press creates the note where
// the person clicked, a drag moves it, the release opens it for typing.
import { Box, NoteShapeTool, NoteShapeUtil, createShapeId, getDisplayValues, type Editor, type TLNoteShape, type TLStateNodeConstructor } from 'tldraw'
import { nearestFreeSpotOffset, spotSearchReach, type NoteFrame, type NoteSpotSizes } from './noteSpots.ts'

/** tldraw's snap radius for a note's adjacent spots, in screen pixels (NOTE_ADJACENT_POSITION_SNAP_RADIUS). */
const SNAP_RADIUS_PX = 10

/** Offset from the nearest free spot beside a note to `click` (page units), or null. */
export function noteSpotOffset(editor: Editor, click: { x: number; y: number }): { x: number; y: number } | null {
  const util = editor.getShapeUtil<NoteShapeUtil>('note')
  const dv = getDisplayValues(util, { props: util.getDefaultProps() } as TLNoteShape)
  const scale = editor.getResizeScaleFactor()
  const sizes: NoteSpotSizes = { width: dv.noteWidth * scale, height: dv.noteHeight * scale, margin: editor.options.adjacentShapeMargin * scale }
  const snapRadius = SNAP_RADIUS_PX / editor.getZoomLevel()
  const reach = spotSearchReach(sizes, snapRadius)
  // As tldraw's: notes of the same scale, not rotated on the page.
  const near: { shape: TLNoteShape; frame: NoteFrame }[] = []
  for (const id of editor.getShapeIdsInsideBounds(new Box(click.x - reach, click.y - reach, reach * 2, reach * 2))) {
    const shape = editor.getShape(id)
    if (!shape || !editor.isShapeOfType<TLNoteShape>(shape, 'note') || shape.props.scale !== scale) continue
    const transform = editor.getShapePageTransform(id)
    if (transform.rotation() !== 0) continue
    const corner = transform.point()
    near.push({ shape, frame: { x: corner.x, y: corner.y, growY: shape.props.growY * shape.props.scale } })
  }
  return nearestFreeSpotOffset(
    click,
    near.map((n) => n.frame),
    sizes,
    snapRadius,
    (spot) => near.some(({ shape }) => editor.getShapePageBounds(shape)?.containsPoint(spot) === true && editor.isPointInShape(shape, spot)),
  )
}

/** The fields of tldraw's note tool `pointing` state that its press sets up. */
interface NotePointingState {
  editor: Editor
  hasCreatedShape: boolean
  shapeId: TLNoteShape['id']
  markId: string
  shapeCenter: { x: number; y: number; sub(v: { x: number; y: number }): unknown }
  ensureShapeCreated(): void
}

const [TldrawNoteIdle, TldrawNotePointing] = NoteShapeTool.children() as [TLStateNodeConstructor, TLStateNodeConstructor]

class NearbyNotePointing extends (TldrawNotePointing as unknown as new (...args: ConstructorParameters<TLStateNodeConstructor>) => NotePointingState) {
  static id = 'pointing'

  onEnter(): void {
    const { editor } = this
    this.hasCreatedShape = false
    this.shapeId = createShapeId() as TLNoteShape['id']
    this.markId = editor.markHistoryStoppingPoint(`creating_note:${this.shapeId}`)
    const center = editor.inputs.getOriginPagePoint().clone()
    const offset = noteSpotOffset(editor, center)
    if (offset) center.sub(offset)
    this.shapeCenter = center
    // On touch screens tldraw creates the note on release or drag (a long press cancels it).
    if (!editor.getInstanceState().isCoarsePointer) this.ensureShapeCreated()
  }
}

export class NearbyNoteShapeTool extends NoteShapeTool {
  static override children(): TLStateNodeConstructor[] {
    return [TldrawNoteIdle, NearbyNotePointing as unknown as TLStateNodeConstructor]
  }
}
