// A task's owner as a name on their colour, or a quiet "No owner yet".
import type { Task } from '@sandbox/shared'

const SOURCE_TEXT = { claim: 'claimed', assign: 'assigned', balance: 'auto-balanced' } as const

export function OwnerChip({ task, showSource = true }: { task: Task; showSource?: boolean }) {
  if (!task.ownerId) return <span className="owner-chip owner-chip--none">No owner yet</span>
  return (
    <span className="owner-chip" title={task.ownerSource ? `${task.ownerName} (${SOURCE_TEXT[task.ownerSource]})` : undefined}>
      <span className="dot" style={{ backgroundColor: task.ownerColor ?? '#868e96' }} aria-hidden="true" />
      <span className="owner-chip__name">{task.ownerName}</span>
      {showSource && task.ownerSource ? <span className="owner-chip__source">· {SOURCE_TEXT[task.ownerSource]}</span> : null}
    </span>
  )
}
