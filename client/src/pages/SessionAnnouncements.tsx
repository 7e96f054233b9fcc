// What the session says out loud to screen-reader users as it happens: the phase moving on, the
// votes this person has left and the reveals (the timer's end is the banner's own alert). Renders nothing.
import { useEffect, useMemo, useRef } from 'react'
import type * as Y from 'yjs'
import { PHASE_INFO, PHASES, phaseIndex, Root, type ParticipantIds } from '@sandbox/shared'
import { useAnnounce } from '../components/Announcer.tsx'
import { possibleOwners } from '../session/ownership.ts'
import { useParticipants, useSessionFields, useVotes, useYMapJSON } from '../session/useSessionState.ts'
import { useVoting } from '../session/useVoting.ts'

/** Runs `effect(value, previous)` when `value` changes after the first render. */
function useOnChange<T>(value: T, effect: (value: T, previous: T) => void): void {
  const previous = useRef(value)
  useEffect(() => {
    if (Object.is(previous.current, value)) return
    const before = previous.current
    previous.current = value
    effect(value, before)
    // The effect is read fresh each time; only the value decides when it runs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value])
}

export function SessionAnnouncements({ doc }: { doc: Y.Doc }) {
  const announce = useAnnounce()
  const session = useSessionFields(doc)
  const raw = useYMapJSON(doc, Root.session)
  const votes = useVotes(doc)
  const participants = useParticipants(doc)
  const participantIds = useMemo<ParticipantIds>(() => new Set(possibleOwners(participants).map((p) => p.id)), [participants])
  const voting = useVoting({ session: raw, votes, participantIds, voteLimit: session.voteLimit, inConverge: session.phase === 'converge' })
  const { phase } = session

  useOnChange(phase, (now) => {
    const info = PHASE_INFO[now]
    announce(`Phase ${phaseIndex(now) + 1} of ${PHASES.length}: ${info.label}. ${info.ask}`)
  })

  const votesLeft = voting.canVote ? voting.left : null
  useOnChange(votesLeft, (left, before) => {
    if (left === null || before === null) return
    announce(left === 0 ? `You have used all ${voting.limit} of your votes.` : `${left} of ${voting.limit} ${voting.limit === 1 ? 'vote' : 'votes'} left.`)
  })

  useOnChange(raw.votesRevealed === true, (revealed) => {
    if (revealed) announce('The votes are revealed: every sticky now shows its dots.')
  })
  useOnChange(typeof raw.stickiesRevealedAt === 'number' ? raw.stickiesRevealedAt : 0, (at) => {
    if (at > 0) announce('The stickies are revealed: everyone’s ideas are on the board.')
  })

  // The timer's end is not announced here: the "Time's up" banner is an alert, read out as it appears.

  return null
}
