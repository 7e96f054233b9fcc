// Private writing and blind voting: who may turn them on, when, and what everyone may see.
// Pure rules, judged by the server (permissions.ts calls them) and used by the client to decide
// which controls to show.
import { parseVoteKey, type Phase } from './schema.ts'
import type { ParticipantIds } from './permissions.ts'
import { tallyVotes, type VoteMap } from './votes.ts'

type SessionJSON = Readonly<Record<string, unknown>>
type Verdict = { ok: true } | { ok: false; reason: string }

/** Phases in which private writing may be on: it is a way to collaborate, set up before it starts. */
const PRIVATE_WRITING_PHASES: readonly Phase[] = ['warmup', 'frame', 'collaborate']

/** Whether new stickies are private now: the facilitator turned it on, and the phase allows it. */
export const privateWritingActive = (session: SessionJSON): boolean =>
  session.privateWriting === true && PRIVATE_WRITING_PHASES.includes(session.phase as Phase)

/** Votes are hidden when the session says so; sessions created before blind voting vote openly. */
export const votesHidden = (session: SessionJSON): boolean => session.hideVotes === true && session.votesRevealed !== true

const numberRecord = (value: unknown): Record<string, number> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {}
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(value)) if (typeof v === 'number' && Number.isInteger(v) && v > 0) out[k] = v
  return out
}

/** Participant id → hidden dots cast, as the server publishes it (never which sticky). */
export const ballotsUsed = (session: SessionJSON): Record<string, number> => numberRecord(session.ballotsUsed)
/** Participant id → private stickies written and not yet revealed. */
export const ideaCounts = (session: SessionJSON): Record<string, number> => numberRecord(session.ideaCounts)

/**
 * The dots per sticky (or frame) that everyone may see, or `null` while votes are hidden: open
 * voting tallies the shared `votes` map; a blind vote shows the totals the server wrote at the reveal.
 */
export function visibleTally(session: SessionJSON, votes: VoteMap, participants: ParticipantIds): Map<string, number> | null {
  if (votesHidden(session)) return null
  if (session.hideVotes === true) return new Map(Object.entries(numberRecord(session.voteTotals)))
  return tallyVotes(votes, participants)
}

const anyVotes = (session: SessionJSON, votes: Readonly<Record<string, unknown>>): boolean =>
  Object.keys(votes).some((k) => parseVoteKey(k) !== null) || Object.values(ballotsUsed(session)).some((n) => n > 0)

/** Judges the facilitator's changes to the private-writing and blind-voting fields. */
export function checkFacilitationChange(
  before: SessionJSON,
  after: SessionJSON,
  keys: readonly string[],
  votes: Readonly<Record<string, unknown>>,
): Verdict {
  const phase = after.phase as Phase
  if (keys.includes('privateWriting') && after.privateWriting === true && !PRIVATE_WRITING_PHASES.includes(phase)) {
    return { ok: false, reason: 'Private writing can be turned on up to the collaborate phase.' }
  }
  if (keys.includes('hideVotes') && anyVotes(before, votes)) {
    return { ok: false, reason: 'Choose hidden or open voting before anyone votes; clear the votes to change it.' }
  }
  if (keys.includes('votesRevealed') && after.votesRevealed === true) {
    if (after.hideVotes !== true) return { ok: false, reason: 'Open votes are already visible to everyone.' }
    if (phase !== 'converge') return { ok: false, reason: 'Votes are revealed in the converge phase.' }
  }
  return { ok: true }
}

export type BallotMap = Readonly<Record<string, number>>

export const ballotTotal = (ballot: BallotMap): number => Object.values(ballot).reduce((a, b) => a + b, 0)

/**
 * One person's hidden ballot after adding (`+1`) or taking back (`-1`) a dot on `target`, or why
 * not (the sentence the server sends back on the private channel).
 */
export function changeBallot(ballot: BallotMap, target: string, delta: 1 | -1, limit: number): { ballot: Record<string, number> } | { error: string } {
  const current = ballot[target] ?? 0
  if (delta === 1 && ballotTotal(ballot) >= limit) {
    return { error: `You have used all ${limit} of your votes. Take one back to vote again.` }
  }
  if (delta === -1 && current <= 0) return { error: 'You have no vote on this sticky to take back.' }
  const next: Record<string, number> = { ...ballot }
  const count = current + delta
  if (count > 0) next[target] = count
  else delete next[target]
  return { ballot: next }
}

/** Sums hidden ballots into the totals written at the reveal. */
export function sumBallots(ballots: Iterable<BallotMap>): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const ballot of ballots) for (const [target, n] of Object.entries(ballot)) totals[target] = (totals[target] ?? 0) + n
  return totals
}
