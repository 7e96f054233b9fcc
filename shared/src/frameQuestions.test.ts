import { describe, expect, it } from 'vitest'
import { FRAME_QUESTIONS, recommendMode } from './frameQuestions.ts'
import { frameAnswersSchema } from './schema.ts'

describe('recommendMode', () => {
  it('waits until all three questions are answered, and says which are missing', () => {
    expect(recommendMode({})).toEqual({ kind: 'incomplete', missing: ['clarity', 'priority', 'dependence'] })
    expect(recommendMode({ clarity: 'clear', dependence: 'independent' })).toEqual({ kind: 'incomplete', missing: ['priority'] })
  })

  it('recommends collaborating when the problem is ambiguous, needs buy-in and is interdependent', () => {
    const r = recommendMode({ clarity: 'ambiguous', priority: 'buy-in', dependence: 'interdependent' })
    expect(r.kind).toBe('collaborate')
    if (r.kind === 'collaborate') expect(r.collaborateSignals).toBe(3)
  })

  it('recommends splitting straight away for clear, fast, independent work', () => {
    const r = recommendMode({ clarity: 'clear', priority: 'speed', dependence: 'independent' })
    expect(r.kind).toBe('split')
    if (r.kind === 'split') expect(r.collaborateSignals).toBe(0)
  })

  it('follows the majority of the three answers', () => {
    expect(recommendMode({ clarity: 'ambiguous', priority: 'speed', dependence: 'interdependent' }).kind).toBe('collaborate')
    expect(recommendMode({ clarity: 'ambiguous', priority: 'speed', dependence: 'independent' }).kind).toBe('split')
    expect(recommendMode({ clarity: 'clear', priority: 'buy-in', dependence: 'independent' }).kind).toBe('split')
  })

  it('offers exactly the answers the session schema accepts', () => {
    for (const q of FRAME_QUESTIONS) {
      for (const o of q.options) expect(frameAnswersSchema.safeParse({ [q.id]: o.value }).success).toBe(true)
      expect(new Set(q.options.map((o) => o.points))).toEqual(new Set(['split', 'collaborate']))
    }
  })
})
