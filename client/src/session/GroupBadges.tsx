// A group's dots on its frame, following the camera: the count once everyone may see it, this
// person's own dots while votes are hidden, and in converge a control to put a dot on the group
// (or take one back) right where it is. Stickies have theirs (StickyOverlay); these are the frames'.
import { useMemo } from 'react'
import type { Editor } from 'tldraw'
import { phaseIndex, type Phase } from '@sandbox/shared'
import '../styles/session-groups.css'
import { rankBoard } from './GroupChoices.tsx'
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
            {count > 0 ? (
              <span className={`vote-badge ${mine > 0 ? 'vote-badge--mine' : ''}`} data-testid="group-vote-badge" title={`${count} votes for the group`} aria-hidden="true">
                <span className="vote-badge__dot" />
                {count}
              </span>
            ) : null}
            {canVote ? (
              <span className="sticky-vote">
                {mine > 0 ? (
                  <button type="button" className="sticky-vote__button sticky-vote__button--back" onClick={() => voting.takeBack(p.id)}>
                    <span aria-hidden="true">−</span>
                    <span className="visually-hidden">Take back a vote from group “{name}”</span>
                  </button>
                ) : null}
                <button
                  type="button"
                  className={`sticky-vote__button ${mine > 0 ? 'sticky-vote__button--mine' : ''}`}
                  aria-disabled={voting.left === 0}
                  title={voting.left === 0 ? 'You have used all your votes' : 'Put a dot on this group'}
                  onClick={() => voting.cast(p.id)}
                >
                  <span className="vote-badge__dot" aria-hidden="true" />
                  {/* The name is the sentence; the glyph and the count are what the eye reads. */}
                  <span aria-hidden="true">{mine > 0 ? mine : '+'}</span>
                  <span className="visually-hidden">{mine > 0 ? `Vote for group “${name}” on the board (your dots: ${mine})` : `Vote for group “${name}” on the board`}</span>
                </button>
              </span>
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
