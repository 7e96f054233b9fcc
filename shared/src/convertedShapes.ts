// Stickies that became tasks stay on the board: a task points at them (`sourceShapeIds`), the
// replay and the owner badges show them. Participants cannot delete them; the facilitator can.
// The server judges every deletion with this rule; the client uses it to not even try.
import { validTasks, type Role } from './schema.ts'

/** Every shape id some task was made from: its stickies, and a group's frame. */
export function convertedShapeIds(tasks: Iterable<unknown>): Set<string> {
  const ids = new Set<string>()
  for (const task of validTasks(tasks)) for (const id of task.sourceShapeIds) ids.add(id)
  return ids
}

export type DeletionVerdict = { ok: true } | { ok: false; reason: string }

const WHAT: Record<string, string> = { note: 'sticky', frame: 'group' }

/**
 * Whether `role` may delete the shape `shapeId` (of tldraw type `shapeType`) while `converted`
 * holds the shape ids tasks were made from.
 */
export function checkShapeDeletion(role: Role, shapeId: string, shapeType: string, converted: ReadonlySet<string>): DeletionVerdict {
  if (role === 'facilitator' || !converted.has(shapeId)) return { ok: true }
  const what = WHAT[shapeType] ?? 'shape'
  return { ok: false, reason: `This ${what} became a task, so only the facilitator can delete it.` }
}
