import { describe, expect, it } from 'vitest'
import { applyGuardedPatch, isEmptyPatch } from './guardedPatch.ts'
import { authorizeChange, emptyGuardedState } from './permissions.ts'

describe('applyGuardedPatch', () => {
  it('sets and deletes keys without touching the input', () => {
    const before = { ...emptyGuardedState(), votes: { 'p1|shape:a': 1, 'p1|shape:b': 2 } }
    const after = applyGuardedPatch(before, { votes: { 'p1|shape:a': null, 'p1|shape:c': 1 } })
    expect(after.votes).toEqual({ 'p1|shape:b': 2, 'p1|shape:c': 1 })
    expect(before.votes).toEqual({ 'p1|shape:a': 1, 'p1|shape:b': 2 })
  })

  it('lets the client ask the shared rules before writing', () => {
    const participants = { p1: { id: 'p1', name: 'Member A', color: '#e03131', role: 'participant', joinedAt: 1 } }
    const before = { ...emptyGuardedState(), session: { phase: 'converge', voteLimit: 1 }, participants }
    const vote = applyGuardedPatch(before, { votes: { 'p1|shape:a': 1 } })
    expect(authorizeChange({ role: 'participant', participantId: 'p1', identified: true }, before, vote).ok).toBe(true)
    const tooMany = applyGuardedPatch(before, { votes: { 'p1|shape:a': 2 } })
    expect(authorizeChange({ role: 'participant', participantId: 'p1', identified: true }, before, tooMany).ok).toBe(false)
  })

  it('knows an empty patch', () => {
    expect(isEmptyPatch({})).toBe(true)
    expect(isEmptyPatch({ tasks: {} })).toBe(true)
    expect(isEmptyPatch({ session: { phase: 'frame' } })).toBe(false)
  })
})
