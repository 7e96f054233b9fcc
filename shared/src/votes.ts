// Dot voting: each participant spends up to `limit` dots across the stickies, and can take one back.
// Only participants' dots count: a key naming anyone the server has no participant record for (an
// anonymous `anon:` socket, a made-up id) is left out of every tally, whatever the document holds.
import type { ParticipantIds } from './permissions.ts'
import { parseVoteKey, voteKey } from './schema.ts'

export type VoteMap = Readonly<Record<string, number>>

export function votesUsedBy(votes: VoteMap, participantId: string): number {
  let used = 0
  for (const [key, count] of Object.entries(votes)) {
    if (parseVoteKey(key)?.participantId === participantId) used += count
  }
  return used
}

/** Dots per sticky, summed over `participants`; votes keyed by anyone else do not count. */
export function tallyVotes(votes: VoteMap, participants: ParticipantIds): Map<string, number> {
  const tally = new Map<string, number>()
  for (const [key, count] of Object.entries(votes)) {
    const parsed = parseVoteKey(key)
    if (parsed && participants.has(parsed.participantId)) tally.set(parsed.shapeId, (tally.get(parsed.shapeId) ?? 0) + count)
  }
  return tally
}

/** All dots cast by `participants`. */
export const totalVotes = (votes: VoteMap, participants: ParticipantIds): number =>
  [...tallyVotes(votes, participants).values()].reduce((a, b) => a + b, 0)

export type VoteChange = { key: string; count: number | null } | { error: string }

/** The change to make when `participantId` adds a dot to `shapeId`, or why they cannot. */
export function castVote(votes: VoteMap, participantId: string, shapeId: string, limit: number): VoteChange {
  if (votesUsedBy(votes, participantId) >= limit) {
    return { error: `You have used all ${limit} of your votes. Take one back to vote again.` }
  }
  const key = voteKey(participantId, shapeId)
  return { key, count: (votes[key] ?? 0) + 1 }
}

/** The change to make when `participantId` takes a dot back from `shapeId`. */
export function retractVote(votes: VoteMap, participantId: string, shapeId: string): VoteChange {
  const key = voteKey(participantId, shapeId)
  const current = votes[key] ?? 0
  if (current <= 0) return { error: 'You have no vote on this sticky to take back.' }
  return { key, count: current > 1 ? current - 1 : null }
}

/** Sticky ids ordered by dots (most first), ties broken by id for a stable order. */
export function topVoted(votes: VoteMap, participants: ParticipantIds, count: number): string[] {
  return [...tallyVotes(votes, participants).entries()]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([id]) => id)
}
