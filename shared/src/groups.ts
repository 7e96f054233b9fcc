// Groups: a frame drawn around stickies groups them. Which stickies belong to which frame, how
// the groups and the stickies left on their own rank by dots, and where the "top N" cut-off
// falls when several tie for the last place. Pure: the client hands in what the board shows.

/** A rectangle in page coordinates. */
export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

export interface BoardNote {
  id: string
  text: string
  /** The nearest frame the note sits in (tldraw parent), or the page's id. */
  parentId: string
  bounds: Rect | null
}

export interface BoardFrame {
  id: string
  name: string
  parentId: string
  bounds: Rect | null
}

export interface StickyGroup {
  /** The frame's shape id: a vote on it counts for the group, a task made from it names it. */
  id: string
  name: string
  stickyIds: string[]
}

export interface Grouping {
  /** Frames with at least one sticky, top to bottom then left to right. */
  groups: StickyGroup[]
  /** Stickies in no frame, in the order they were given. */
  ungrouped: string[]
  /** Sticky id → the frame id of its group. */
  groupOf: ReadonlyMap<string, string>
}

export const UNNAMED_GROUP = 'Untitled group'

export const groupName = (frame: Pick<BoardFrame, 'name'>): string => frame.name.replace(/\s+/g, ' ').trim() || UNNAMED_GROUP

const contains = (r: Rect, x: number, y: number): boolean => x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h

/**
 * The groups on a board. A sticky belongs to the frame it is a child of; a sticky left on the page
 * whose centre lies inside a frame (written there by another tool, or drawn over before it was
 * adopted) belongs to the smallest such frame, so a group is what people see.
 */
export function groupStickies(notes: readonly BoardNote[], frames: readonly BoardFrame[]): Grouping {
  const frameById = new Map(frames.map((f) => [f.id, f]))
  const groupOf = new Map<string, string>()
  const ungrouped: string[] = []
  const byArea = [...frames].filter((f) => f.bounds).sort((a, b) => area(a.bounds) - area(b.bounds))
  for (const note of notes) {
    let frameId: string | undefined = frameById.has(note.parentId) ? note.parentId : undefined
    if (!frameId && note.bounds) {
      const cx = note.bounds.x + note.bounds.w / 2
      const cy = note.bounds.y + note.bounds.h / 2
      frameId = byArea.find((f) => f.bounds && contains(f.bounds, cx, cy))?.id
    }
    if (frameId) groupOf.set(note.id, frameId)
    else ungrouped.push(note.id)
  }
  const members = new Map<string, string[]>()
  for (const note of notes) {
    const frameId = groupOf.get(note.id)
    if (!frameId) continue
    const list = members.get(frameId) ?? []
    list.push(note.id)
    members.set(frameId, list)
  }
  const groups = [...frameById.values()]
    .filter((f) => members.has(f.id))
    .sort((a, b) => (a.bounds?.y ?? 0) - (b.bounds?.y ?? 0) || (a.bounds?.x ?? 0) - (b.bounds?.x ?? 0) || (a.id < b.id ? -1 : 1))
    .map((f) => ({ id: f.id, name: groupName(f), stickyIds: members.get(f.id) ?? [] }))
  return { groups, ungrouped, groupOf }
}

function area(r: Rect | null): number {
  return r ? r.w * r.h : Number.POSITIVE_INFINITY
}

/** Something that can be voted on and chosen: a group, or a sticky in no group. */
export interface Choice {
  kind: 'group' | 'sticky'
  /** The frame's id for a group, the sticky's for a sticky. */
  id: string
  votes: number
}

/**
 * Groups and ungrouped stickies with their dots, most first; equal counts keep the board's
 * order (groups as listed, then stickies). A group's dots are those on its frame plus those on
 * its stickies, so dots cast before the grouping still count.
 */
export function rankChoices(grouping: Pick<Grouping, 'groups' | 'ungrouped'>, tally: ReadonlyMap<string, number>): Choice[] {
  const dots = (id: string): number => tally.get(id) ?? 0
  const choices: Choice[] = [
    ...grouping.groups.map((g) => ({ kind: 'group' as const, id: g.id, votes: dots(g.id) + g.stickyIds.reduce((sum, s) => sum + dots(s), 0) })),
    ...grouping.ungrouped.map((id) => ({ kind: 'sticky' as const, id, votes: dots(id) })),
  ]
  // Array.prototype.sort is stable: equal counts keep the order above.
  return choices.sort((a, b) => b.votes - a.votes)
}

export interface Cutoff {
  /** Chosen without question: above the cut-off. */
  picked: string[]
  /** Tied for the last places: the facilitator chooses `places` of them. */
  tied: string[]
  /** How many of the tied ones fit under the cut-off. */
  places: number
}

/**
 * The top `count` choices with at least one dot. When the last place is shared by more choices
 * than there are places left, none of them is picked: they are the facilitator's to choose,
 * never cut by an order nobody sees.
 */
export function cutOff(ranked: readonly Choice[], count: number): Cutoff {
  const voted = ranked.filter((c) => c.votes > 0)
  if (voted.length <= count) return { picked: voted.map((c) => c.id), tied: [], places: 0 }
  const last = voted[count - 1]
  const next = voted[count]
  if (!last || !next || next.votes < last.votes) return { picked: voted.slice(0, count).map((c) => c.id), tied: [], places: 0 }
  const picked = voted.filter((c) => c.votes > last.votes).map((c) => c.id)
  const tied = voted.filter((c) => c.votes === last.votes).map((c) => c.id)
  return { picked, tied, places: count - picked.length }
}

/** "3 stickies tie for the last place — choose 1." — or groups, or ideas when both tie. */
export function tieSentence(cutoff: Cutoff, kinds: readonly Choice['kind'][]): string {
  if (cutoff.tied.length === 0) return ''
  const noun = kinds.every((k) => k === 'sticky') ? 'stickies' : kinds.every((k) => k === 'group') ? 'groups' : 'ideas'
  const where = cutoff.places === 1 ? 'the last place' : `the last ${cutoff.places} places`
  return `${cutoff.tied.length} ${noun} tie for ${where} — choose ${cutoff.places}.`
}
