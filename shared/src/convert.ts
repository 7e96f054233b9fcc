// Sticky → task conversion: one task per chosen sticky or group, linked back to its shapes.
// Nothing a sticky says is lost: its first line is the title, the rest the description.
import type { Task } from './schema.ts'

export interface StickySource {
  shapeId: string
  text: string
}

/** A group (a frame with stickies in it) chosen as one: one task, titled with the group's name. */
export interface GroupSource {
  frameId: string
  name: string
  stickies: readonly StickySource[]
}

export type ConvertChoice = ({ kind: 'sticky' } & StickySource) | ({ kind: 'group' } & GroupSource)

/** The task schema's limits (schema.ts): a title keeps up to this much of the first line. */
export const MAX_TASK_TITLE = 2000
export const MAX_TASK_DESCRIPTION = 20_000
/** The task schema keeps at most this many source shape ids. */
export const MAX_SOURCE_SHAPES = 100

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/** Drops blank lines at both ends and trailing spaces, keeps the lines in between as written. */
const trimLines = (text: string): string => text.replace(/^(?:[ \t]*\n)+/, '').trimEnd()

/**
 * A task's title and description from a sticky's text: the first non-empty line (whitespace
 * squeezed) is the title; what follows it is the description. A first line longer than a title
 * can hold ends there with "…" and goes on, from "…", at the start of the description.
 */
export function taskTextFromSticky(text: string): { title: string; description: string } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const first = lines.findIndex((l) => l.trim().length > 0)
  if (first === -1) return { title: 'Untitled idea', description: '' }
  const line = (lines[first] ?? '').replace(/\s+/g, ' ').trim()
  const rest = trimLines(lines.slice(first + 1).join('\n'))
  if (line.length <= MAX_TASK_TITLE) return { title: line, description: clip(rest, MAX_TASK_DESCRIPTION) }
  const overflow = `…${line.slice(MAX_TASK_TITLE - 1)}`
  return { title: `${line.slice(0, MAX_TASK_TITLE - 1)}…`, description: clip(rest ? `${overflow}\n${rest}` : overflow, MAX_TASK_DESCRIPTION) }
}

/** A task title from a sticky's text (see taskTextFromSticky). */
export const titleFromText = (text: string): string => taskTextFromSticky(text).title

/**
 * A group's stickies as a list, one item per sticky, with each sticky's further lines indented
 * under its item so the whole text of every sticky is kept.
 */
export function groupDescription(stickies: readonly StickySource[]): string {
  const items = stickies.map((s) => {
    const lines = trimLines(s.text.replace(/\r\n?/g, '\n').trim()).split('\n')
    const [head = '', ...more] = lines
    return [`• ${head || '(empty sticky)'}`, ...more.map((l) => `  ${l}`)].join('\n')
  })
  return clip(items.join('\n'), MAX_TASK_DESCRIPTION)
}

/** The task for one group: its name as the title, its stickies in the description. */
export function groupTaskText(group: GroupSource): { title: string; description: string } {
  const name = taskTextFromSticky(group.name)
  return { title: name.title === 'Untitled idea' ? 'Untitled group' : name.title, description: groupDescription(group.stickies) }
}

/** The shape ids a choice is converted from: a sticky's own, or the frame's and its stickies'. */
export const choiceShapeIds = (choice: ConvertChoice): string[] =>
  choice.kind === 'sticky' ? [choice.shapeId] : [choice.frameId, ...choice.stickies.map((s) => s.shapeId)].slice(0, MAX_SOURCE_SHAPES)

/**
 * Tasks for the chosen stickies and groups that do not have one yet (a group is matched by its
 * frame's id). `newId` makes task ids (random in the app, predictable in tests).
 */
export function choicesToTasks(choices: readonly ConvertChoice[], existing: readonly Task[], now: number, newId: () => string): Task[] {
  const converted = new Set(existing.flatMap((t) => t.sourceShapeIds))
  return choices
    .filter((c) => !converted.has(c.kind === 'sticky' ? c.shapeId : c.frameId))
    .map((c) => {
      const { title, description } = c.kind === 'sticky' ? taskTextFromSticky(c.text) : groupTaskText(c)
      return {
        id: newId(),
        title,
        description,
        ownerId: null,
        ownerName: null,
        ownerColor: null,
        ownerSource: null,
        status: 'todo' as const,
        note: '',
        sourceShapeIds: choiceShapeIds(c),
        createdAt: now,
      }
    })
}

/** Tasks for the stickies that do not have one yet, one per sticky. */
export const stickiesToTasks = (stickies: readonly StickySource[], existing: readonly Task[], now: number, newId: () => string): Task[] =>
  choicesToTasks(
    stickies.map((s) => ({ kind: 'sticky' as const, ...s })),
    existing,
    now,
    newId,
  )
