// The writes the panels make, each judged by the shared rules first (see writeGuarded.ts). A
// refusal is reported to the panel's notice area instead of being written.
import { createContext, useCallback, useContext, useMemo } from 'react'
import { canFacilitate, canWriteBoard, type Actor, type GuardedPatch } from '@sandbox/shared'
import { useSession } from './SessionContext.ts'
import { writeGuarded } from './writeGuarded.ts'

/** Shows a sentence to the person (an error, or what just happened). */
export type Report = (message: string, tone?: 'error' | 'info') => void

export const ReportContext = createContext<Report>(() => {})

export interface Actions {
  actor: Actor
  isFacilitator: boolean
  canWrite: boolean
  /** Writes the patch if the rules allow it; otherwise reports why and returns false. */
  write(patch: GuardedPatch): boolean
  report: Report
}

export function useActions(): Actions {
  const { doc, role, participant, connection } = useSession()
  const report = useContext(ReportContext)
  // `known` is false only for a viewer who has not joined; the server judges such a socket as anonymous too.
  const actor = useMemo<Actor>(() => ({ role, participantId: participant.id, identified: participant.known }), [role, participant.id, participant.known])
  const write = useCallback(
    (patch: GuardedPatch) => {
      const verdict = writeGuarded(doc, actor, patch, connection.localOrigin)
      if (!verdict.ok) report(verdict.reason, 'error')
      return verdict.ok
    },
    [doc, actor, connection, report],
  )
  return { actor, isFacilitator: canFacilitate(role), canWrite: canWriteBoard(role) && participant.known, write, report }
}
