import { describe, expect, it } from 'vitest'
import { castVote, retractVote, tallyVotes, topVoted, totalVotes, votesUsedBy } from './votes.ts'

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
    const everyone = new Set(['p1', 'p2', 'p3'])
    expect(tallyVotes(votes, everyone).get('shape:a')).toBe(2)
    expect(topVoted(votes, everyone, 2)).toEqual(['shape:a', 'shape:b'])
    expect(topVoted(votes, everyone, 10)).toEqual(['shape:a', 'shape:b', 'shape:c'])
  })

  it('counts only participants’ dots: anonymous sockets and made-up ids never move the ranking', () => {
    // Five reconnects of an anonymous socket, three dots each, all on one sticky.
    const stuffed: Record<string, number> = { 'p1|shape:a': 2, 'p2|shape:b': 1, 'p2|shape:a': 1 }
    for (let i = 1; i <= 5; i++) stuffed[`anon:${i}|shape:z`] = 3
    stuffed['p_madeup|shape:z'] = 3
    const participants = new Set(['p1', 'p2'])
    const tally = tallyVotes(stuffed, participants)
    expect(tally.get('shape:z')).toBeUndefined()
    expect(tally.get('shape:a')).toBe(3)
    expect(topVoted(stuffed, participants, 1)).toEqual(['shape:a'])
    expect(topVoted(stuffed, participants, 10)).not.toContain('shape:z')
    expect(totalVotes(stuffed, participants)).toBe(4)
  })
})
