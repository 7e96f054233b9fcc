// A client's update checked before Yjs sees it (the room checks storage and size limits after):
// well-formed, only known top-level types, within the work one update may cause, every struct
// where the rules allow it (checkPlacement: once integrated, a Y type inside a guarded map escapes
// the rules), and new records within the connection's budget (a flood costs the room nothing past
// it). A refusal is logged on the connection's log and returned as the close code.
import type * as Y from 'yjs'
import { CloseCode, CLOSE_REASONS, ROOT_NAMES } from '@sandbox/shared'
import { checkPlacement, type Place } from './checkPlacement.ts'
import type { ConnectionBudget } from './connectionBudget.ts'
import { inspectUpdate, UpdateLimits, type UpdateSummary } from './validateUpdate.ts'

export function admitUpdate(doc: Y.Doc, update: Uint8Array, budget: ConnectionBudget, placeCache: WeakMap<object, Place | null>, judgeBoard: boolean): UpdateSummary | number {
  const summary = inspectUpdate(update)
  const unknown = summary.roots.filter((r) => !ROOT_NAMES.includes(r))
  if (unknown.length > 0) {
    budget.log.warn({ event: 'update.refused', reason: 'unknown top-level type', roots: unknown.slice(0, 5) }, CLOSE_REASONS.updateRefused)
    return CloseCode.updateRefused
  }
  if (summary.structs.length > UpdateLimits.MAX_STRUCTS_PER_UPDATE || summary.deleteRanges > UpdateLimits.MAX_DELETE_RANGES_PER_UPDATE) {
    budget.log.warn({ event: 'update.too_complex', structs: summary.structs.length, deleteRanges: summary.deleteRanges }, CLOSE_REASONS.messageTooLarge)
    return CloseCode.messageTooLarge
  }
  const placement = judgeBoard ? checkPlacement(doc, summary.structs, placeCache) : ({ ok: true, newRecords: 0 } as const)
  if (!placement.ok) {
    budget.log.warn({ event: 'update.refused', reason: placement.reason }, CLOSE_REASONS.updateRefused)
    return CloseCode.updateRefused
  }
  if (placement.newRecords > 0 && !budget.newRecords.take(placement.newRecords)) {
    budget.log.warn({ event: 'update.too_many_records', records: placement.newRecords }, CLOSE_REASONS.tooManyNewRecords)
    return CloseCode.tooManyNewRecords
  }
  return summary
}
