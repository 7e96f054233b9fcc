// Badges over the replayed stickies, as the live board showed them at that moment: the dots each
// sticky had (from converge on, and only once everyone could see them: a blind vote shows nothing
// until its reveal) and, once a sticky was a task, its owner on their colour. The same shared rules
// as the live board (visibleTally, phaseIndex), read from the replay's state instead of the doc.
// Without tldraw: the preview (ReplayPreview.tsx) places them over its own stickies, the canvas
// (ReplayBadges.tsx) over tldraw's.
import { useMemo } from 'react'
import { phaseIndex, Root, visibleTally, type Participant, type Phase, type Task, type VoteMap } from '@sandbox/shared'
import { possibleOwners } from '../session/ownership.ts'
import { OwnerBadge, VoteBadge } from '../session/Badges.tsx'
import type { StickyPlacement } from '../session/stickies.ts'
import { entryKey, type Entries } from './ReplayModel.ts'
// The badges' look is the live board's; pages load their own styles (the replay is its own chunk).
import '../styles/session-tasks.css'

/** The session map and the votes map of a replayed moment, as the doc held them. */
export function sessionAndVotes(view: Entries): { session: Record<string, unknown>; votes: VoteMap } {
  const session: Record<string, unknown> = {}
  const votes: Record<string, number> = {}
  const sessionPrefix = entryKey(Root.session, '')
  const votesPrefix = entryKey(Root.votes, '')
  for (const [key, value] of view) {
    if (key.startsWith(sessionPrefix)) session[key.slice(sessionPrefix.length)] = value
    else if (key.startsWith(votesPrefix) && typeof value === 'number') votes[key.slice(votesPrefix.length)] = value
  }
  return { session, votes }
}

export interface ReplayBadgeLayerProps {
  /** Where each sticky in view is drawn, in pixels from the board's top-left corner. */
  placements: readonly StickyPlacement[]
  view: Entries
  /** Changes whenever `view` does. */
  version: number
  phase: Phase | null
  people: readonly Participant[]
  tasks: readonly Task[]
}

export function ReplayBadgeLayer({ placements, view, version, phase, people, tasks }: ReplayBadgeLayerProps) {
  const tally = useMemo(() => {
    if (!phase || phaseIndex(phase) < phaseIndex('converge')) return null
    const { session, votes } = sessionAndVotes(view)
    return visibleTally(session, votes, new Set(possibleOwners(people).map((p) => p.id)))
    // `version` changes whenever the view does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, version, phase, people])
  const showOwners = phase !== null && phaseIndex(phase) >= phaseIndex('split')
  const taskBySticky = useMemo(() => {
    const byId = new Map<string, Task>()
    for (const t of tasks) for (const id of t.sourceShapeIds) byId.set(id, t)
    return byId
  }, [tasks])

  return (
    <div className="sticky-overlay replay-badges" aria-hidden="true">
      {placements.map((p) => {
        const count = tally?.get(p.id) ?? 0
        const task = showOwners ? taskBySticky.get(p.id) : undefined
        if (count === 0 && !task) return null
        return (
          <div key={p.id} className="sticky-badges" data-sticky-id={p.id} style={{ left: p.left, top: p.top, width: p.width, height: p.height }}>
            {count > 0 ? <VoteBadge count={count} /> : null}
            {task ? <OwnerBadge task={task} /> : null}
          </div>
        )
      })}
    </div>
  )
}
