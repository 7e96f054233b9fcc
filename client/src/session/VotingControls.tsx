// How the group votes: the facilitator chooses blind or open voting before anyone votes, and
// reveals blind votes when everyone is done. Everyone else sees how far the vote is.
import { ballotsUsed, type Participant } from '@sandbox/shared'
import { useActions } from './useActions.ts'
import type { Voting } from './useVoting.ts'

export interface VotingControlsProps {
  voting: Voting
  session: Readonly<Record<string, unknown>>
  participants: readonly Participant[]
  /** Anyone has voted (blind or open): the mode can no longer change. */
  started: boolean
}

export function VotingControls({ voting, session, participants, started }: VotingControlsProps) {
  const { isFacilitator, write } = useActions()
  const used = ballotsUsed(session)
  const voters = participants.filter((p) => (used[p.id] ?? 0) > 0)
  return (
    <div className="voting-controls">
      {isFacilitator ? (
        <label className="switch-field">
          <input
            type="checkbox"
            role="switch"
            checked={voting.blind}
            disabled={started}
            onChange={(e) => write({ session: { hideVotes: e.target.checked } })}
          />
          <span>Hide votes until reveal</span>
        </label>
      ) : null}
      {isFacilitator && started && !(voting.blind && !voting.hidden) ? <p className="panel-card__hint">Voting has started; clear the votes to change how the group votes.</p> : null}
      {voting.hidden ? (
        <p className="panel-card__hint" role="status">
          Votes are hidden until the facilitator reveals them: you see only your own dots.
          {voters.length > 0 ? ` ${voters.length} ${voters.length === 1 ? 'person has' : 'people have'} voted.` : ''}
        </p>
      ) : null}
      {isFacilitator && voting.hidden ? (
        <button type="button" className="button button--primary button--small" onClick={() => write({ session: { votesRevealed: true } })}>
          Reveal votes
        </button>
      ) : null}
      {voting.blind && !voting.hidden ? <p className="panel-card__hint">Votes are revealed: the counts show, who voted for what stays private.</p> : null}
    </div>
  )
}
