import { describe, expect, it } from 'vitest'
import { estimateOffset } from './serverClock.ts'

describe('estimateOffset', () => {
  it('assumes the server read its clock halfway through the round trip', () => {
    // Local 1000 → 1100; the server said 5050 at the midpoint (local 1050): offset 4000.
    expect(estimateOffset([{ sentAt: 1000, serverNow: 5050, receivedAt: 1100 }])).toBe(4000)
  })

  it('trusts the sample with the shortest round trip', () => {
    const samples = [
      { sentAt: 0, serverNow: 10_900, receivedAt: 1000 },
      { sentAt: 2000, serverNow: 12_010, receivedAt: 2020 },
      { sentAt: 3000, serverNow: 13_300, receivedAt: 3500 },
    ]
    expect(estimateOffset(samples)).toBe(10_000)
  })

  it('handles a server clock behind the client, and no usable samples', () => {
    expect(estimateOffset([{ sentAt: 10_000, serverNow: 4_010, receivedAt: 10_020 }])).toBe(-6000)
    expect(estimateOffset([])).toBe(0)
    expect(estimateOffset([{ sentAt: 10, serverNow: 0, receivedAt: 5 }])).toBe(0)
  })
})
