// Split: the facilitator turns the chosen stickies (top-voted by default) into tasks in one go;
// then each task gets exactly one owner — claimed, assigned, or auto-balanced.
import { useMemo, useState } from 'react'
import { randomId, stickiesToTasks, tallyVotes, topVoted, unownedTasks, type Participant, type ParticipantIds, type Task, type VoteMap } from '@sandbox/shared'
import { serverNow } from './serverClock.ts'
import { balanceCandidates, balancedTasks } from './ownership.ts'
import { stickyLabel } from './ConvergePanel.tsx'
import type { Sticky } from './stickies.ts'
import { SplitTaskRow } from './SplitTaskRow.tsx'
import { useActions } from './useActions.ts'

/** How many top-voted stickies are ticked for conversion before the facilitator changes anything. */
export const DEFAULT_PICKS = 5

export interface SplitPanelProps {
  stickies: readonly Sticky[]
  tasks: readonly Task[]
  votes: VoteMap
  participants: readonly Participant[]
  /** Whose votes count and who can own a task (the split gate's view of ownership). */
  participantIds: ParticipantIds
  presentIds: ReadonlySet<string>
  seed: number
}

export function SplitPanel({ stickies, tasks, votes, participants, participantIds, presentIds, seed }: SplitPanelProps) {
  const { isFacilitator, write } = useActions()
  const converted = useMemo(() => new Set(tasks.flatMap((t) => t.sourceShapeIds)), [tasks])
  const open = stickies.filter((s) => !converted.has(s.id))
  const tally = tallyVotes(votes, participantIds)
  const byVotes = [...open].sort((a, b) => (tally.get(b.id) ?? 0) - (tally.get(a.id) ?? 0))
  const defaults = new Set(topVoted(Object.fromEntries(Object.entries(votes).filter(([k]) => open.some((s) => k.endsWith(`|${s.id}`)))), participantIds, DEFAULT_PICKS))
  const [explicit, setExplicit] = useState<Set<string> | null>(null)
  const picked = new Set([...(explicit ?? defaults)].filter((id) => open.some((s) => s.id === id)))
  const unowned = unownedTasks(tasks, participantIds)
  const candidates = balanceCandidates(participants, presentIds)

  const toggle = (id: string) => {
    const next = new Set(picked)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    setExplicit(next)
  }
  const convert = () => {
    const chosen = byVotes.filter((s) => picked.has(s.id)).map((s) => ({ shapeId: s.id, text: s.text }))
    const now = Math.round(serverNow())
    const created = stickiesToTasks(chosen, tasks, now, () => `task_${randomId(12)}`)
    // Keep the vote order in the task list: later index, later createdAt.
    const patch = Object.fromEntries(created.map((t, i) => [t.id, { ...t, createdAt: now + i }]))
    if (write({ tasks: patch })) setExplicit(new Set())
  }
  const balance = () => write({ tasks: balancedTasks(tasks, candidates, seed, serverNow()) })

  return (
    <>
      {isFacilitator ? (
        <section className="panel-card" aria-labelledby="convert-title">
          <h3 id="convert-title" className="panel-card__title">
            Choose stickies
          </h3>
          {open.length === 0 ? (
            <p className="muted">{stickies.length === 0 ? 'There are no stickies on the board yet.' : 'Every sticky is already a task.'}</p>
          ) : (
            <>
              <p className="panel-card__hint">The most-voted ones are ticked. Each becomes one task, titled from its text.</p>
              <ul className="pick-list" aria-label="Stickies to convert">
                {byVotes.map((s) => (
                  <li key={s.id}>
                    <label className="pick-list__item">
                      <input type="checkbox" checked={picked.has(s.id)} onChange={() => toggle(s.id)} />
                      <span className="pick-list__text">{stickyLabel(s)}</span>
                      {(tally.get(s.id) ?? 0) > 0 ? <span className="ranking__count">{tally.get(s.id)}</span> : null}
                    </label>
                  </li>
                ))}
              </ul>
              <button type="button" className="button button--primary button--small" disabled={picked.size === 0} onClick={convert}>
                Convert to tasks
              </button>
            </>
          )}
        </section>
      ) : null}
      <section className="panel-card" aria-labelledby="tasks-title">
        <div className="panel-card__head">
          <h3 id="tasks-title" className="panel-card__title">
            Tasks <span className="count-pill">{tasks.length}</span>
          </h3>
          {isFacilitator && unowned.length > 0 && candidates.length > 0 ? (
            <button type="button" className="button button--secondary button--small" onClick={balance}>
              Auto-balance
            </button>
          ) : null}
        </div>
        {tasks.length === 0 ? (
          <p className="muted">{isFacilitator ? 'Tick stickies above and convert them.' : 'The facilitator is turning the chosen stickies into tasks…'}</p>
        ) : (
          <>
            <p className={unowned.length > 0 ? 'owner-status owner-status--open' : 'owner-status owner-status--done'} role="status">
              {unowned.length > 0 ? `${unowned.length} of ${tasks.length} still need an owner.` : 'Every task has an owner.'}
            </p>
            {isFacilitator && unowned.length > 0 && candidates.length > 0 ? (
              <p className="panel-card__hint">Auto-balance gives the unowned tasks to whoever has fewest: {candidates.map((c) => c.name).join(', ')}.</p>
            ) : null}
            <ul className="task-list" aria-label="Tasks">
              {tasks.map((t) => (
                <SplitTaskRow key={t.id} task={t} participants={participants} />
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  )
}
