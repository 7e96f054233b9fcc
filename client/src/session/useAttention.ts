// Reads for the frame questions and "Bring everyone here": the group's own answers, who counts
// in them, and the last summon, as validated values that re-render when a peer changes them.
import { useMemo } from 'react'
import type * as Y from 'yjs'
import {
  frameDecision,
  recommendMode,
  Root,
  summonSchema,
  tallyFrameAnswers,
  type FrameAnswers,
  type FrameRecommendation,
  type FrameTally,
  type Participant,
  type Summon,
} from '@sandbox/shared'
import { useParticipants, useYMapJSON } from './useSessionState.ts'

export interface GroupFrame {
  /** The people whose answers count: the server's participant records (facilitator included, no viewers). */
  people: Participant[]
  /** Participant id → their own answers, as stored. */
  raw: Readonly<Record<string, unknown>>
  tally: FrameTally
  /** The facilitator's decision where made, the group's majority elsewhere. */
  decision: FrameAnswers
  recommendation: FrameRecommendation
}

export function useGroupFrame(doc: Y.Doc, decided: FrameAnswers): GroupFrame {
  const raw = useYMapJSON(doc, Root.answers)
  const participants = useParticipants(doc)
  return useMemo(() => {
    const people = participants.filter((p) => p.role !== 'viewer')
    const ids = new Set(people.map((p) => p.id))
    const tally = tallyFrameAnswers(raw, ids)
    const decision = frameDecision(decided, tally)
    return { people, raw, tally, decision, recommendation: recommendMode(decision, tally) }
  }, [raw, participants, decided])
}

export function useSummon(doc: Y.Doc): Summon | null {
  const session = useYMapJSON(doc, Root.session)
  const value = session.summon
  return useMemo(() => {
    const parsed = summonSchema.safeParse(value)
    return parsed.success ? parsed.data : null
  }, [value])
}
