import { describe, expect, it } from 'vitest'
import { authorizeChange, emptyGuardedState, type Actor, type GuardedState } from './permissions.ts'
import type { Participant, Task } from './schema.ts'

const facilitator: Actor = { role: 'facilitator', participantId: 'f', identified: true }
const memberA: Actor = { role: 'participant', participantId: 'memberA', identified: true }
const viewer: Actor = { role: 'viewer', participantId: 'v', identified: true }
/** A socket opened with the participant link but no participant key. */
const anonymous: Actor = { role: 'participant', participantId: 'anon:7', identified: false }

const record = (id: string, name: string, color: string, role: Participant['role'] = 'participant'): Participant => ({ id, name, color, role, joinedAt: 1 })
/** What the server wrote when these people joined. */
const people: Record<string, Participant> = {
  f: record('f', 'Host', '#1971c2', 'facilitator'),
  memberA: record('memberA', 'Member A', '#e03131'),
  memberB: record('memberB', 'Member B', '#2f9e44'),
  v: record('v', 'Old viewer', '#9c36b5', 'viewer'),
}
const asOwner = (id: keyof typeof people) => ({ ownerId: id, ownerName: people[id]?.name as string, ownerColor: people[id]?.color as string })

const task = (over: Partial<Task> = {}): Task => ({
  id: 't1',
  title: 'Ship it',
  ownerId: null,
  ownerName: null,
  ownerColor: null,
  ownerSource: null,
  status: 'todo',
  note: '',
  description: '',
  sourceShapeIds: ['shape:a'],
  createdAt: 1,
  ...over,
})

const state = (over: Partial<GuardedState> = {}): GuardedState => ({
  ...emptyGuardedState(),
  session: { phase: 'converge', voteLimit: 2 },
  participants: people,
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
    const claimed = task({ ...asOwner('memberA'), ownerSource: 'claim' })
    expect(ok(memberA, before, state({ tasks: { t1: claimed } }))).toBe(true)
    expect(ok(memberA, before, state({ tasks: { t1: { ...claimed, title: 'Renamed' } } }))).toBe(false)
    expect(ok(memberA, before, state({ tasks: { t1: task(asOwner('memberB')) } }))).toBe(false)
    const owned = state({ tasks: { t1: claimed } })
    expect(ok(memberA, owned, state({ tasks: { t1: { ...claimed, status: 'doing', note: 'started' } } }))).toBe(true)
    expect(ok(memberA, owned, state({ tasks: { t1: { ...claimed, ...asOwner('memberB') } } }))).toBe(false)
    const memberBs = state({ tasks: { t1: task(asOwner('memberB')) } })
    expect(ok(memberA, memberBs, state({ tasks: { t1: task({ ...asOwner('memberB'), status: 'done' }) } }))).toBe(false)
    // Giving it back clears the owner's name and colour with it.
    expect(ok(memberA, owned, state({ tasks: { t1: { ...claimed, ownerId: null, ownerName: null, ownerColor: null, ownerSource: null } } }))).toBe(true)
    expect(ok(memberA, owned, state({ tasks: { t1: { ...claimed, ownerId: null, ownerSource: null } } }))).toBe(false)
  })

  it('lets only the facilitator create, assign and remove tasks', () => {
    const before = state()
    const created = state({ tasks: { t1: task() } })
    expect(ok(memberA, before, created)).toBe(false)
    expect(ok(facilitator, before, created)).toBe(true)
    expect(ok(facilitator, created, state({ tasks: { t1: task({ ...asOwner('memberA'), ownerSource: 'assign' }) } }))).toBe(true)
    expect(ok(memberA, created, before)).toBe(false)
    expect(ok(facilitator, created, before)).toBe(true)
    expect(ok(facilitator, before, state({ tasks: { t1: { id: 't1' } } }))).toBe(false)
  })

  it('never lets a client write participant records', () => {
    const before = state()
    expect(ok(facilitator, before, state({ participants: { x: { id: 'x' } } }))).toBe(false)
  })

  it('never lets an anonymous connection vote or claim, even though it can edit stickies', () => {
    const before = state({ tasks: { t1: task() } })
    expect(authorizeChange(anonymous, before, state({ tasks: { t1: task() }, votes: { 'anon:7|shape:a': 1 } }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/join the session with your name to vote/i),
    })
    const claim = task({ ownerId: 'anon:7', ownerName: 'Guest', ownerColor: '#868e96', ownerSource: 'claim' })
    expect(authorizeChange(anonymous, before, state({ tasks: { t1: claim } }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/join the session with your name to claim/i),
    })
    // An anonymous facilitator can run the session but not vote, nor own a task.
    const anonymousFacilitator: Actor = { role: 'facilitator', participantId: 'anon:8', identified: false }
    expect(ok(anonymousFacilitator, before, state({ tasks: { t1: task() }, votes: { 'anon:8|shape:a': 1 } }))).toBe(false)
    expect(ok(anonymousFacilitator, before, state({ tasks: { t1: task({ ownerId: 'anon:8', ownerName: 'Host', ownerColor: '#1971c2' }) } }))).toBe(false)
    expect(ok(anonymousFacilitator, before, state({ tasks: { t1: task(asOwner('memberA')) } }))).toBe(true)
  })

  it('counts only people with a participant record as voters', () => {
    // A verified id from another session (participant keys are server-wide) that never joined this one.
    const stranger: Actor = { role: 'participant', participantId: 'p_elsewhere', identified: true }
    expect(authorizeChange(stranger, state(), state({ votes: { 'p_elsewhere|shape:a': 1 } }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/joined this session/),
    })
    const oldViewer: Actor = { role: 'participant', participantId: 'v', identified: true }
    expect(ok(oldViewer, state(), state({ votes: { 'v|shape:a': 1 } }))).toBe(false)
  })

  it('takes owner names and colours from the participant record, for claims and assignments alike', () => {
    const before = state({ tasks: { t1: task() } })
    const forged = { ownerName: 'Host', ownerColor: '#000000' }
    for (const over of [forged, { ownerName: 'Host' }, { ownerColor: '#000000' }, { ownerColor: null }]) {
      const verdict = authorizeChange(memberA, before, state({ tasks: { t1: task({ ...asOwner('memberA'), ...over, ownerSource: 'claim' }) } }))
      expect(verdict, JSON.stringify(over)).toEqual({ ok: false, reason: expect.stringMatching(/record of Member A/) })
      expect(ok(facilitator, before, state({ tasks: { t1: task({ ...asOwner('memberA'), ...over, ownerSource: 'assign' }) } })), JSON.stringify(over)).toBe(false)
    }
    // Nobody can be given a task who has not joined, or who joined as a viewer.
    for (const ownerId of ['p_madeup', 'anon:3', 'v']) {
      const verdict = authorizeChange(facilitator, before, state({ tasks: { t1: task({ ownerId, ownerName: 'X', ownerColor: '#000000' }) } }))
      expect(verdict, ownerId).toEqual({ ok: false, reason: expect.stringMatching(/joined this session as a participant/) })
    }
    // A new task is judged the same way; an unowned one carries no owner name.
    expect(ok(facilitator, state(), state({ tasks: { t1: task({ ownerId: 'memberB', ownerName: 'Member A', ownerColor: '#2f9e44' }) } }))).toBe(false)
    expect(ok(facilitator, state(), state({ tasks: { t1: task({ ownerName: 'Host' }) } }))).toBe(false)
    expect(ok(facilitator, state(), state({ tasks: { t1: task(asOwner('memberB')) } }))).toBe(true)
  })

  it('lets an owner update a task after being renamed, without re-judging the owner fields', () => {
    const owned = state({ tasks: { t1: task({ ...asOwner('memberA'), ownerSource: 'claim' }) } })
    const renamed = { ...people, memberA: { ...(people.memberA as Participant), name: 'Member A2' } }
    const before = { ...owned, participants: renamed }
    const after = { ...before, tasks: { t1: task({ ...asOwner('memberA'), ownerSource: 'claim', status: 'done' }) } }
    expect(ok(memberA, before, after)).toBe(true)
  })

  it('holds the split gate against owners who are not participants', () => {
    const inSplit = (owner: Partial<Task>) => state({ session: { phase: 'split' }, tasks: { t1: task(owner) } })
    const toExecute = (s: GuardedState) => ({ ...s, session: { phase: 'execute' } })
    expect(ok(facilitator, inSplit(asOwner('memberA')), toExecute(inSplit(asOwner('memberA'))))).toBe(true)
    // Owned by an anonymous id (written before this rule existed): the gate still sees no owner.
    const stale = inSplit({ ownerId: 'anon:7', ownerName: 'Guest', ownerColor: '#868e96' })
    expect(authorizeChange(facilitator, stale, toExecute(stale))).toEqual({ ok: false, reason: expect.stringContaining('no owner') })
  })
})
