// Warm-up of a follow-up session: the previous session's tasks with owner and status, as their
// owners update them, and one click (facilitator) to carry the unfinished ones over with their owners.
import { useState } from 'react'
import { isUnfinished } from '@sandbox/shared'
import '../styles/session-series.css'
import { ApiError } from '../lib/api.ts'
import { STATUS_LABEL } from './MyTaskItem.tsx'
import { carryOver, usePreviousTasks } from './seriesApi.ts'
import { useSession } from './SessionContext.ts'
import { useActions } from './useActions.ts'
import { useTasks } from './useSessionState.ts'

export function PreviousTasks() {
  const { sessionId, token, doc } = useSession()
  const { isFacilitator, report } = useActions()
  const answer = usePreviousTasks(sessionId, token)
  const here = useTasks(doc)
  const [busy, setBusy] = useState(false)
  if (!answer?.previous) return null
  const previous = answer.previous
  const carried = new Set(here.filter((t) => t.carriedFrom === previous.id).map((t) => t.id))
  const open = answer.tasks.filter((t) => isUnfinished(t) && !carried.has(t.id))
  const done = answer.tasks.length - answer.tasks.filter(isUnfinished).length

  const carry = async () => {
    setBusy(true)
    try {
      const { carried: ids } = await carryOver(sessionId, token, { taskIds: open.map((t) => t.id) })
      report(ids.length === 1 ? 'Carried 1 task over, with its owner.' : `Carried ${ids.length} tasks over, with their owners.`)
    } catch (e) {
      report(e instanceof ApiError ? e.message : 'The tasks could not be carried over; try again.', 'error')
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="panel-card" aria-labelledby="previous-tasks-title">
      <h3 id="previous-tasks-title" className="panel-card__title">
        From last time{' '}
        <span className="count-pill">
          {done} of {answer.tasks.length} done
        </span>
      </h3>
      <p className="panel-card__hint">
        The tasks of “{previous.title}”, updated as their owners work on them.
      </p>
      {answer.tasks.length === 0 ? <p className="muted">The previous session ended without tasks.</p> : null}
      <ul className="series-list" aria-label="Tasks of the previous session">
        {answer.tasks.map((t) => (
          <li key={t.id} className="series-task" data-status={t.status}>
            <span className={`status-pill status-pill--${t.status}`}>{STATUS_LABEL[t.status]}</span>
            <span className="series-task__text">
              {t.title}
              <span className="series-task__meta">
                {t.ownerId ? (
                  <span className="pair-person">
                    <span className="dot" style={{ backgroundColor: t.ownerColor ?? '#868e96' }} aria-hidden="true" />
                    {t.ownerName}
                  </span>
                ) : (
                  <span>No owner</span>
                )}
                {carried.has(t.id) ? <span className="series-tag">Carried over</span> : null}
              </span>
            </span>
          </li>
        ))}
      </ul>
      {isFacilitator && open.length > 0 ? (
        <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => void carry()}>
          {open.length === 1 ? 'Carry over 1 unfinished task' : `Carry over ${open.length} unfinished tasks`}
        </button>
      ) : null}
    </section>
  )
}
