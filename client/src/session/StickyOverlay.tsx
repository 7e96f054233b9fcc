// Badges drawn over the stickies, following the camera: the dots each sticky got (from converge
// on) and, once it is a task, its owner's name on their colour. Display only; clicks go through.
import type { Editor } from 'tldraw'
import { phaseIndex, tallyVotes, type ParticipantIds, type Phase, type Task, type VoteMap } from '@sandbox/shared'
import { useStickyPlacements } from './stickies.ts'

export interface StickyOverlayProps {
  editor: Editor | null
  phase: Phase
  votes: VoteMap
  participantIds: ParticipantIds
  tasks: readonly Task[]
  myId: string
}

export function StickyOverlay({ editor, phase, votes, participantIds, tasks, myId }: StickyOverlayProps) {
  const placements = useStickyPlacements(editor)
  const showVotes = phaseIndex(phase) >= phaseIndex('converge')
  const showOwners = phaseIndex(phase) >= phaseIndex('split')
  const tally = tallyVotes(votes, participantIds)
  const taskBySticky = new Map<string, Task>()
  for (const t of tasks) for (const id of t.sourceShapeIds) taskBySticky.set(id, t)

  return (
    <div className="sticky-overlay" aria-hidden="true">
      {placements.map((p) => {
        const count = showVotes ? (tally.get(p.id) ?? 0) : 0
        const mine = votes[`${myId}|${p.id}`] ?? 0
        const task = showOwners ? taskBySticky.get(p.id) : undefined
        if (count === 0 && !task) return null
        return (
          <div key={p.id} className="sticky-badges" data-sticky-id={p.id} style={{ left: p.left, top: p.top, width: p.width, height: p.height }}>
            {count > 0 ? (
              <span className={`vote-badge ${mine > 0 ? 'vote-badge--mine' : ''}`} data-testid="vote-badge" title={`${count} votes`}>
                <span className="vote-badge__dot" />
                {count}
              </span>
            ) : null}
            {task ? (
              <span
                className={`owner-badge ${task.ownerId ? '' : 'owner-badge--none'}`}
                data-testid="owner-badge"
                style={task.ownerId ? { backgroundColor: task.ownerColor ?? '#495057' } : undefined}
              >
                {task.ownerId ? task.ownerName : 'No owner yet'}
                {task.status === 'done' ? ' ✓' : ''}
              </span>
            ) : null}
          </div>
        )
      })}
    </div>
  )
}
