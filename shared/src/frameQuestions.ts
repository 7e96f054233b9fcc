// The article's three questions for the frame phase, and the recommendation they add up to:
// collaborate (explore together first) or split straight away (the work is already divisible).
import type { FrameAnswers } from './schema.ts'

export type FrameQuestionId = keyof FrameAnswers
export type FrameMode = 'collaborate' | 'split'

export interface FrameOption<V extends string = string> {
  value: V
  label: string
  /** Which way this answer points. */
  points: FrameMode
}

export interface FrameQuestion {
  id: FrameQuestionId
  question: string
  /** One line from the article on why the question matters. */
  hint: string
  options: readonly [FrameOption, FrameOption]
}

export const FRAME_QUESTIONS: readonly FrameQuestion[] = [
  {
    id: 'clarity',
    question: 'Is the problem clear or ambiguous?',
    hint: 'If the steps are known you need execution, not a brainstorm.',
    options: [
      { value: 'clear', label: 'Clear', points: 'split' },
      { value: 'ambiguous', label: 'Ambiguous', points: 'collaborate' },
    ],
  },
  {
    id: 'priority',
    question: 'Do you need speed or buy-in?',
    hint: 'People support what they help create; one person decides faster than a committee.',
    options: [
      { value: 'speed', label: 'Speed', points: 'split' },
      { value: 'buy-in', label: 'Buy-in', points: 'collaborate' },
    ],
  },
  {
    id: 'dependence',
    question: 'Is the work independent or interdependent?',
    hint: 'If my work blocks yours, we need to be in the same room.',
    options: [
      { value: 'independent', label: 'Independent', points: 'split' },
      { value: 'interdependent', label: 'Interdependent', points: 'collaborate' },
    ],
  },
]

export type FrameRecommendation =
  | { kind: 'incomplete'; missing: FrameQuestionId[] }
  | { kind: FrameMode; collaborateSignals: number; headline: string; detail: string }

/**
 * Two or more answers pointing at collaboration mean the problem needs the group; otherwise the
 * work can be divided now, which saves everyone a brainstorm (the article's "collaborative overload").
 */
export function recommendMode(answers: FrameAnswers): FrameRecommendation {
  const missing = FRAME_QUESTIONS.filter((q) => answers[q.id] === undefined).map((q) => q.id)
  if (missing.length > 0) return { kind: 'incomplete', missing }
  const collaborateSignals = FRAME_QUESTIONS.filter(
    (q) => q.options.find((o) => o.value === answers[q.id])?.points === 'collaborate',
  ).length
  if (collaborateSignals >= 2) {
    return {
      kind: 'collaborate',
      collaborateSignals,
      headline: 'Collaborate first',
      detail: 'This problem needs the whole group: explore it together on stickies, then split the work.',
    }
  }
  return {
    kind: 'split',
    collaborateSignals,
    headline: 'Skip straight to split',
    detail: 'This work can be divided now. Write the known tasks as stickies, skip the long brainstorm, and give each one an owner.',
  }
}
