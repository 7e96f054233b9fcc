// Execute: cooperation. Everyone works their own tasks, alone and asynchronously, and keeps the
// status current; focus mode hides other people's cursors and chatter.
import type { Task } from '@sandbox/shared'
import { Link, tasksPath } from '../router.tsx'
import { MyTaskItem } from './MyTaskItem.tsx'
import { useSession } from './SessionContext.ts'
import { useActions } from './useActions.ts'

export interface ExecutePanelProps {
  tasks: readonly Task[]
  focus: boolean
  onFocusChange(focus: boolean): void
}

export function ExecutePanel({ tasks, focus, onFocusChange }: ExecutePanelProps) {
  const { sessionId, token, participant } = useSession()
  const { canWrite } = useActions()
  const mine = tasks.filter((t) => t.ownerId === participant.id)
  const done = tasks.filter((t) => t.status === 'done').length
  const doing = tasks.filter((t) => t.status === 'doing').length

  return (
    <>
      <section className="panel-card focus-card">
        <div className="panel-card__head">
          <div>
            <h3 className="panel-card__title">Focus mode</h3>
            <p className="panel-card__hint">Hide other people's cursors and chatter while you work.</p>
          </div>
          <button type="button" className={`switch ${focus ? 'switch--on' : ''}`} role="switch" aria-checked={focus} aria-label="Focus mode" onClick={() => onFocusChange(!focus)}>
            <span className="switch__thumb" aria-hidden="true" />
          </button>
        </div>
      </section>
      {canWrite ? (
        <section className="panel-card" aria-labelledby="my-tasks-title">
          <h3 id="my-tasks-title" className="panel-card__title">
            My tasks <span className="count-pill">{mine.length}</span>
          </h3>
          {mine.length === 0 ? (
            <p className="muted">You own no tasks in this session.</p>
          ) : (
            <ul className="my-task-list" aria-label="My tasks">
              {mine.map((t) => (
                <MyTaskItem key={t.id} task={t} />
              ))}
            </ul>
          )}
          <p className="panel-card__hint">
            Your part, yours to finish: no meeting needed. <Link href={tasksPath(sessionId, token)} target="_blank" rel="noopener">Open my tasks on their own page</Link> to work on them later.
          </p>
        </section>
      ) : null}
      <section className="panel-card" aria-labelledby="progress-title">
        <h3 id="progress-title" className="panel-card__title">
          Team progress
        </h3>
        <div className="progress" aria-hidden="true">
          <div className="progress__done" style={{ width: `${tasks.length ? (done / tasks.length) * 100 : 0}%` }} />
          <div className="progress__doing" style={{ width: `${tasks.length ? (doing / tasks.length) * 100 : 0}%` }} />
        </div>
        <p className="muted" role="status">
          {done} of {tasks.length} done · {doing} in progress
        </p>
      </section>
    </>
  )
}
