import { describe, expect, it } from 'vitest'
import { castVote, retractVote, tallyVotes, topVoted, votesUsedBy } from './votes.ts'

describe('dot voting', () => {
  it('counts each participant’s dots and holds the limit', () => {
    const votes = { 'p1|shape:a': 2, 'p1|shape:b': 1, 'p2|shape:a': 1 }
    expect(votesUsedBy(votes, 'p1')).toBe(3)
    expect(castVote(votes, 'p1', 'shape:c', 3)).toHaveProperty('error')
    expect(castVote(votes, 'p2', 'shape:a', 3)).toEqual({ key: 'p2|shape:a', count: 2 })
  })

  it('takes a vote back, removing the key at zero', () => {
    const votes = { 'p1|shape:a': 2, 'p1|shape:b': 1 }
    expect(retractVote(votes, 'p1', 'shape:a')).toEqual({ key: 'p1|shape:a', count: 1 })
    expect(retractVote(votes, 'p1', 'shape:b')).toEqual({ key: 'p1|shape:b', count: null })
    expect(retractVote(votes, 'p1', 'shape:c')).toHaveProperty('error')
  })

  it('tallies per sticky and orders the top voted stably', () => {
    const votes = { 'p1|shape:a': 1, 'p2|shape:b': 2, 'p3|shape:a': 1, 'p3|shape:c': 1 }
    expect(tallyVotes(votes).get('shape:a')).toBe(2)
    expect(topVoted(votes, 2)).toEqual(['shape:a', 'shape:b'])
    expect(topVoted(votes, 10)).toEqual(['shape:a', 'shape:b', 'shape:c'])
  })
})
