// Dot voting as every panel and the stickies see it, whichever way the session votes:
// - open voting: dots live in the shared `votes` map, counts show as they come;
// - blind voting ("Hide votes until reveal"): each person's ballot stays on the server and comes
//   back on the private channel to that person only; nobody sees counts until the reveal.
import { useMemo, useSyncExternalStore } from 'react'
import { castVote, retractVote, votesHidden, visibleTally, votesUsedBy, type ParticipantIds, type VoteMap } from '@sandbox/shared'
import { useActions } from './useActions.ts'
import { useSession } from './SessionContext.ts'

export interface Voting {
  /** Ballots are hidden until the facilitator reveals them. */
  hidden: boolean
  /** The session votes blind (hidden until the reveal), revealed or not. */
  blind: boolean
  /** Dots per sticky or frame id that everyone may see; `null` while votes are hidden. */
  tally: ReadonlyMap<string, number> | null
  limit: number
  used: number
  left: number
  /** This person may vote now (a participant who joined, in converge, votes not yet revealed). */
  canVote: boolean
  /** This person's own dots on a sticky or frame. */
  mine(target: string): number
  cast(target: string): void
  takeBack(target: string): void
}

export interface VotingInput {
  session: Readonly<Record<string, unknown>>
  votes: VoteMap
  participantIds: ParticipantIds
  voteLimit: number
  inConverge: boolean
}

export function useVoting({ session, votes, participantIds, voteLimit, inConverge }: VotingInput): Voting {
  const { actor, canWrite, write, report } = useActions()
  const ballot = useBallot()
  const blind = session.hideVotes === true
  const hidden = votesHidden(session)
  const tally = useMemo(() => visibleTally(session, votes, participantIds), [session, votes, participantIds])
  const own = blind ? ballot.votes : null
  const used = own ? Object.values(own).reduce((a, b) => a + b, 0) : votesUsedBy(votes, actor.participantId)
  const canVote = canWrite && inConverge && !(blind && !hidden)
  const mine = (target: string): number => (own ? (own[target] ?? 0) : (votes[`${actor.participantId}|${target}`] ?? 0))
  const change = (target: string, delta: 1 | -1) => {
    if (!canVote) return
    if (blind) {
      ballot.change(target, delta)
      return
    }
    const next = delta === 1 ? castVote(votes, actor.participantId, target, voteLimit) : retractVote(votes, actor.participantId, target)
    if ('error' in next) report(next.error, 'error')
    else write({ votes: { [next.key]: next.count } })
  }
  return {
    hidden,
    blind,
    tally,
    limit: voteLimit,
    used,
    left: Math.max(0, voteLimit - used),
    canVote,
    mine,
    cast: (target) => change(target, 1),
    takeBack: (target) => change(target, -1),
  }
}

interface Ballot {
  votes: Readonly<Record<string, number>>
  /** Adds or takes back a hidden dot; the server answers with the new ballot or why not. */
  change(target: string, delta: 1 | -1): void
}

function useBallot(): Ballot {
  const { connection } = useSession()
  const channel = connection.privateChannel
  const votes = useSyncExternalStore(channel.subscribe, () => channel.votes)
  return {
    votes,
    change(target, delta) {
      // The server judges every dot against the ballot it holds: a check here against the last
      // ballot it sent would refuse a quick second key press (a take-back right after a vote).
      channel.send({ t: 'vote', target, delta })
    },
  }
}
