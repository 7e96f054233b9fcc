// One task its owner works on: todo → doing → done and a short note. Presentational only: the
// caller decides where a change goes (`onChange`); without one the card is shown read-only, as
// on the my-tasks page before the live document is open.
import { useEffect, useId, useState } from 'react'
import { TASK_STATUSES, type Task, type TaskStatus } from '@sandbox/shared'
import '../styles/session-groups.css'
import '../styles/session-series.css'

export const STATUS_LABEL: Record<TaskStatus, string> = { todo: 'To do', doing: 'Doing', done: 'Done' }

export type TaskChange = Partial<Pick<Task, 'status' | 'note'>>

export function MyTaskCard({ task, onChange }: { task: Task; onChange?: ((changes: TaskChange) => void) | undefined }) {
  const noteId = useId()
  const [note, setNote] = useState(task.note)
  const [editing, setEditing] = useState(false)
  useEffect(() => {
    if (!editing) setNote(task.note)
  }, [task.note, editing])
  const readOnly = !onChange

  return (
    <li className={`my-task my-task--${task.status}`} aria-label={task.title}>
      <p className="my-task__title">
        {task.title} {task.carriedFrom ? <span className="series-tag">From last time</span> : null}
      </p>
      {task.description ? <p className="task-description">{task.description}</p> : null}
      <fieldset className="my-task__status" disabled={readOnly}>
        <legend className="visually-hidden">Status of “{task.title}”</legend>
        <div className="segmented segmented--small">
          {TASK_STATUSES.map((s) => (
            <label key={s} className={`segmented__option segmented__option--${s} ${task.status === s ? 'segmented__option--checked' : ''}`}>
              <input type="radio" name={`status-${task.id}`} value={s} checked={task.status === s} onChange={() => onChange?.({ status: s })} />
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
        readOnly={readOnly}
        placeholder="Where it stands, what is next, what is blocking it."
        value={note}
        onFocus={() => setEditing(true)}
        onChange={(e) => setNote(e.target.value)}
        onBlur={() => {
          setEditing(false)
          if (note !== task.note) onChange?.({ note })
        }}
      />
    </li>
  )
}
