import { describe, expect, it } from 'vitest'
import { FRAME_QUESTIONS, frameDecision, groupAgreement, majorityAnswers, recommendMode, tallyFrameAnswers } from './frameQuestions.ts'
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

describe('the group’s answers', () => {
  const group = {
    a: { clarity: 'ambiguous', priority: 'buy-in', dependence: 'interdependent' },
    b: { clarity: 'ambiguous', priority: 'speed', dependence: 'interdependent' },
    c: { clarity: 'ambiguous', priority: 'buy-in', dependence: 'interdependent' },
    d: { clarity: 'clear', priority: 'speed' },
    e: { clarity: 'ambiguous', priority: 'buy-in', dependence: 'interdependent' },
  }

  it('counts each option per question and who answered, skipping invalid values and people who do not count', () => {
    const tally = tallyFrameAnswers({ ...group, junk: { clarity: 'maybe' }, viewer: { clarity: 'clear' } }, { has: (id) => id !== 'viewer' })
    expect(tally.respondents).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(tally.questions).toEqual([
      { id: 'clarity', counts: { clear: 1, ambiguous: 4 }, answered: 5 },
      { id: 'priority', counts: { speed: 2, 'buy-in': 3 }, answered: 5 },
      { id: 'dependence', counts: { independent: 0, interdependent: 4 }, answered: 4 },
    ])
  })

  it('prefills the decision with the majority, leaves ties open, and lets the facilitator’s decision win', () => {
    const tally = tallyFrameAnswers(group)
    expect(majorityAnswers(tally)).toEqual({ clarity: 'ambiguous', priority: 'buy-in', dependence: 'interdependent' })
    const tied = tallyFrameAnswers({ a: { clarity: 'clear' }, b: { clarity: 'ambiguous' } })
    expect(majorityAnswers(tied)).toEqual({})
    expect(frameDecision({ priority: 'speed' }, tally)).toEqual({ clarity: 'ambiguous', priority: 'speed', dependence: 'interdependent' })
  })

  it('says how strongly the group agrees with the recommendation', () => {
    const tally = tallyFrameAnswers(group)
    const r = recommendMode(frameDecision({}, tally), tally)
    expect(r.kind).toBe('collaborate')
    if (r.kind === 'incomplete') return
    expect(r.agreement?.strength).toBe('most')
    expect(r.agreement?.questions.map((q) => q.sentence)).toEqual(['4 of 5 say ambiguous', '3 of 5 say buy-in', '4 of 4 say interdependent'])
    expect(r.agreement?.summary).toBe('Most of the group agrees: 4 of 5 say ambiguous, 3 of 5 say buy-in, 4 of 4 say interdependent.')
  })

  it('calls a decision the group did not mostly give divided, and a shared one unanimous', () => {
    const tally = tallyFrameAnswers(group)
    expect(groupAgreement({ clarity: 'clear', priority: 'buy-in', dependence: 'interdependent' }, tally).strength).toBe('divided')
    const same = tallyFrameAnswers({ a: group.a, c: group.c })
    const unanimous = groupAgreement(frameDecision({}, same), same)
    expect(unanimous.strength).toBe('unanimous')
    expect(unanimous.summary).toBe('The group is unanimous: 2 of 2 say ambiguous, 2 of 2 say buy-in, 2 of 2 say interdependent.')
    expect(groupAgreement({ clarity: 'clear' }, tallyFrameAnswers({})).strength).toBe('unknown')
    // A tie backs neither side.
    const tie = tallyFrameAnswers({ a: { clarity: 'clear' }, b: { clarity: 'ambiguous' } })
    expect(groupAgreement({ clarity: 'clear' }, tie).strength).toBe('divided')
  })

  it('gives no agreement when asked without the group', () => {
    const r = recommendMode({ clarity: 'clear', priority: 'speed', dependence: 'independent' })
    expect(r.kind === 'split' && r.agreement).toBe(undefined)
  })
})
