import { describe, expect, it } from 'vitest'
import { aggregateBalances, computeBalance, overloaded, phaseDurations, type BalanceInput } from './balance.ts'
import type { Participant, Phase, Task } from './schema.ts'
import type { TimelineEvent } from './timeline.ts'

const MIN = 60_000
const person = (id: string, name: string, role: Participant['role'] = 'participant'): Participant => ({ id, name, color: '#1971c2', role, joinedAt: 0 })
const task = (id: string, ownerId: string | null, status: Task['status'] = 'todo'): Task => ({
  id,
  title: id,
  ownerId,
  ownerName: ownerId ? `Name ${ownerId}` : null,
  ownerColor: null,
  ownerSource: 'claim',
  status,
  note: '',
  description: '',
  sourceShapeIds: [],
  createdAt: 0,
})
const phase = (at: number, p: Phase, from: Phase | null): TimelineEvent => ({ type: 'phase', at, seq: at, phase: p, from })

describe('phase durations', () => {
  it('counts warm-up from the start, each phase until the next, and the last until the end', () => {
    const events = [phase(2 * MIN, 'frame', 'warmup'), phase(5 * MIN, 'execute', 'frame'), phase(65 * MIN, 'review', 'execute')]
    const { phaseMs, executeStartedAt } = phaseDurations(0, 80 * MIN, events)
    expect(phaseMs).toMatchObject({ warmup: 2 * MIN, frame: 3 * MIN, execute: 60 * MIN, review: 15 * MIN, collaborate: 0 })
    expect(executeStartedAt).toBe(5 * MIN)
  })
})

describe('the balance of one session', () => {
  const participants = [person('a', 'First'), person('b', 'Second'), person('c', 'Third'), person('d', 'Fourth'), person('v', 'Watcher', 'viewer')]
  const events: TimelineEvent[] = [
    phase(10 * MIN, 'split', 'warmup'),
    { type: 'sticky', at: 1 * MIN, seq: 1, shapeId: 'shape:1', participantId: 'a' },
    { type: 'sticky', at: 2 * MIN, seq: 2, shapeId: 'shape:2', participantId: 'a' },
    { type: 'sticky', at: 3 * MIN, seq: 3, shapeId: 'shape:3', participantId: 'b' },
    { type: 'sticky', at: 4 * MIN, seq: 4, shapeId: 'shape:4', participantId: null },
    { type: 'owner', at: 11 * MIN, seq: 11, taskId: 't1', title: 't1', ownerId: 'a', ownerName: 'First', via: 'claim' },
    phase(20 * MIN, 'execute', 'split'),
    { type: 'status', at: 25 * MIN, seq: 25, taskId: 't1', ownerId: 'a', status: 'doing', from: 'todo' },
    { type: 'status', at: 26 * MIN, seq: 26, taskId: 't2', ownerId: 'a', status: 'doing', from: 'todo' },
    { type: 'owner', at: 30 * MIN, seq: 30, taskId: 't6', title: 't6', ownerId: 'b', ownerName: 'Second', via: 'assign' },
    { type: 'status', at: 32 * MIN, seq: 32, taskId: 't6', ownerId: 'b', status: 'done', from: 'todo' },
    phase(50 * MIN, 'review', 'execute'),
  ]
  const input: BalanceInput = {
    start: 0,
    end: 60 * MIN,
    events,
    tasks: [task('t1', 'a', 'done'), task('t2', 'a', 'doing'), task('t3', 'a'), task('t4', 'a'), task('t5', 'a'), task('t6', 'b', 'done'), task('t7', null)],
    participants,
    votes: { 'a|shape:1': 2, 'b|shape:2': 1, 'anon:x|shape:2': 3 },
    session: { ballotsUsed: { c: 3 }, ideaCounts: { d: 2 } },
  }
  const b = computeBalance(input)
  const byId = (id: string) => b.people.find((p) => p.participantId === id)

  it('splits the time into together (warm-up to split, review) and apart (execute)', () => {
    expect(b.togetherMs).toBe(20 * MIN + 10 * MIN)
    expect(b.apartMs).toBe(30 * MIN)
  })

  it('counts ideas, votes (open and hidden), tasks owned and done per person, viewers left out', () => {
    expect(byId('a')).toMatchObject({ ideas: 2, votes: 2, tasksOwned: 5, tasksDone: 1 })
    expect(byId('b')).toMatchObject({ ideas: 1, votes: 1, tasksOwned: 1, tasksDone: 1 })
    expect(byId('c')).toMatchObject({ votes: 3, tasksOwned: 0 })
    expect(byId('d')).toMatchObject({ ideas: 2 })
    expect(byId('v')).toBeUndefined()
    expect(b.totals).toEqual({ ideas: 6, votes: 6, tasks: 7, done: 2 })
  })

  it('measures time to first doing from the start of execute, or from getting the task when later', () => {
    expect(byId('a')?.msToFirstDoing).toBe(5 * MIN)
    expect(byId('b')?.msToFirstDoing).toBe(2 * MIN)
    expect(byId('c')?.msToFirstDoing).toBeNull()
  })

  it('flags whoever owns more than twice their share of the tasks', () => {
    // 6 owned tasks over 4 people: a share of 1.5; 5 > 3.
    expect(b.fairShare).toBe(1.5)
    expect(overloaded(b).map((p) => p.participantId)).toEqual(['a'])
    expect(b.people[0]?.participantId).toBe('a')
  })

  it('flags nobody when the work is shared evenly, or with two people or fewer', () => {
    const even = computeBalance({ ...input, tasks: [task('t1', 'a'), task('t2', 'b'), task('t3', 'c'), task('t4', 'd')] })
    expect(overloaded(even)).toEqual([])
    const pair = computeBalance({ ...input, participants: participants.slice(0, 2), tasks: [task('t1', 'a'), task('t2', 'a'), task('t3', 'a')] })
    expect(overloaded(pair)).toEqual([])
  })

  it('spreads the fair share over the people who take tasks, not over a facilitator who takes none', () => {
    const withHosts = [person('a', 'First'), person('b', 'Second'), person('f', 'Host', 'facilitator'), person('g', 'Tool', 'facilitator')]
    const even = computeBalance({ ...input, participants: withHosts, tasks: [task('t1', 'a'), task('t2', 'a'), task('t3', 'b'), task('t4', 'b')] })
    expect(even.fairShare).toBe(2)
    expect(overloaded(even)).toEqual([])
    const series = aggregateBalances([even, even])
    expect(series.fairShare).toBe(4)
    expect(series.people.filter((p) => p.overloaded)).toEqual([])
    // A facilitator who takes a task shares the work like anyone else.
    const hostTakes = computeBalance({ ...input, participants: withHosts, tasks: [task('t1', 'a'), task('t2', 'b'), task('t3', 'f')] })
    expect(hostTakes.fairShare).toBe(1)
  })
})

describe('a series of sessions', () => {
  it('sums the time and each person (matched by name) across sessions', () => {
    const one = computeBalance({
      start: 0,
      end: 10 * MIN,
      events: [phase(4 * MIN, 'execute', 'split')],
      tasks: [task('t1', 'a', 'done')],
      participants: [person('a', 'Same Person'), person('b', 'Other')],
      votes: {},
      session: {},
    })
    const two = computeBalance({
      start: 0,
      end: 10 * MIN,
      events: [phase(1 * MIN, 'execute', 'split'), { type: 'status', at: 3 * MIN, seq: 3, taskId: 't1', ownerId: 'z', status: 'doing', from: 'todo' }],
      tasks: [task('t1', 'z')],
      participants: [person('z', 'same  person')],
      votes: {},
      session: {},
    })
    const series = aggregateBalances([one, two])
    expect(series.sessions).toBe(2)
    expect(series.apartMs).toBe(6 * MIN + 9 * MIN)
    expect(series.togetherMs).toBe(4 * MIN + 1 * MIN)
    const same = series.people.find((p) => p.key === 'sameperson')
    expect(same).toMatchObject({ sessions: 2, tasksOwned: 2, tasksDone: 1, meanMsToFirstDoing: 2 * MIN })
    expect(series.people).toHaveLength(2)
  })
})
