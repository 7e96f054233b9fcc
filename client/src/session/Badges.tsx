// The badges drawn over a sticky or a group, the same on the live board and in the replay: its
// dots, its owner once it is a task, and (while voting) this person's dot control on it.
import type { Task } from '@sandbox/shared'
import type { Voting } from './useVoting.ts'

export function VoteBadge({ count, mine = false, testId = 'vote-badge', title = `${count} votes` }: { count: number; mine?: boolean; testId?: string; title?: string }) {
  return (
    <span className={`vote-badge ${mine ? 'vote-badge--mine' : ''}`} data-testid={testId} title={title} aria-hidden="true">
      <span className="vote-badge__dot" />
      {count}
    </span>
  )
}

export function OwnerBadge({ task }: { task: Task }) {
  return (
    <span
      className={`owner-badge ${task.ownerId ? '' : 'owner-badge--none'}`}
      data-testid="owner-badge"
      aria-hidden="true"
      style={task.ownerId ? { backgroundColor: task.ownerColor ?? '#495057' } : undefined}
    >
      {task.ownerId ? task.ownerName : 'No owner yet'}
      {task.status === 'done' ? ' ✓' : ''}
    </span>
  )
}

export interface DotControlProps {
  voting: Voting
  target: string
  /** How the target is named to assistive tech: "this sticky", "group “Onboarding” on the board". */
  what: string
}

/** Put a dot on the target, or take one back, right where it is on the board. */
export function DotControl({ voting, target, what }: DotControlProps) {
  const mine = voting.mine(target)
  return (
    <span className="sticky-vote" data-testid="sticky-vote">
      {mine > 0 ? (
        <button type="button" className="sticky-vote__button sticky-vote__button--back" onClick={() => voting.takeBack(target)}>
          <span aria-hidden="true">−</span>
          <span className="visually-hidden">Take back a vote from {what}</span>
        </button>
      ) : null}
      <button
        type="button"
        className={`sticky-vote__button ${mine > 0 ? 'sticky-vote__button--mine' : ''}`}
        aria-disabled={voting.left === 0}
        title={voting.left === 0 ? 'You have used all your votes' : `Put a dot on ${what}`}
        onClick={() => voting.cast(target)}
      >
        <span className="vote-badge__dot" aria-hidden="true" />
        {/* The name is the sentence; the glyph and the count are what the eye reads. */}
        <span aria-hidden="true">{mine > 0 ? mine : '+'}</span>
        <span className="visually-hidden">{mine > 0 ? `Vote for ${what} (your dots: ${mine})` : `Vote for ${what}`}</span>
      </button>
    </span>
  )
}
