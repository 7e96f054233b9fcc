// One task in the split phase: its owner, and the ways to give it one — "I'll take it" for
// anyone, an owner picker for the facilitator.
import { useId } from 'react'
import type { Participant, Task } from '@sandbox/shared'
import { OwnerChip } from './OwnerChip.tsx'
import { possibleOwners, withOwner } from './ownership.ts'
import { serverNow } from './serverClock.ts'
import { useSession } from './SessionContext.ts'
import { useActions } from './useActions.ts'

export function SplitTaskRow({ task, participants }: { task: Task; participants: readonly Participant[] }) {
  const { participant } = useSession()
  const { isFacilitator, canWrite, write } = useActions()
  const selectId = useId()
  const me = participants.find((p) => p.id === participant.id) ?? participant
  const put = (next: Task) => write({ tasks: { [task.id]: next } })
  const isMine = task.ownerId === participant.id

  return (
    <li className={`task-row ${task.ownerId ? '' : 'task-row--unowned'}`} aria-label={task.title}>
      <div className="task-row__main">
        <span className="task-row__title">{task.title}</span>
        <OwnerChip task={task} />
      </div>
      {task.description ? <p className="task-description">{task.description}</p> : null}
      {canWrite ? (
        <div className="task-row__actions">
          {!task.ownerId ? (
            <button type="button" className="button button--primary button--small" onClick={() => put(withOwner(task, me, 'claim', serverNow()))}>
              I'll take it
            </button>
          ) : isMine && !isFacilitator ? (
            <button type="button" className="button button--ghost button--small" onClick={() => put(withOwner(task, null, 'claim', serverNow()))}>
              Give it back
            </button>
          ) : null}
          {isFacilitator ? (
            <>
              <label htmlFor={selectId} className="visually-hidden">
                Owner of “{task.title}”
              </label>
              <select
                id={selectId}
                className="input input--select"
                value={task.ownerId ?? ''}
                onChange={(e) => {
                  const owner = participants.find((p) => p.id === e.target.value) ?? null
                  put(withOwner(task, owner, 'assign', serverNow()))
                }}
              >
                <option value="">No owner</option>
                {possibleOwners(participants).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                    {p.id === participant.id ? ' (you)' : ''}
                  </option>
                ))}
                {task.ownerId && !participants.some((p) => p.id === task.ownerId) ? <option value={task.ownerId}>{task.ownerName}</option> : null}
              </select>
              <button type="button" className="button button--ghost button--small button--icon" aria-label={`Remove task “${task.title}”`} onClick={() => write({ tasks: { [task.id]: null } })}>
                ✕
              </button>
            </>
          ) : null}
        </div>
      ) : null}
    </li>
  )
}
