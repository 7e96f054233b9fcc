import { describe, expect, it } from 'vitest'
import { authorizeChange, emptyGuardedState, type Participant, type Task } from '@sandbox/shared'
import { balanceCandidates, balancedTasks, withOwner } from './ownership.ts'

const task = (id: string, ownerId: string | null = null): Task => ({
  id,
  title: `Task ${id}`,
  ownerId,
  ownerName: ownerId,
  ownerColor: ownerId ? '#1971c2' : null,
  ownerSource: ownerId ? 'assign' : null,
  status: 'todo',
  note: '',
  description: '',
  sourceShapeIds: [`shape:${id}`],
  createdAt: 1,
})
const person = (id: string, role: Participant['role'] = 'participant'): Participant => ({ id, name: id.toUpperCase(), color: '#2f9e44', role, joinedAt: 1 })

describe('ownership', () => {
  it('a claim changes only what the rules let a participant change', () => {
    const memberA: Participant = { id: 'p1', name: 'Member A', color: '#e03131', role: 'participant', joinedAt: 1 }
    const before = { ...emptyGuardedState(), participants: { p1: memberA }, tasks: { t1: task('t1') } }
    const claimed = withOwner(task('t1'), memberA, 'claim', 5)
    const after = { ...before, tasks: { t1: claimed } }
    expect(authorizeChange({ role: 'participant', participantId: 'p1', identified: true }, before, after)).toEqual({ ok: true })
    const givenBack = withOwner(claimed, null, 'claim', 6)
    expect(givenBack.ownerSource).toBeNull()
    expect(authorizeChange({ role: 'participant', participantId: 'p1', identified: true }, after, { ...before, tasks: { t1: givenBack } })).toEqual({ ok: true })
  })

  it('balances only among people who can own work and are here', () => {
    const people = [person('a'), person('b'), person('v', 'viewer'), person('f', 'facilitator')]
    expect(balanceCandidates(people, new Set(['a', 'v'])).map((c) => c.id)).toEqual(['a'])
    expect(balanceCandidates(people, new Set()).map((c) => c.id)).toEqual(['a', 'b', 'f'])
  })

  it('writes owners exactly as the server recorded them, so honest assignments are never refused', () => {
    const people = [person('a'), person('b'), person('f', 'facilitator'), person('v', 'viewer')]
    const tasks = [task('t1'), task('t2'), task('t3')]
    const before = { ...emptyGuardedState(), participants: Object.fromEntries(people.map((p) => [p.id, p])), tasks: Object.fromEntries(tasks.map((t) => [t.id, t])) }
    const facilitator = { role: 'facilitator' as const, participantId: 'f', identified: true }
    const balanced = balancedTasks(tasks, balanceCandidates(people, new Set()), 3, 10)
    expect(authorizeChange(facilitator, before, { ...before, tasks: { ...before.tasks, ...balanced } })).toEqual({ ok: true })
    const assigned = withOwner(task('t1'), people[1] as Participant, 'assign', 11)
    expect(authorizeChange(facilitator, before, { ...before, tasks: { ...before.tasks, t1: assigned } })).toEqual({ ok: true })
  })

  it('gives every unowned task an owner and leaves owned ones alone', () => {
    const tasks = [task('t1', 'a'), task('t2'), task('t3'), task('t4')]
    const out = balancedTasks(tasks, [{ id: 'a', name: 'A', color: '#e03131' }, { id: 'b', name: 'B', color: '#1971c2' }], 7, 10)
    expect(Object.keys(out).sort()).toEqual(['t2', 't3', 't4'])
    const load = Object.values(out).reduce<Record<string, number>>((acc, t) => ({ ...acc, [t.ownerId ?? '']: (acc[t.ownerId ?? ''] ?? 0) + 1 }), {})
    expect(load).toEqual({ a: 1, b: 2 })
    expect(Object.values(out).every((t) => t.ownerSource === 'balance' && t.updatedAt === 10)).toBe(true)
  })
})
