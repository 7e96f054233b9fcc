// Pairing, CoffeePals-style: in the warm-up the facilitator splits the people present into pairs
// (one trio when the count is odd), avoiding pairs that already met in earlier sessions of the
// series, each pair with its own small-talk question; in the review each task gets a reviewer who
// is not its owner, balanced across people. Pure and seeded: the same people, history and seed give
// the same answer on every client and in the replay. The result lives in the guarded session fields
// `pairing` and `reviewBuddies`, written by the facilitator and judged by `checkPairingChange`.
// zod/mini: these schemas are part of the session's (schema.ts), which every page loads.
import { z } from 'zod/mini'
import type { ParticipantIds } from './permissions.ts'
import { seededShuffle } from './random.ts'

/** Conversation prompts for two or three people, in the spirit of "Coffee Maker" questions: light, about work habits, weak ties. */
export const PAIR_QUESTIONS: readonly string[] = [
  'What are you working on this week that the other person probably does not know about?',
  'Which team outside your own would you like to understand better, and why?',
  'What is one thing that makes a meeting worth your time?',
  'What did you learn recently from someone in another team?',
  'What is a small tool or trick that saves you time every day?',
  'What part of your work would you happily explain to a newcomer for an hour?',
  'What is the best thing that happened at work since we last met?',
  'Where do you get stuck most often, and who usually unsticks you?',
  'Which decision would you like to see made faster around here?',
  'What is something you would like to try, if nobody minded it failing?',
  'How do you like to be asked for help?',
  'What are you looking forward to outside work this month?',
]

const id = z.string().check(z.minLength(1), z.maxLength(128))

/** One pair (or the trio) and its question. */
export const pairGroupSchema = z.object({ ids: z.array(id).check(z.minLength(2), z.maxLength(3)), question: z.string().check(z.minLength(1), z.maxLength(300)) })
export type PairGroup = z.infer<typeof pairGroupSchema>

/** `session.pairing`: the last "Pair people up", or null before it (or after "Clear pairs"). */
export const pairingSchema = z.nullable(z.object({ at: z.int().check(z.nonnegative()), groups: z.array(pairGroupSchema).check(z.maxLength(500)) }))
export type Pairing = z.infer<typeof pairingSchema>

/** `session.reviewBuddies`: task id → the participant who reviews it. */
export const reviewBuddiesSchema = z.record(id, id)
export type ReviewBuddies = z.infer<typeof reviewBuddiesSchema>

export const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`)

/** Every two people who were in one group of these pairings: who already met. */
export function metPairsOf(pairings: Iterable<Pairing | undefined>): [string, string][] {
  const seen = new Map<string, [string, string]>()
  for (const pairing of pairings) {
    for (const group of pairing?.groups ?? []) {
      for (let i = 0; i < group.ids.length; i++) {
        for (let j = i + 1; j < group.ids.length; j++) {
          const a = group.ids[i] as string
          const b = group.ids[j] as string
          if (a !== b) seen.set(pairKey(a, b), a < b ? [a, b] : [b, a])
        }
      }
    }
  }
  return [...seen.values()].sort((x, y) => (pairKey(...x) < pairKey(...y) ? -1 : 1))
}

/** How many pairs inside a group already met. */
export function repeatsIn(group: readonly string[], met: ReadonlySet<string>): number {
  let n = 0
  for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) if (met.has(pairKey(group[i] as string, group[j] as string))) n++
  return n
}

/** Search steps tried per allowed number of repeats before allowing one more. */
const SEARCH_BUDGET = 20_000

/**
 * Splits `people` into pairs, one trio when the count is odd, with as few pairs that already met
 * (`met`) as the search finds: none while that is possible. Fewer than two people: no groups.
 */
export function pairUp(people: readonly string[], met: Iterable<readonly [string, string]>, seed: number): string[][] {
  const order = seededShuffle([...new Set(people)].sort(), seed)
  if (order.length < 2) return []
  const metKeys = new Set<string>()
  for (const [a, b] of met) metKeys.add(pairKey(a, b))
  const odd = order.length % 2 === 1
  const worst = (order.length * (order.length - 1)) / 2
  for (let allowed = 0; allowed <= worst; allowed++) {
    const budget = { left: SEARCH_BUDGET }
    const found = search(order, odd, allowed, 0, metKeys, budget, [])
    if (found) return found
  }
  // Unreachable in practice (every allowance up to all pairs ran out of budget): the shuffled order in twos.
  return chunk(order)
}

function chunk(order: readonly string[]): string[][] {
  const groups: string[][] = []
  for (let i = 0; i + 1 < order.length; i += 2) groups.push([order[i] as string, order[i + 1] as string])
  if (order.length % 2 === 1) groups[groups.length - 1]?.push(order[order.length - 1] as string)
  return groups
}

function search(
  remaining: readonly string[],
  trioLeft: boolean,
  allowed: number,
  used: number,
  met: ReadonlySet<string>,
  budget: { left: number },
  acc: string[][],
): string[][] | null {
  if (remaining.length === 0) return trioLeft ? null : acc
  if (--budget.left < 0) return null
  const [first, ...rest] = remaining as [string, ...string[]]
  const without = (...ids: string[]) => rest.filter((p) => !ids.includes(p))
  const candidates: { group: string[]; cost: number }[] = []
  if (!(trioLeft && remaining.length === 3)) {
    for (const partner of rest) candidates.push({ group: [first, partner], cost: repeatsIn([first, partner], met) })
  }
  if (trioLeft) {
    for (let i = 0; i < rest.length; i++) {
      for (let j = i + 1; j < rest.length; j++) {
        const group = [first, rest[i] as string, rest[j] as string]
        candidates.push({ group, cost: repeatsIn(group, met) })
      }
    }
  }
  // Pairs before the trio (so it tends to form last), cheaper first; the order is otherwise the seeded one.
  candidates.sort((a, b) => a.cost - b.cost || a.group.length - b.group.length)
  for (const { group, cost } of candidates) {
    if (used + cost > allowed) continue
    const found = search(without(...group.slice(1)), trioLeft && group.length === 2, allowed, used + cost, met, budget, [...acc, group])
    if (found) return found
    if (budget.left < 0) return null
  }
  return null
}

/** Each group with its own question (all different while the bank lasts), chosen by the seed. */
export function withQuestions(groups: readonly string[][], seed: number, bank: readonly string[] = PAIR_QUESTIONS): PairGroup[] {
  const questions = seededShuffle(bank, seed ^ 0x5bd1e995)
  return groups.map((ids, i) => ({ ids: [...ids], question: questions[i % questions.length] as string }))
}

export interface OwnedTask {
  id: string
  ownerId: string | null
}

/**
 * A reviewer for each task who is not its owner, spread so that reviews per person differ by at
 * most one whenever the owners allow it. A task whose only possible reviewer would be its owner
 * gets none.
 */
export function reviewBuddies(tasks: readonly OwnedTask[], people: readonly string[], seed: number): Record<string, string> {
  const order = seededShuffle([...new Set(people)].sort(), seed)
  const rank = new Map(order.map((p, i) => [p, i]))
  const load = new Map(order.map((p) => [p, 0]))
  const sortedTasks = seededShuffle([...tasks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), seed + 1)
  const reviewer = new Map<string, string>()
  const ownerOf = new Map(tasks.map((t) => [t.id, t.ownerId]))
  // Greedy: the least-loaded eligible person, in the seeded order.
  for (const task of sortedTasks) {
    let best: string | null = null
    for (const p of order) {
      if (p === task.ownerId) continue
      if (best === null || (load.get(p) as number) < (load.get(best) as number)) best = p
    }
    if (best === null) continue
    reviewer.set(task.id, best)
    load.set(best, (load.get(best) as number) + 1)
  }
  // Then move reviews along chains from the busiest people to anyone two or more below them.
  for (let guard = 0; guard < tasks.length * order.length + 1; guard++) {
    if (!rebalanceOnce(order, rank, load, reviewer, ownerOf)) break
  }
  return Object.fromEntries([...reviewer].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
}

function rebalanceOnce(
  order: readonly string[],
  rank: ReadonlyMap<string, number>,
  load: Map<string, number>,
  reviewer: Map<string, string>,
  ownerOf: ReadonlyMap<string, string | null>,
): boolean {
  const byLoad = [...order].sort((a, b) => (load.get(b) as number) - (load.get(a) as number) || (rank.get(a) as number) - (rank.get(b) as number))
  const tasksOf = (p: string) => [...reviewer].filter(([, r]) => r === p).map(([t]) => t).sort()
  for (const source of byLoad) {
    const sourceLoad = load.get(source) as number
    // Breadth-first over "p can hand one of its reviews to q" (q is not that task's owner).
    const via = new Map<string, { from: string; task: string }>()
    const queue = [source]
    const seen = new Set([source])
    while (queue.length > 0) {
      const p = queue.shift() as string
      for (const task of tasksOf(p)) {
        for (const q of order) {
          if (seen.has(q) || q === ownerOf.get(task)) continue
          seen.add(q)
          via.set(q, { from: p, task })
          if ((load.get(q) as number) <= sourceLoad - 2) {
            for (let at = q; at !== source; ) {
              const step = via.get(at) as { from: string; task: string }
              reviewer.set(step.task, at)
              at = step.from
            }
            load.set(source, sourceLoad - 1)
            load.set(q, (load.get(q) as number) + 1)
            return true
          }
          queue.push(q)
        }
      }
    }
  }
  return false
}

type SessionJSON = Readonly<Record<string, unknown>>
type Verdict = { ok: true } | { ok: false; reason: string }

/**
 * Judges the facilitator's `pairing` and `reviewBuddies` beyond their schema: every person a
 * participant of this session and in one group only; a reviewer is a participant and never the
 * task's owner.
 */
export function checkPairingChange(after: SessionJSON, keys: readonly string[], tasks: SessionJSON, participants: ParticipantIds): Verdict {
  if (keys.includes('pairing')) {
    const parsed = pairingSchema.safeParse(after.pairing)
    if (!parsed.success) return { ok: false, reason: 'Invalid pairs.' }
    const seen = new Set<string>()
    for (const group of parsed.data?.groups ?? []) {
      for (const p of group.ids) {
        if (seen.has(p)) return { ok: false, reason: 'Each person is in one pair only.' }
        if (!participants.has(p)) return { ok: false, reason: 'Only people who joined this session can be paired.' }
        seen.add(p)
      }
    }
  }
  if (keys.includes('reviewBuddies')) {
    const parsed = reviewBuddiesSchema.safeParse(after.reviewBuddies)
    if (!parsed.success) return { ok: false, reason: 'Invalid review buddies.' }
    for (const [taskId, reviewerId] of Object.entries(parsed.data)) {
      const task = tasks[taskId] as { ownerId?: unknown } | undefined
      if (!task) return { ok: false, reason: 'A review buddy is for a task of this session.' }
      if (task.ownerId === reviewerId) return { ok: false, reason: 'Nobody reviews their own task.' }
      if (!participants.has(reviewerId)) return { ok: false, reason: 'Only people who joined this session review tasks.' }
    }
  }
  return { ok: true }
}
