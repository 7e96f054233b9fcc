// Where a new sticky snaps when someone clicks with the note tool just beside an existing one: the
// free "adjacent spot" (above, right, below, left of a note, one margin away) nearest the click,
// if one is within the snap radius. tldraw's note tool works this out over every note on the page,
// each note's four spots against every other note (quadratic: half a second on a 2,000-sticky board,
// several seconds at 5,000, on each press). The answer only depends on the notes near the click,
// which `noteTool.ts` asks tldraw's spatial index for; this module is the arithmetic.

export interface Point {
  x: number
  y: number
}

/** A note as the spot search sees it: its top-left corner on the page and its extra height. */
export interface NoteFrame {
  x: number
  y: number
  /** Extra height the note grew for its text, page units (tldraw's `growY` × `scale`). */
  growY: number
}

export interface NoteSpotSizes {
  /** A note's size and the gap between neighbours, page units (already multiplied by the scale). */
  width: number
  height: number
  margin: number
}

/** The four spots beside a note where a neighbour's centre would go: top, right, bottom, left. */
export function adjacentSpots(note: NoteFrame, { width: w, height: h, margin: m }: NoteSpotSizes): Point[] {
  return [
    { x: note.x + w / 2, y: note.y - h / 2 - m },
    { x: note.x + w * 1.5 + m, y: note.y + h / 2 },
    { x: note.x + w / 2, y: note.y + h * 1.5 + m + note.growY },
    { x: note.x - w / 2 - m, y: note.y + h / 2 },
  ]
}

/**
 * How far around the click a note can be and still matter: a spot lies at most half a note plus
 * the margin outside its note's rectangle, and must be within the snap radius of the click; a note
 * taking a spot covers it. Query the notes whose rectangles meet this distance of the click.
 */
export const spotSearchReach = (sizes: NoteSpotSizes, snapRadius: number): number =>
  Math.max(sizes.width, sizes.height) + sizes.margin + snapRadius

/**
 * The offset from the nearest free spot to the click (click − spot), or null when no free spot is
 * within `snapRadius`. `isTaken(spot)` says whether a note already covers the spot.
 */
export function nearestFreeSpotOffset(
  click: Point,
  notes: Iterable<NoteFrame>,
  sizes: NoteSpotSizes,
  snapRadius: number,
  isTaken: (spot: Point) => boolean,
): Point | null {
  let best: Point | null = null
  let bestDistance = snapRadius
  for (const note of notes) {
    for (const spot of adjacentSpots(note, sizes)) {
      const dx = click.x - spot.x
      const dy = click.y - spot.y
      const distance = Math.hypot(dx, dy)
      // Strictly nearer, as tldraw's: of two spots at the same distance the first found wins.
      if (distance >= bestDistance || isTaken(spot)) continue
      bestDistance = distance
      best = { x: dx, y: dy }
    }
  }
  return best
}
