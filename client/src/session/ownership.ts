// The task edits of the split phase as plain functions: claim, give back, assign, auto-balance.
// Each returns whole task values (tasks are replaced whole in Y.Map('tasks')).
import { balanceOwners, type Candidate, type OwnerSource, type Participant, type Task } from '@sandbox/shared'

export interface Owner {
  id: string
  name: string
  color: string
}

export const withOwner = (task: Task, owner: Owner | null, source: OwnerSource, now: number): Task => ({
  ...task,
  ownerId: owner?.id ?? null,
  ownerName: owner?.name ?? null,
  ownerColor: owner?.color ?? null,
  ownerSource: owner ? source : null,
  updatedAt: Math.round(now),
})

/** People who can own work: everyone who joined except viewers. */
export const possibleOwners = (participants: readonly Participant[]): Participant[] => participants.filter((p) => p.role !== 'viewer')

/** Auto-balance candidates: possible owners on the board now (all of them if nobody is). */
export function balanceCandidates(participants: readonly Participant[], presentIds: ReadonlySet<string>): Candidate[] {
  const owners = possibleOwners(participants)
  const present = owners.filter((p) => presentIds.has(p.id))
  return (present.length > 0 ? present : owners).map((p) => ({ id: p.id, name: p.name, color: p.color }))
}

/** Task id → updated task, for every task that had no owner. */
export function balancedTasks(tasks: readonly Task[], candidates: readonly Candidate[], seed: number, now: number): Record<string, Task> {
  const out: Record<string, Task> = {}
  for (const [taskId, owner] of balanceOwners(tasks, candidates, seed)) {
    const task = tasks.find((t) => t.id === taskId)
    if (task) out[taskId] = withOwner(task, owner, 'balance', now)
  }
  return out
}
