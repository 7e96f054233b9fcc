import { describe, expect, it } from 'vitest'
import { authorizeChange, emptyGuardedState, type Actor, type GuardedState } from './permissions.ts'
import type { Task } from './schema.ts'

const facilitator: Actor = { role: 'facilitator', participantId: 'f', identified: true }
const memberA: Actor = { role: 'participant', participantId: 'memberA', identified: true }
const viewer: Actor = { role: 'viewer', participantId: 'v', identified: true }

const task = (over: Partial<Task> = {}): Task => ({
  id: 't1',
  title: 'Ship it',
  ownerId: null,
  ownerName: null,
  ownerColor: null,
  ownerSource: null,
  status: 'todo',
  note: '',
  sourceShapeIds: ['shape:a'],
  createdAt: 1,
  ...over,
})

const state = (over: Partial<GuardedState> = {}): GuardedState => ({
  ...emptyGuardedState(),
  session: { phase: 'converge', voteLimit: 2 },
  ...over,
})

const ok = (a: Actor, before: GuardedState, after: GuardedState) => authorizeChange(a, before, after).ok

describe('permissions', () => {
  it('lets only the facilitator change the phase, timer, vote limit and frame answers', () => {
    const before = state()
    for (const change of [{ phase: 'split' }, { voteLimit: 5 }, { timer: { state: 'idle', durationMs: 1000 } }, { frameAnswers: { clarity: 'clear' } }]) {
      const after = state({ session: { ...before.session, ...change } })
      expect(ok(facilitator, before, after)).toBe(true)
      expect(ok(memberA, before, after)).toBe(false)
      expect(ok(viewer, before, after)).toBe(false)
    }
  })

  it('refuses invalid session values and phase jumps even from the facilitator', () => {
    const before = state()
    expect(ok(facilitator, before, state({ session: { ...before.session, phase: 'review' } }))).toBe(false)
    expect(ok(facilitator, before, state({ session: { ...before.session, voteLimit: -1 } }))).toBe(false)
    expect(ok(facilitator, before, state({ session: { ...before.session, evil: 1 } }))).toBe(false)
  })

  it('holds the vote limit and lets people touch only their own votes, in converge', () => {
    const before = state({ votes: { 'memberA|shape:a': 1 } })
    expect(ok(memberA, before, state({ votes: { 'memberA|shape:a': 2 } }))).toBe(true)
    expect(ok(memberA, before, state({ votes: { 'memberA|shape:a': 1, 'memberA|shape:b': 2 } }))).toBe(false)
    expect(ok(memberA, before, state({ votes: {} }))).toBe(true)
    expect(ok(memberA, before, state({ votes: { 'memberA|shape:a': 1, 'memberB|shape:a': 1 } }))).toBe(false)
    const inSplit = state({ session: { phase: 'split', voteLimit: 2 }, votes: {} })
    expect(ok(memberA, inSplit, { ...inSplit, votes: { 'memberA|shape:a': 1 } })).toBe(false)
    // The facilitator may clear anyone's dots but not add to them.
    expect(ok(facilitator, before, state({ votes: {} }))).toBe(true)
    expect(ok(facilitator, before, state({ votes: { 'memberA|shape:a': 2 } }))).toBe(false)
  })

  it('lets a participant claim an unowned task, and change status and note of their own', () => {
    const before = state({ tasks: { t1: task() } })
    const claimed = task({ ownerId: 'memberA', ownerName: 'Member A', ownerSource: 'claim' })
    expect(ok(memberA, before, state({ tasks: { t1: claimed } }))).toBe(true)
    expect(ok(memberA, before, state({ tasks: { t1: { ...claimed, title: 'Renamed' } } }))).toBe(false)
    expect(ok(memberA, before, state({ tasks: { t1: task({ ownerId: 'memberB', ownerName: 'Member B' }) } }))).toBe(false)
    const owned = state({ tasks: { t1: claimed } })
    expect(ok(memberA, owned, state({ tasks: { t1: { ...claimed, status: 'doing', note: 'started' } } }))).toBe(true)
    expect(ok(memberA, owned, state({ tasks: { t1: { ...claimed, ownerId: 'memberB', ownerName: 'Member B' } } }))).toBe(false)
    const memberBs = state({ tasks: { t1: task({ ownerId: 'memberB', ownerName: 'Member B' }) } })
    expect(ok(memberA, memberBs, state({ tasks: { t1: task({ ownerId: 'memberB', ownerName: 'Member B', status: 'done' }) } }))).toBe(false)
  })

  it('lets only the facilitator create, assign and remove tasks', () => {
    const before = state()
    const created = state({ tasks: { t1: task() } })
    expect(ok(memberA, before, created)).toBe(false)
    expect(ok(facilitator, before, created)).toBe(true)
    expect(ok(facilitator, created, state({ tasks: { t1: task({ ownerId: 'memberA', ownerName: 'Member A', ownerSource: 'assign' }) } }))).toBe(true)
    expect(ok(memberA, created, before)).toBe(false)
    expect(ok(facilitator, created, before)).toBe(true)
    expect(ok(facilitator, before, state({ tasks: { t1: { id: 't1' } } }))).toBe(false)
  })

  it('never lets a client write participant records', () => {
    const before = state()
    expect(ok(facilitator, before, state({ participants: { x: { id: 'x' } } }))).toBe(false)
  })
})
