import { describe, expect, it } from 'vitest'
import { changeBallot, checkFacilitationChange, privateWritingActive, sumBallots, visibleTally, votesHidden } from './facilitation.ts'

const everyone = { has: () => true }

describe('private writing', () => {
  it('is on only while the facilitator says so and the phase allows it', () => {
    expect(privateWritingActive({ privateWriting: true, phase: 'collaborate' })).toBe(true)
    expect(privateWritingActive({ privateWriting: true, phase: 'converge' })).toBe(false)
    expect(privateWritingActive({ privateWriting: false, phase: 'collaborate' })).toBe(false)
  })

  it('cannot be turned on after collaborate', () => {
    const before = { phase: 'converge', privateWriting: false }
    expect(checkFacilitationChange(before, { ...before, privateWriting: true }, ['privateWriting'], {}).ok).toBe(false)
    const early = { phase: 'frame', privateWriting: false }
    expect(checkFacilitationChange(early, { ...early, privateWriting: true }, ['privateWriting'], {}).ok).toBe(true)
  })
})

describe('blind voting', () => {
  it('hides counts until the reveal, then shows the totals the server wrote, never the ballots', () => {
    const votes = { 'p1|shape:a': 2 }
    expect(votesHidden({ hideVotes: true })).toBe(true)
    expect(visibleTally({ hideVotes: true }, votes, everyone)).toBeNull()
    expect(visibleTally({ hideVotes: true, votesRevealed: true, voteTotals: { 'shape:a': 3 } }, votes, everyone)).toEqual(new Map([['shape:a', 3]]))
    // Sessions from before blind voting (no field) and open voting tally the shared map.
    expect(visibleTally({}, votes, everyone)).toEqual(new Map([['shape:a', 2]]))
    expect(visibleTally({ hideVotes: false }, votes, everyone)).toEqual(new Map([['shape:a', 2]]))
  })

  it('lets the mode change only before anyone votes, and reveals only hidden votes in converge', () => {
    const fresh = { phase: 'converge', hideVotes: true }
    expect(checkFacilitationChange(fresh, { ...fresh, hideVotes: false }, ['hideVotes'], {}).ok).toBe(true)
    expect(checkFacilitationChange({ ...fresh, ballotsUsed: { p1: 1 } }, { ...fresh, hideVotes: false }, ['hideVotes'], {}).ok).toBe(false)
    expect(checkFacilitationChange(fresh, { ...fresh, hideVotes: false }, ['hideVotes'], { 'p1|shape:a': 1 }).ok).toBe(false)
    expect(checkFacilitationChange(fresh, { ...fresh, votesRevealed: true }, ['votesRevealed'], {}).ok).toBe(true)
    expect(checkFacilitationChange({ ...fresh, phase: 'collaborate' }, { ...fresh, phase: 'collaborate', votesRevealed: true }, ['votesRevealed'], {}).ok).toBe(false)
    expect(checkFacilitationChange({ phase: 'converge', hideVotes: false }, { phase: 'converge', hideVotes: false, votesRevealed: true }, ['votesRevealed'], {}).ok).toBe(false)
  })

  it('keeps each ballot within the limit and sums ballots into totals', () => {
    let ballot: Record<string, number> = {}
    for (const target of ['a', 'a', 'b']) {
      const next = changeBallot(ballot, target, 1, 3)
      if ('error' in next) throw new Error(next.error)
      ballot = next.ballot
    }
    expect(ballot).toEqual({ a: 2, b: 1 })
    expect(changeBallot(ballot, 'c', 1, 3)).toEqual({ error: 'You have used all 3 of your votes. Take one back to vote again.' })
    expect(changeBallot(ballot, 'c', -1, 3)).toHaveProperty('error')
    expect(changeBallot(ballot, 'b', -1, 3)).toEqual({ ballot: { a: 2 } })
    expect(sumBallots([ballot, { b: 1, c: 2 }])).toEqual({ a: 2, b: 2, c: 2 })
  })
})
