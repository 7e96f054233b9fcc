// A task the person owns: move it todo → doing → done and keep a short note. Used in the
// execute panel and on the standalone "My tasks" page.
import { useEffect, useId, useState } from 'react'
import { TASK_STATUSES, type Task, type TaskStatus } from '@sandbox/shared'
import { serverNow } from './serverClock.ts'
import { useActions } from './useActions.ts'
import '../styles/session-groups.css'
import '../styles/session-series.css'

export const STATUS_LABEL: Record<TaskStatus, string> = { todo: 'To do', doing: 'Doing', done: 'Done' }

export function MyTaskItem({ task }: { task: Task }) {
  const { write } = useActions()
  const noteId = useId()
  const [note, setNote] = useState(task.note)
  const [editing, setEditing] = useState(false)
  useEffect(() => {
    if (!editing) setNote(task.note)
  }, [task.note, editing])
  const put = (changes: Partial<Pick<Task, 'status' | 'note'>>) => write({ tasks: { [task.id]: { ...task, ...changes, updatedAt: Math.round(serverNow()) } } })

  return (
    <li className={`my-task my-task--${task.status}`} aria-label={task.title}>
      <p className="my-task__title">
        {task.title} {task.carriedFrom ? <span className="series-tag">From last time</span> : null}
      </p>
      {task.description ? <p className="task-description">{task.description}</p> : null}
      <fieldset className="my-task__status">
        <legend className="visually-hidden">Status of “{task.title}”</legend>
        <div className="segmented segmented--small">
          {TASK_STATUSES.map((s) => (
            <label key={s} className={`segmented__option segmented__option--${s} ${task.status === s ? 'segmented__option--checked' : ''}`}>
              <input type="radio" name={`status-${task.id}`} value={s} checked={task.status === s} onChange={() => put({ status: s })} />
              {STATUS_LABEL[s]}
            </label>
          ))}
        </div>
      </fieldset>
      <label htmlFor={noteId} className="my-task__note-label">
        Note
      </label>
      <textarea
        id={noteId}
        className="input textarea textarea--small"
        rows={2}
        maxLength={4000}
        placeholder="Where it stands, what is next, what is blocking it."
        value={note}
        onFocus={() => setEditing(true)}
        onChange={(e) => setNote(e.target.value)}
        onBlur={() => {
          setEditing(false)
          if (note !== task.note) put({ note })
        }}
      />
    </li>
  )
}
