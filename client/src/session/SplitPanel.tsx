// Split: the facilitator turns the chosen stickies and groups (top-voted by default) into tasks in
// one go — a group becomes one task named after it — then each task gets exactly one owner:
// claimed, assigned, or auto-balanced. A tie at the cut-off is shown and left to the facilitator.
import { useMemo, useState } from 'react'
import type { Editor } from 'tldraw'
import { choicesToTasks, cutOff, randomId, tieSentence, unownedTasks, type ConvertChoice, type Participant, type ParticipantIds, type Task } from '@sandbox/shared'
import '../styles/session-groups.css'
import { serverNow } from './serverClock.ts'
import { balanceCandidates, balancedTasks } from './ownership.ts'
import { GroupChoice, rankBoard, stickyLabel } from './GroupChoices.tsx'
import type { Sticky } from './stickies.ts'
import { SplitTaskRow } from './SplitTaskRow.tsx'
import { useActions } from './useActions.ts'
import { useGroups } from './useGroups.ts'
import type { Voting } from './useVoting.ts'

/** How many top-voted stickies and groups are ticked for conversion before the facilitator changes anything. */
export const DEFAULT_PICKS = 5

const NO_DOTS: ReadonlyMap<string, number> = new Map()

export interface SplitPanelProps {
  editor: Editor | null
  stickies: readonly Sticky[]
  tasks: readonly Task[]
  /** The dots everyone may see (`tally` is null while votes are hidden). */
  voting: Voting
  participants: readonly Participant[]
  /** Whose votes count and who can own a task (the split gate's view of ownership). */
  participantIds: ParticipantIds
  presentIds: ReadonlySet<string>
  seed: number
}

export function SplitPanel({ editor, stickies, tasks, voting, participants, participantIds, presentIds, seed }: SplitPanelProps) {
  const { isFacilitator, write } = useActions()
  const converted = useMemo(() => new Set(tasks.flatMap((t) => t.sourceShapeIds)), [tasks])
  const board = useGroups(editor, stickies)
  const open = { groups: board.groups.filter((g) => !converted.has(g.id)), ungrouped: board.ungrouped.filter((s) => !converted.has(s.id)) }
  const groupById = new Map(open.groups.map((g) => [g.id, g]))
  const stickyById = new Map(open.ungrouped.map((s) => [s.id, s]))
  const tally = voting.tally
  const ranked = rankBoard(open, tally ?? NO_DOTS)
  const cut = tally ? cutOff(ranked, DEFAULT_PICKS) : { picked: [], tied: [], places: 0 }
  const tied = new Set(cut.tied)
  const tie = tieSentence(cut, ranked.filter((c) => tied.has(c.id)).map((c) => c.kind))
  const [explicit, setExplicit] = useState<Set<string> | null>(null)
  const picked = new Set([...(explicit ?? cut.picked)].filter((id) => groupById.has(id) || stickyById.has(id)))
  const openCount = ranked.length
  const unowned = unownedTasks(tasks, participantIds)
  const candidates = balanceCandidates(participants, presentIds)

  const toggle = (id: string) => {
    const next = new Set(picked)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    setExplicit(next)
  }
  const convert = () => {
    const chosen = ranked
      .filter((c) => picked.has(c.id))
      .map((c): ConvertChoice | null => {
        const group = groupById.get(c.id)
        if (group) return { kind: 'group', frameId: group.id, name: group.name, stickies: group.stickies.map((s) => ({ shapeId: s.id, text: s.text })) }
        const sticky = stickyById.get(c.id)
        return sticky ? { kind: 'sticky', shapeId: sticky.id, text: sticky.text } : null
      })
      .filter((c): c is ConvertChoice => c !== null)
    const now = Math.round(serverNow())
    const created = choicesToTasks(chosen, tasks, now, () => `task_${randomId(12)}`)
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
          {openCount === 0 ? (
            <p className="muted">{stickies.length === 0 ? 'There are no stickies on the board yet.' : 'Every sticky is already a task.'}</p>
          ) : (
            <>
              <p className="panel-card__hint">
                {tally
                  ? 'The most-voted ones are ticked. Each sticky becomes one task, titled from its first line; a group becomes one task named after it.'
                  : 'The votes are hidden until the facilitator reveals them (in Converge), so nothing is ticked: choose here.'}
              </p>
              {tie ? (
                <p className="tie-notice" role="status">
                  {tie}
                </p>
              ) : null}
              <ul className="pick-list" aria-label="Stickies to convert">
                {ranked.map((c) => {
                  const group = groupById.get(c.id)
                  const sticky = stickyById.get(c.id)
                  const classes = ['pick-list__item', group ? 'pick-list__item--group' : '', tied.has(c.id) ? 'pick-list__item--tied' : ''].filter(Boolean).join(' ')
                  return (
                    <li key={c.id}>
                      <label className={classes}>
                        <input type="checkbox" checked={picked.has(c.id)} onChange={() => toggle(c.id)} />
                        {group ? <GroupChoice group={group} /> : <span className="pick-list__text">{stickyLabel(sticky)}</span>}
                        {tied.has(c.id) ? <span className="visually-hidden">(tied for the last place)</span> : null}
                        {c.votes > 0 ? <span className="ranking__count">{c.votes}</span> : null}
                      </label>
                    </li>
                  )
                })}
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
