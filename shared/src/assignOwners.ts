// Auto-balance: give every unowned task to whoever owns fewest, deterministically for a seed.
// Claims and assignments already made are respected; only unowned tasks move.
import { seededShuffle } from './random.ts'
import type { Task } from './schema.ts'

export interface Candidate {
  id: string
  name: string
  color: string
}

/** Returns task id → candidate for every task that had no owner. */
export function balanceOwners(tasks: readonly Task[], candidates: readonly Candidate[], seed: number): Map<string, Candidate> {
  const result = new Map<string, Candidate>()
  if (candidates.length === 0) return result
  const load = new Map<string, number>(candidates.map((c) => [c.id, 0]))
  for (const task of tasks) {
    if (task.ownerId && load.has(task.ownerId)) load.set(task.ownerId, (load.get(task.ownerId) ?? 0) + 1)
  }
  // The shuffle decides who goes first among equals, so the same people do not always get more.
  const order = seededShuffle([...candidates].sort((a, b) => (a.id < b.id ? -1 : 1)), seed)
  const unowned = tasks.filter((t) => !t.ownerId).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
  for (const task of unowned) {
    let best = order[0] as Candidate
    for (const candidate of order) {
      if ((load.get(candidate.id) ?? 0) < (load.get(best.id) ?? 0)) best = candidate
    }
    result.set(task.id, best)
    load.set(best.id, (load.get(best.id) ?? 0) + 1)
  }
  return result
}
