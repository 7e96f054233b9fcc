// The balance of modes (seed-article: "It's not a battle, it's a balance"): how long a session
// spent together (warm-up to split, and the review) and apart (execute), and per person what
// they brought: ideas written, votes cast, tasks owned and done, and how long after execution
// began they first started one. Computed from the session's document and its timeline, so the
// server's `GET /api/sessions/<id>/balance`, the review chart and a series page agree. Pure.
import { ballotsUsed, ideaCounts } from './facilitation.ts'
import { nameKey } from './identity.ts'
import type { Participant, Phase, Task } from './schema.ts'
import type { TimelineEvent } from './timeline.ts'
import { votesUsedBy, type VoteMap } from './votes.ts'

/** Phases spent together; `execute` is the one spent apart. */
export const TOGETHER_PHASES: readonly Phase[] = ['warmup', 'frame', 'collaborate', 'converge', 'split', 'review']

/** Someone owns more than this many times their fair share of the tasks: overload. */
export const OVERLOAD_FACTOR = 2

export interface PersonBalance {
  participantId: string
  name: string
  color: string | null
  ideas: number
  votes: number
  tasksOwned: number
  tasksDone: number
  /** From the start of execute (or from getting the task, if later) to their first task in doing or done; null: not yet. */
  msToFirstDoing: number | null
  /**
   * Counted in the fair share: a participant, or anyone who owns a task. A facilitator who runs
   * the session without taking tasks is not one more person the tasks should have been spread over.
   */
  sharesTasks: boolean
  overloaded: boolean
}

export interface SessionBalance {
  start: number
  end: number
  /** Warm-up to split, plus the review. */
  togetherMs: number
  /** Execute. */
  apartMs: number
  phaseMs: Record<Phase, number>
  people: PersonBalance[]
  /** Tasks per person if they were shared evenly among the people who share tasks (PersonBalance.sharesTasks). */
  fairShare: number
  totals: { ideas: number; votes: number; tasks: number; done: number }
}

export interface BalanceInput {
  start: number
  /** The last moment counted (the timeline's end, or now for a live session). */
  end: number
  events: readonly TimelineEvent[]
  tasks: readonly Task[]
  participants: readonly Participant[]
  votes: VoteMap
  /** `Y.Map('session')` as JSON: hidden ballots and unrevealed private stickies are counted from it. */
  session: Readonly<Record<string, unknown>>
}

const emptyPhases = (): Record<Phase, number> => ({ warmup: 0, frame: 0, collaborate: 0, converge: 0, split: 0, execute: 0, review: 0 })

/** Milliseconds spent in each phase, from the phase changes between `start` and `end`. */
export function phaseDurations(start: number, end: number, events: readonly TimelineEvent[]): { phaseMs: Record<Phase, number>; executeStartedAt: number | null } {
  const phaseMs = emptyPhases()
  const changes = events.filter((e): e is Extract<TimelineEvent, { type: 'phase' }> => e.type === 'phase').sort((a, b) => a.at - b.at || a.seq - b.seq)
  let phase: Phase = changes[0]?.from ?? 'warmup'
  let since = start
  let executeStartedAt: number | null = null
  for (const c of changes) {
    const at = Math.min(Math.max(c.at, since), end)
    phaseMs[phase] += at - since
    phase = c.phase
    since = at
    if (c.phase === 'execute' && executeStartedAt === null) executeStartedAt = at
  }
  phaseMs[phase] += Math.max(0, end - since)
  return { phaseMs, executeStartedAt }
}

export function computeBalance(input: BalanceInput): SessionBalance {
  const end = Math.max(input.start, input.end)
  const { phaseMs, executeStartedAt } = phaseDurations(input.start, end, input.events)
  const hiddenBallots = ballotsUsed(input.session)
  const privateIdeas = ideaCounts(input.session)

  const people = new Map<string, PersonBalance>()
  const person = (id: string, name: string, color: string | null): PersonBalance => {
    let p = people.get(id)
    if (!p) {
      p = { participantId: id, name, color, ideas: 0, votes: 0, tasksOwned: 0, tasksDone: 0, msToFirstDoing: null, sharesTasks: false, overloaded: false }
      people.set(id, p)
    }
    return p
  }
  const owners = input.participants.filter((p) => p.role !== 'viewer')
  for (const p of owners) {
    const b = person(p.id, p.name, p.color)
    b.sharesTasks = p.role === 'participant'
    b.votes = votesUsedBy(input.votes, p.id) + (hiddenBallots[p.id] ?? 0)
    b.ideas = privateIdeas[p.id] ?? 0
  }
  for (const t of input.tasks) {
    if (!t.ownerId) continue
    const b = person(t.ownerId, t.ownerName ?? 'Unknown', t.ownerColor)
    b.tasksOwned += 1
    b.sharesTasks = true
    if (t.status === 'done') b.tasksDone += 1
  }
  const ownedSince = new Map<string, number>()
  for (const e of [...input.events].sort((a, b) => a.at - b.at || a.seq - b.seq)) {
    if (e.type === 'sticky' && e.participantId) {
      const b = people.get(e.participantId)
      if (b) b.ideas += 1
    } else if (e.type === 'owner') {
      ownedSince.set(`${e.taskId}|${e.ownerId}`, e.at)
    } else if (e.type === 'status' && e.ownerId && e.status !== 'todo') {
      const b = people.get(e.ownerId)
      if (!b || b.msToFirstDoing !== null) continue
      const from = Math.max(executeStartedAt ?? e.at, ownedSince.get(`${e.taskId}|${e.ownerId}`) ?? 0)
      b.msToFirstDoing = Math.max(0, e.at - from)
    }
  }
  const list = [...people.values()].sort((a, b) => b.tasksOwned - a.tasksOwned || a.name.localeCompare(b.name))
  const ownedTotal = list.reduce((n, p) => n + p.tasksOwned, 0)
  const sharing = list.filter((p) => p.sharesTasks).length
  const fairShare = sharing > 0 ? ownedTotal / sharing : 0
  for (const p of list) p.overloaded = p.tasksOwned > OVERLOAD_FACTOR * fairShare
  const ideasByPeople = list.reduce((n, p) => n + p.ideas, 0)
  const unattributed = input.events.filter((e) => e.type === 'sticky' && !(e.participantId && people.has(e.participantId))).length
  return {
    start: input.start,
    end,
    togetherMs: TOGETHER_PHASES.reduce((n, ph) => n + phaseMs[ph], 0),
    apartMs: phaseMs.execute,
    phaseMs,
    people: list,
    fairShare,
    totals: {
      ideas: ideasByPeople + unattributed,
      votes: list.reduce((n, p) => n + p.votes, 0),
      tasks: input.tasks.length,
      done: input.tasks.filter((t) => t.status === 'done').length,
    },
  }
}

/** People who own more than OVERLOAD_FACTOR times their share of the tasks. */
export const overloaded = <P extends { overloaded: boolean }>(b: { people: readonly P[] }): P[] => b.people.filter((p) => p.overloaded)

export interface SeriesPerson {
  /** People are matched across sessions by name (case and spacing aside): there are no accounts. */
  key: string
  name: string
  sessions: number
  ideas: number
  votes: number
  tasksOwned: number
  tasksDone: number
  /** Mean over the sessions where they started a task; null if they never did. */
  meanMsToFirstDoing: number | null
  /** Shared tasks in at least one session (PersonBalance.sharesTasks). */
  sharesTasks: boolean
  overloaded: boolean
}

export interface SeriesBalance {
  sessions: number
  togetherMs: number
  apartMs: number
  phaseMs: Record<Phase, number>
  people: SeriesPerson[]
  fairShare: number
  totals: SessionBalance['totals']
}

/** Several sessions' balances summed, for a series of sessions. */
export function aggregateBalances(balances: readonly SessionBalance[]): SeriesBalance {
  const phaseMs = emptyPhases()
  const people = new Map<string, SeriesPerson & { doingSum: number; doingCount: number }>()
  const totals = { ideas: 0, votes: 0, tasks: 0, done: 0 }
  for (const b of balances) {
    for (const [ph, ms] of Object.entries(b.phaseMs) as [Phase, number][]) phaseMs[ph] += ms
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += b.totals[k]
    for (const p of b.people) {
      const key = nameKey(p.name)
      const s = people.get(key) ?? { key, name: p.name, sessions: 0, ideas: 0, votes: 0, tasksOwned: 0, tasksDone: 0, meanMsToFirstDoing: null, sharesTasks: false, overloaded: false, doingSum: 0, doingCount: 0 }
      s.sessions += 1
      s.ideas += p.ideas
      s.votes += p.votes
      s.tasksOwned += p.tasksOwned
      s.tasksDone += p.tasksDone
      s.sharesTasks ||= p.sharesTasks
      if (p.msToFirstDoing !== null) {
        s.doingSum += p.msToFirstDoing
        s.doingCount += 1
      }
      people.set(key, s)
    }
  }
  const list: SeriesPerson[] = [...people.values()].map(({ doingSum, doingCount, ...p }) => ({ ...p, meanMsToFirstDoing: doingCount > 0 ? doingSum / doingCount : null }))
  const owned = list.reduce((n, p) => n + p.tasksOwned, 0)
  const sharing = list.filter((p) => p.sharesTasks).length
  const fairShare = sharing > 0 ? owned / sharing : 0
  for (const p of list) p.overloaded = p.tasksOwned > OVERLOAD_FACTOR * fairShare
  list.sort((a, b) => b.tasksOwned - a.tasksOwned || a.name.localeCompare(b.name))
  return {
    sessions: balances.length,
    togetherMs: TOGETHER_PHASES.reduce((n, ph) => n + phaseMs[ph], 0),
    apartMs: phaseMs.execute,
    phaseMs,
    people: list,
    fairShare,
    totals,
  }
}

/** `GET /api/sessions/<id>/series/balance`: the series this session belongs to (or this session alone), summed and session by session. */
export interface SeriesBalanceResponse {
  series: SeriesBalance
  sessions: { id: string; title: string; position: number; togetherMs: number; apartMs: number; tasks: number; done: number }[]
}
