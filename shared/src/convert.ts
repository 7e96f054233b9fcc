// Sticky → task conversion: one task per chosen sticky, titled from its text, linked back to it.
import type { Task } from './schema.ts'

export interface StickySource {
  shapeId: string
  text: string
}

export const MAX_TASK_TITLE = 200

/** A task title from a sticky's text: first non-empty line, whitespace squeezed, trimmed to fit. */
export function titleFromText(text: string): string {
  const firstLine = text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).find((l) => l.length > 0) ?? ''
  if (firstLine.length === 0) return 'Untitled idea'
  return firstLine.length > MAX_TASK_TITLE ? `${firstLine.slice(0, MAX_TASK_TITLE - 1)}…` : firstLine
}

/**
 * Tasks for the stickies that do not have one yet. `newId` makes task ids (random in the app,
 * predictable in tests); existing tasks are matched by their source shape ids.
 */
export function stickiesToTasks(stickies: readonly StickySource[], existing: readonly Task[], now: number, newId: () => string): Task[] {
  const converted = new Set(existing.flatMap((t) => t.sourceShapeIds))
  return stickies
    .filter((s) => !converted.has(s.shapeId))
    .map((s) => ({
      id: newId(),
      title: titleFromText(s.text),
      ownerId: null,
      ownerName: null,
      ownerColor: null,
      ownerSource: null,
      status: 'todo' as const,
      note: '',
      sourceShapeIds: [s.shapeId],
      createdAt: now,
    }))
}
