// Converge: group related stickies, then dot-vote. Each person has `voteLimit` dots; a dot goes
// on the selected sticky or group and can be taken back. The shared rules keep the limit.
import type { Editor } from 'tldraw'
import { MAX_VOTE_LIMIT, type Participant, type VoteMap } from '@sandbox/shared'
import '../styles/session-groups.css'
import { GroupChoice, GroupsCard, Ranking, stickyLabel } from './GroupChoices.tsx'
import { useSession } from './SessionContext.ts'
import type { Sticky } from './stickies.ts'
import { useGroups, useSelectedFrame } from './useGroups.ts'
import { useActions } from './useActions.ts'
import { VotingControls } from './VotingControls.tsx'
import type { Voting } from './useVoting.ts'

export interface ConvergePanelProps {
  editor: Editor | null
  stickies: readonly Sticky[]
  votes: VoteMap
  voting: Voting
  session: Readonly<Record<string, unknown>>
  participants: readonly Participant[]
  selectedId: string | null
}

export { stickyLabel }

export function ConvergePanel({ editor, stickies, votes, voting, session, participants, selectedId }: ConvergePanelProps) {
  const { isFacilitator, canWrite, write } = useActions()
  const { connection } = useSession()
  const { used, left, limit: voteLimit, tally } = voting
  const board = useGroups(editor, stickies)
  const selectedFrameId = useSelectedFrame(editor)
  const selectedGroup = board.groups.find((g) => g.id === selectedFrameId)
  const selected = stickies.find((s) => s.id === selectedId)
  const target = selectedGroup?.id ?? selected?.id
  const mine = target ? voting.mine(target) : 0
  const anyBallots = Object.values((session.ballotsUsed ?? {}) as Record<string, number>).some((n) => n > 0)
  const started = Object.keys(votes).length > 0 || anyBallots
  const clearAll = () => {
    if (voting.blind) connection.privateChannel.send({ t: 'clearVotes' })
    else write({ votes: Object.fromEntries(Object.keys(votes).map((k) => [k, null])) })
  }

  return (
    <>
      <GroupsCard editor={editor} groups={board.groups} canWrite={canWrite} />
      <section className="panel-card" aria-labelledby="vote-title">
        <h3 id="vote-title" className="panel-card__title">
          Dot vote
        </h3>
        <VotingControls voting={voting} session={session} participants={participants} started={started} />
        {isFacilitator ? (
          <label className="inline-field">
            <span>Votes per person</span>
            <input
              type="number"
              className="input input--narrow"
              min={1}
              max={MAX_VOTE_LIMIT}
              value={voteLimit}
              onChange={(e) => {
                const n = Number(e.target.value)
                if (Number.isInteger(n) && n >= 1 && n <= MAX_VOTE_LIMIT) write({ session: { voteLimit: n } })
              }}
            />
          </label>
        ) : null}
        {canWrite && voting.canVote ? (
          <>
            <p className="votes-left" role="status" aria-label="Your votes">
              <span className="votes-left__dots" aria-hidden="true">
                {Array.from({ length: voteLimit }, (_, i) => (
                  <span key={i} className={`vote-dot ${i < used ? 'vote-dot--used' : ''}`} />
                ))}
              </span>
              {left} of {voteLimit} votes left
            </p>
            <div className="selected-sticky">
              {target ? (
                <>
                  <p className="selected-sticky__text">
                    {selectedGroup ? (
                      <>
                        <span className="visually-hidden">Selected group: </span>Group “{selectedGroup.name}”
                      </>
                    ) : (
                      <>
                        <span className="visually-hidden">Selected sticky: </span>“{stickyLabel(selected)}”
                      </>
                    )}
                    {mine > 0 ? <span className="muted"> · your dots: {mine}</span> : null}
                  </p>
                  <div className="button-row">
                    <button type="button" className="button button--primary button--small" disabled={left === 0 || !voting.canVote} onClick={() => voting.cast(target)}>
                      Vote
                    </button>
                    <button type="button" className="button button--secondary button--small" disabled={mine === 0 || !voting.canVote} onClick={() => voting.takeBack(target)}>
                      Take back a vote
                    </button>
                  </div>
                </>
              ) : (
                <p className="muted">Select one sticky or group on the board to put a dot on it.</p>
              )}
            </div>
            {/* The canvas keeps keyboard focus to itself; the list puts every sticky a Tab away. */}
            {stickies.length > 0 ? (
              <details className="vote-list">
                <summary>Vote from a list</summary>
                <ul className="vote-list__items" aria-label="Stickies to vote on">
                  {board.groups.map((g) => {
                    const own = voting.mine(g.id)
                    return (
                      <li key={g.id} className="vote-list__item">
                        <GroupChoice group={g} />
                        {own > 0 ? <span className="muted vote-list__mine">your dots: {own}</span> : null}
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          aria-label={`Vote for group “${g.name}”`}
                          disabled={left === 0 || !voting.canVote}
                          onClick={() => voting.cast(g.id)}
                        >
                          +
                        </button>
                        <button
                          type="button"
                          className="button button--ghost button--small"
                          aria-label={`Take back a vote from group “${g.name}”`}
                          disabled={own === 0 || !voting.canVote}
                          onClick={() => voting.takeBack(g.id)}
                        >
                          −
                        </button>
                      </li>
                    )
                  })}
                  {board.ungrouped.map((s) => {
                    const own = voting.mine(s.id)
                    return (
                      <li key={s.id} className="vote-list__item">
                        <span className="vote-list__text">{stickyLabel(s)}</span>
                        {own > 0 ? <span className="muted vote-list__mine">your dots: {own}</span> : null}
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          aria-label={`Vote for “${stickyLabel(s)}”`}
                          disabled={left === 0 || !voting.canVote}
                          onClick={() => voting.cast(s.id)}
                        >
                          +
                        </button>
                        <button
                          type="button"
                          className="button button--ghost button--small"
                          aria-label={`Take back a vote from “${stickyLabel(s)}”`}
                          disabled={own === 0 || !voting.canVote}
                          onClick={() => voting.takeBack(s.id)}
                        >
                          −
                        </button>
                      </li>
                    )
                  })}
                </ul>
              </details>
            ) : null}
          </>
        ) : null}
      </section>
      <section className="panel-card" aria-labelledby="ranking-title">
        <h3 id="ranking-title" className="panel-card__title">
          Most dots so far
        </h3>
        {!tally ? (
          <p className="muted">Hidden until the facilitator reveals the votes, so nobody piles onto what already has dots.</p>
        ) : (
          <Ranking board={board} tally={tally} />
        )}
        {isFacilitator && started ? (
          <button type="button" className="button button--ghost button--small" onClick={clearAll}>
            Clear all votes
          </button>
        ) : null}
      </section>
    </>
  )
}
