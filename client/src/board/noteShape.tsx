// tldraw's sticky note, with its text measured only when something asks where the text is.
//
// tldraw's note geometry is the note's rectangle plus a rectangle around its text, and it measures
// the text in the DOM (`measureHtml`) to build the second one. The editor asks every shape's
// geometry as the board opens (culling, the spatial index behind the first click), so a board of
// 2,000 stickies measured 2,000 texts before anyone could add one. The note's own rectangle needs
// no measurement: its height is stored on the record (`growY`, kept up to date by tldraw whenever
// the text changes). Here the text's rectangle is measured the first time it is used (clicking into
// the text of a selected sticky, hit-testing a sticky under the pointer) and never before.
//
// A note far from the screen is not mounted at all until it first comes near (nearRendering.ts,
// with `shapesNearView` below).
import {
  Geometry2d,
  Group2d,
  NoteShapeUtil,
  Rectangle2d,
  computed,
  getDisplayValues,
  type Computed,
  type Editor,
  type Geometry2dFilters,
  type TLNoteShape,
  type TLShapeId,
  type Vec,
  type VecLike,
} from 'tldraw'

/** A geometry that builds the real one the first time any of its points are needed. */
export class LazyGeometry2d extends Geometry2d {
  private built: Geometry2d | null = null
  private readonly build: () => Geometry2d

  constructor(build: () => Geometry2d, flags: { isLabel?: boolean; isFilled: boolean; excludeFromShapeBounds?: boolean }) {
    super({ isClosed: true, ...flags })
    this.build = build
  }

  /** Whether the real geometry has been built yet (tests). */
  get isBuilt(): boolean {
    return this.built !== null
  }

  private get real(): Geometry2d {
    this.built ??= this.build()
    return this.built
  }

  getVertices(filters: Geometry2dFilters): Vec[] {
    return this.real.getVertices(filters)
  }

  nearestPoint(point: VecLike, filters?: Geometry2dFilters): Vec {
    return this.real.nearestPoint(point, filters)
  }

  override getBoundsVertices(): Vec[] {
    // Like tldraw's own: a geometry left out of the shape's bounds gives none, unbuilt.
    return this.excludeFromShapeBounds ? [] : this.real.getBoundsVertices()
  }

  override getBounds() {
    return this.real.getBounds()
  }

  override getSvgPathData(first: boolean): string {
    return this.real.getSvgPathData(first)
  }
}

const nearViews = new WeakMap<Editor, Computed<ReadonlySet<TLShapeId>>>()

/** Shapes within half a screen of the viewport, as one signal per editor (the same set while its members stay). */
export function shapesNearView(editor: Editor): Computed<ReadonlySet<TLShapeId>> {
  let near = nearViews.get(editor)
  if (!near) {
    near = computed<ReadonlySet<TLShapeId>>('sandbox shapes near view', (previous) => {
      const view = editor.getViewportPageBounds()
      const ids = editor.getShapeIdsInsideBounds(view.clone().expandBy(Math.max(view.w, view.h) / 2))
      if (previous instanceof Set && previous.size === ids.size && [...ids].every((id) => previous.has(id))) return previous
      return ids
    })
    nearViews.set(editor, near)
  }
  return near
}

export class LazyLabelNoteShapeUtil extends NoteShapeUtil {
  override getGeometry(shape: TLNoteShape): Group2d {
    const dv = getDisplayValues(this, shape)
    const { scale, growY } = shape.props
    const width = dv.noteWidth * scale
    const height = (dv.noteHeight + growY) * scale
    return new Group2d({
      children: [
        new Rectangle2d({ width, height, isFilled: true }),
        new LazyGeometry2d(() => this.measuredLabel(shape), { isLabel: true, isFilled: true, excludeFromShapeBounds: true }),
      ],
    })
  }

  /** tldraw's own label rectangle, measured (and cached per record by tldraw). */
  private measuredLabel(shape: TLNoteShape): Geometry2d {
    const label = super.getGeometry(shape).children.find((child) => child.isLabel)
    if (!label) throw new Error('tldraw note geometry has no label')
    return label
  }
}
