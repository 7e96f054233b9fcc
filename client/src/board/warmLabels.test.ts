import { describe, expect, it } from 'vitest'
import { nextToWarm } from './warmLabels.ts'

describe('which sticky labels to make ahead', () => {
  it('takes the nearest not yet made, up to the limit', () => {
    const around = [
      { id: 'a', distance: 300 },
      { id: 'b', distance: 100 },
      { id: 'c', distance: 200 },
      { id: 'd', distance: 50 },
    ]
    expect(nextToWarm(around, new Set(['d']), 2)).toEqual(['b', 'c'])
    expect(nextToWarm(around, new Set(['a', 'b', 'c', 'd']), 2)).toEqual([])
  })
})
