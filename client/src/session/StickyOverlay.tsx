// Badges drawn over the stickies, following the camera: the dots each sticky got (from converge
// on, once everyone may see them), this person's own dots with a control to add or take back one
// right where the idea is, and, once it is a task, its owner's name on their colour.
import { useSyncExternalStore } from 'react'
import type { Editor } from 'tldraw'
import type { PrivateRecords } from '../board/privateRecords.ts'
import { phaseIndex, type Phase, type Task } from '@sandbox/shared'
import { DotControl, OwnerBadge, VoteBadge } from './Badges.tsx'
import { useStickyPlacements } from './stickies.ts'
import { useStickyKeys } from './stickyKeys.ts'
import type { Voting } from './useVoting.ts'

export interface StickyOverlayProps {
  editor: Editor | null
  phase: Phase
  voting: Voting
  tasks: readonly Task[]
  /** This person's private stickies, marked "Only you" until the reveal. */
  privateRecords: PrivateRecords | null
}

const NO_IDS: ReadonlySet<string> = new Set()
const noSubscription = () => () => {}

export function StickyOverlay({ editor, phase, voting, tasks, privateRecords }: StickyOverlayProps) {
  const placements = useStickyPlacements(editor)
  const privateIds = useSyncExternalStore(privateRecords?.subscribe ?? noSubscription, () => privateRecords?.ids ?? NO_IDS)
  const showVotes = phaseIndex(phase) >= phaseIndex('converge')
  const showOwners = phaseIndex(phase) >= phaseIndex('split')
  const canVote = phase === 'converge' && voting.canVote
  const taskBySticky = new Map<string, Task>()
  for (const t of tasks) for (const id of t.sourceShapeIds) taskBySticky.set(id, t)
  useStickyKeys(editor, { voting: canVote ? voting : null, tasksBySticky: phase === 'split' ? taskBySticky : null })

  return (
    <div className="sticky-overlay">
      {placements.map((p) => {
        const count = showVotes ? (voting.tally?.get(p.id) ?? 0) : 0
        const mine = showVotes ? voting.mine(p.id) : 0
        const task = showOwners ? taskBySticky.get(p.id) : undefined
        const isPrivate = privateIds.has(p.id)
        if (count === 0 && mine === 0 && !task && !canVote && !isPrivate) return null
        return (
          <div key={p.id} className="sticky-badges" data-sticky-id={p.id} style={{ left: p.left, top: p.top, width: p.width, height: p.height }}>
            {isPrivate ? (
              <span className="private-badge" data-testid="private-badge" title="Only you can see this sticky until the facilitator reveals it">
                Only you
              </span>
            ) : null}
            {count > 0 ? <VoteBadge count={count} mine={mine > 0} /> : null}
            {canVote ? (
              <DotControl voting={voting} target={p.id} what="this sticky" />
            ) : mine > 0 && voting.tally === null ? (
              <VoteBadge count={mine} mine testId="my-vote-badge" title={`Your dots: ${mine}`} />
            ) : null}
            {task ? <OwnerBadge task={task} /> : null}
          </div>
        )
      })}
    </div>
  )
}
