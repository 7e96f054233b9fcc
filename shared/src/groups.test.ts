import { describe, expect, it } from 'vitest'
import { cutOff, groupStickies, rankChoices, tieSentence, type BoardFrame, type BoardNote } from './groups.ts'

const PAGE = 'page:page'
const note = (id: string, parentId = PAGE, x = 0, y = 0): BoardNote => ({ id, text: id, parentId, bounds: { x, y, w: 200, h: 200 } })
const frame = (id: string, name: string, x: number, y: number, w = 600, h = 400): BoardFrame => ({ id, name, parentId: PAGE, bounds: { x, y, w, h } })

describe('groups', () => {
  it('groups the stickies inside each frame under the frame’s name; the rest stay ungrouped', () => {
    const frames = [frame('shape:f2', 'Later', 0, 1000), frame('shape:f1', '  Onboarding  ', 0, 0), frame('shape:empty', 'Nothing here', 2000, 0)]
    const notes = [note('shape:a', 'shape:f1'), note('shape:b', 'shape:f1'), note('shape:c', 'shape:f2'), note('shape:d', PAGE, 5000, 5000)]
    const grouping = groupStickies(notes, frames)
    expect(grouping.groups).toEqual([
      { id: 'shape:f1', name: 'Onboarding', stickyIds: ['shape:a', 'shape:b'] },
      { id: 'shape:f2', name: 'Later', stickyIds: ['shape:c'] },
    ])
    expect(grouping.ungrouped).toEqual(['shape:d'])
    expect(grouping.groupOf.get('shape:b')).toBe('shape:f1')
  })

  it('counts a sticky left on the page with its centre inside a frame as in it (the smallest frame)', () => {
    const frames = [frame('shape:big', 'Big', 0, 0, 2000, 2000), frame('shape:small', '', 100, 100, 500, 500)]
    const notes = [note('shape:inSmall', PAGE, 200, 200), note('shape:inBig', PAGE, 1200, 1200), note('shape:edge', PAGE, -150, 500)]
    const grouping = groupStickies(notes, frames)
    expect(grouping.groupOf.get('shape:inSmall')).toBe('shape:small')
    expect(grouping.groupOf.get('shape:inBig')).toBe('shape:big')
    // Overlapping the frame with its centre outside: not in the group.
    expect(grouping.ungrouped).toEqual(['shape:edge'])
    expect(grouping.groups.find((g) => g.id === 'shape:small')?.name).toBe('Untitled group')
  })
})

describe('ranking', () => {
  const grouping = { groups: [{ id: 'shape:f', name: 'G', stickyIds: ['shape:a', 'shape:b'] }], ungrouped: ['shape:c', 'shape:d', 'shape:e'] }

  it('ranks groups and ungrouped stickies together; a group has its frame’s dots and its stickies’', () => {
    const tally = new Map([
      ['shape:f', 2],
      ['shape:a', 1],
      ['shape:c', 4],
      ['shape:d', 1],
    ])
    expect(rankChoices(grouping, tally)).toEqual([
      { kind: 'sticky', id: 'shape:c', votes: 4 },
      { kind: 'group', id: 'shape:f', votes: 3 },
      { kind: 'sticky', id: 'shape:d', votes: 1 },
      { kind: 'sticky', id: 'shape:e', votes: 0 },
    ])
  })

  it('picks the top N with dots when the cut-off falls between two counts', () => {
    const ranked = rankChoices(grouping, new Map([['shape:f', 3], ['shape:c', 2], ['shape:d', 1]]))
    expect(cutOff(ranked, 2)).toEqual({ picked: ['shape:f', 'shape:c'], tied: [], places: 0 })
    // Fewer voted choices than places: every voted one, nothing with no dots.
    expect(cutOff(ranked, 5)).toEqual({ picked: ['shape:f', 'shape:c', 'shape:d'], tied: [], places: 0 })
  })

  it('leaves a tie at the cut-off to the facilitator instead of cutting it silently', () => {
    const ranked = rankChoices(grouping, new Map([['shape:f', 3], ['shape:c', 1], ['shape:d', 1], ['shape:e', 1]]))
    const cut = cutOff(ranked, 2)
    expect(cut).toEqual({ picked: ['shape:f'], tied: ['shape:c', 'shape:d', 'shape:e'], places: 1 })
    expect(tieSentence(cut, ['sticky', 'sticky', 'sticky'])).toBe('3 stickies tie for the last place — choose 1.')
    // Ties that fit entirely under the cut-off are no tie at the cut-off.
    expect(cutOff(ranked, 4)).toEqual({ picked: ['shape:f', 'shape:c', 'shape:d', 'shape:e'], tied: [], places: 0 })
    const allTied = cutOff(ranked.slice(1), 2)
    expect(allTied).toEqual({ picked: [], tied: ['shape:c', 'shape:d', 'shape:e'], places: 2 })
    expect(tieSentence(allTied, ['sticky', 'group', 'sticky'])).toBe('3 ideas tie for the last 2 places — choose 2.')
    expect(tieSentence({ picked: ['x'], tied: [], places: 0 }, [])).toBe('')
  })
})
