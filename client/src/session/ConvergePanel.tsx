// Converge: group related stickies, then dot-vote. Each person has `voteLimit` dots; a dot goes
// on the selected sticky and can be taken back. The shared rules keep the limit.
import type { Editor } from 'tldraw'
import { castVote, MAX_VOTE_LIMIT, retractVote, tallyVotes, votesUsedBy, type ParticipantIds, type VoteMap } from '@sandbox/shared'
import type { Sticky } from './stickies.ts'
import { useActions } from './useActions.ts'

export interface ConvergePanelProps {
  editor: Editor | null
  stickies: readonly Sticky[]
  votes: VoteMap
  /** Whose dots count in the ranking. */
  participantIds: ParticipantIds
  voteLimit: number
  selectedId: string | null
}

export const stickyLabel = (s: Sticky | undefined): string => (s?.text ? s.text : 'Empty sticky')

export function ConvergePanel({ editor, stickies, votes, participantIds, voteLimit, selectedId }: ConvergePanelProps) {
  const { actor, isFacilitator, canWrite, write, report } = useActions()
  const used = votesUsedBy(votes, actor.participantId)
  const left = Math.max(0, voteLimit - used)
  const tally = tallyVotes(votes, participantIds)
  const selected = stickies.find((s) => s.id === selectedId)
  const mine = selected ? (votes[`${actor.participantId}|${selected.id}`] ?? 0) : 0
  const ranked = [...stickies].sort((a, b) => (tally.get(b.id) ?? 0) - (tally.get(a.id) ?? 0)).filter((s) => (tally.get(s.id) ?? 0) > 0)

  const apply = (change: ReturnType<typeof castVote>) => {
    if ('error' in change) report(change.error, 'error')
    else write({ votes: { [change.key]: change.count } })
  }
  const clearAll = () => write({ votes: Object.fromEntries(Object.keys(votes).map((k) => [k, null])) })

  return (
    <>
      <section className="panel-card" aria-labelledby="group-title">
        <h3 id="group-title" className="panel-card__title">
          Group
        </h3>
        <p className="panel-card__hint">Drag related stickies together, or draw a frame around them and name it.</p>
        {canWrite && editor ? (
          <button type="button" className="button button--secondary button--small" onClick={() => editor.setCurrentTool('frame')}>
            Draw a frame
          </button>
        ) : null}
      </section>
      <section className="panel-card" aria-labelledby="vote-title">
        <h3 id="vote-title" className="panel-card__title">
          Dot vote
        </h3>
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
        {canWrite ? (
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
              {selected ? (
                <>
                  <p className="selected-sticky__text">
                    <span className="visually-hidden">Selected sticky: </span>“{stickyLabel(selected)}”
                    {mine > 0 ? <span className="muted"> · your dots: {mine}</span> : null}
                  </p>
                  <div className="button-row">
                    <button type="button" className="button button--primary button--small" disabled={left === 0} onClick={() => apply(castVote(votes, actor.participantId, selected.id, voteLimit))}>
                      Vote
                    </button>
                    <button type="button" className="button button--secondary button--small" disabled={mine === 0} onClick={() => apply(retractVote(votes, actor.participantId, selected.id))}>
                      Take back a vote
                    </button>
                  </div>
                </>
              ) : (
                <p className="muted">Select one sticky on the board to put a dot on it.</p>
              )}
            </div>
            {/* The canvas keeps keyboard focus to itself; the list puts every sticky a Tab away. */}
            {stickies.length > 0 ? (
              <details className="vote-list">
                <summary>Vote from a list</summary>
                <ul className="vote-list__items" aria-label="Stickies to vote on">
                  {stickies.map((s) => {
                    const own = votes[`${actor.participantId}|${s.id}`] ?? 0
                    return (
                      <li key={s.id} className="vote-list__item">
                        <span className="vote-list__text">{stickyLabel(s)}</span>
                        {own > 0 ? <span className="muted vote-list__mine">your dots: {own}</span> : null}
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          aria-label={`Vote for “${stickyLabel(s)}”`}
                          disabled={left === 0}
                          onClick={() => apply(castVote(votes, actor.participantId, s.id, voteLimit))}
                        >
                          +
                        </button>
                        <button
                          type="button"
                          className="button button--ghost button--small"
                          aria-label={`Take back a vote from “${stickyLabel(s)}”`}
                          disabled={own === 0}
                          onClick={() => apply(retractVote(votes, actor.participantId, s.id))}
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
        {ranked.length === 0 ? (
          <p className="muted">No votes yet.</p>
        ) : (
          <ol className="ranking" aria-label="Stickies by votes">
            {ranked.map((s) => (
              <li key={s.id} className="ranking__item">
                <span className="ranking__text">{stickyLabel(s)}</span>
                <span className="ranking__count" aria-label={`${tally.get(s.id) ?? 0} votes`}>
                  {tally.get(s.id) ?? 0}
                </span>
              </li>
            ))}
          </ol>
        )}
        {isFacilitator && Object.keys(votes).length > 0 ? (
          <button type="button" className="button button--ghost button--small" onClick={clearAll}>
            Clear all votes
          </button>
        ) : null}
      </section>
    </>
  )
}
