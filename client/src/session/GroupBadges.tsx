// A group's dots on its frame, following the camera: the count once everyone may see it, this
// person's own dots while votes are hidden, and in converge a control to put a dot on the group
// (or take one back) right where it is. Stickies have theirs (StickyOverlay); these are the frames'.
import { useMemo } from 'react'
import type { Editor } from 'tldraw'
import { phaseIndex, type Phase } from '@sandbox/shared'
import '../styles/session-groups.css'
import { rankBoard } from './GroupChoices.tsx'
import { DotControl, VoteBadge } from './Badges.tsx'
import type { Sticky } from './stickies.ts'
import { useFramePlacements, useGroups } from './useGroups.ts'
import type { Voting } from './useVoting.ts'

export interface GroupBadgesProps {
  editor: Editor | null
  stickies: readonly Sticky[]
  phase: Phase
  voting: Voting
}

export function GroupBadges({ editor, stickies, phase, voting }: GroupBadgesProps) {
  const board = useGroups(editor, stickies)
  const ids = useMemo(() => board.groups.map((g) => g.id), [board])
  const placements = useFramePlacements(editor, ids)
  if (phaseIndex(phase) < phaseIndex('converge') || placements.length === 0) return null
  const canVote = phase === 'converge' && voting.canVote
  const totals = new Map(voting.tally ? rankBoard(board, voting.tally).map((c) => [c.id, c.votes]) : [])
  const names = new Map(board.groups.map((g) => [g.id, g.name]))
  return (
    <div className="sticky-overlay group-overlay">
      {placements.map((p) => {
        const count = totals.get(p.id) ?? 0
        const mine = voting.mine(p.id)
        if (count === 0 && mine === 0 && !canVote) return null
        const name = names.get(p.id) ?? ''
        return (
          <div key={p.id} className="sticky-badges group-badges" data-group-id={p.id} style={{ left: p.left, top: p.top, width: p.width, height: p.height }}>
            {count > 0 ? <VoteBadge count={count} mine={mine > 0} testId="group-vote-badge" title={`${count} votes for the group`} /> : null}
            {canVote ? (
              <DotControl voting={voting} target={p.id} what={`group “${name}” on the board`} />
            ) : mine > 0 && voting.tally === null ? (
              <span className="vote-badge vote-badge--mine group-badges__mine" aria-hidden="true">
                <span className="vote-badge__dot" />
                {mine}
              </span>
            ) : null}
          </div>
        )
      })}
    </div>
  )
}
