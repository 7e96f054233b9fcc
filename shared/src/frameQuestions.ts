// The article's three questions for the frame phase, and the recommendation they add up to:
// collaborate (explore together first) or split straight away (the work is already divisible).
// Everyone answers for themselves (`Y.Map('answers')`); the facilitator decides, starting from the
// group's majority, and the recommendation says how strongly the group agrees with the decision.
import { personalAnswersSchema, type FrameAnswers } from './schema.ts'

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

/** Who counts in the group's answers (e.g. `participantIdsIn(participants)`). */
export interface AnswerCounted {
  has(participantId: string): boolean
}

export interface QuestionTally {
  id: FrameQuestionId
  /** Option value → how many people chose it (every option present, 0 if nobody did). */
  counts: Record<string, number>
  /** How many people answered this question. */
  answered: number
}

export interface FrameTally {
  /** One per question, in `FRAME_QUESTIONS` order. */
  questions: QuestionTally[]
  /** Ids of the people who answered at least one question, sorted. */
  respondents: string[]
}

/**
 * Counts the group's answers (`Y.Map('answers')` as JSON: participant id → FrameAnswers). Values
 * that are not valid answers, and people `counted` does not know, are left out.
 */
export function tallyFrameAnswers(group: Readonly<Record<string, unknown>>, counted?: AnswerCounted): FrameTally {
  const questions = FRAME_QUESTIONS.map((q) => ({ id: q.id, counts: Object.fromEntries(q.options.map((o) => [o.value, 0])) as Record<string, number>, answered: 0 }))
  const respondents: string[] = []
  for (const [participantId, value] of Object.entries(group)) {
    if (counted && !counted.has(participantId)) continue
    const parsed = personalAnswersSchema.safeParse(value)
    if (!parsed.success) continue
    let any = false
    for (const tally of questions) {
      const answer = parsed.data[tally.id]
      if (answer === undefined) continue
      tally.counts[answer] = (tally.counts[answer] ?? 0) + 1
      tally.answered += 1
      any = true
    }
    if (any) respondents.push(participantId)
  }
  return { questions, respondents: respondents.sort() }
}

/** The answer more people gave than the other, per question; a tie or no answers leaves it open. */
export function majorityAnswers(tally: FrameTally): FrameAnswers {
  const out: Record<string, string> = {}
  for (const q of tally.questions) {
    const [first, second] = Object.entries(q.counts).sort((a, b) => b[1] - a[1])
    if (first && first[1] > 0 && (!second || first[1] > second[1])) out[q.id] = first[0]
  }
  return out as FrameAnswers
}

/** What the group goes with: the facilitator's decision where made, the majority elsewhere. */
export const frameDecision = (decided: FrameAnswers, tally: FrameTally): FrameAnswers => ({ ...majorityAnswers(tally), ...decided })

export interface QuestionAgreement {
  id: FrameQuestionId
  value: string
  /** How many people gave this answer, of `answered`. */
  agreeing: number
  answered: number
  /** "4 of 5 say ambiguous". */
  sentence: string
}

/** How strongly the group backs the decision: everyone, most, not most (divided), or nobody answered. */
export type AgreementStrength = 'unanimous' | 'most' | 'divided' | 'unknown'

export interface GroupAgreement {
  strength: AgreementStrength
  /** Per decided question that someone answered. */
  questions: QuestionAgreement[]
  /** One line for the recommendation: "The group agrees: 5 of 5 say ambiguous, …". */
  summary: string
}

const optionLabel = (id: FrameQuestionId, value: string): string =>
  (FRAME_QUESTIONS.find((q) => q.id === id)?.options.find((o) => o.value === value)?.label ?? value).toLowerCase()

export function groupAgreement(decision: FrameAnswers, tally: FrameTally): GroupAgreement {
  const questions: QuestionAgreement[] = []
  for (const q of tally.questions) {
    const value = decision[q.id]
    if (value === undefined || q.answered === 0) continue
    const agreeing = q.counts[value] ?? 0
    questions.push({ id: q.id, value, agreeing, answered: q.answered, sentence: `${agreeing} of ${q.answered} say ${optionLabel(q.id, value)}` })
  }
  const list = questions.map((a) => a.sentence).join(', ')
  if (questions.length === 0) return { strength: 'unknown', questions, summary: 'Nobody in the group has answered yet.' }
  if (questions.some((a) => a.agreeing * 2 <= a.answered)) return { strength: 'divided', questions, summary: `The group is divided: ${list}.` }
  if (questions.length === FRAME_QUESTIONS.length && questions.every((a) => a.agreeing === a.answered)) {
    return { strength: 'unanimous', questions, summary: `The group is unanimous: ${list}.` }
  }
  return { strength: 'most', questions, summary: `Most of the group agrees: ${list}.` }
}

export type FrameRecommendation =
  | { kind: 'incomplete'; missing: FrameQuestionId[] }
  | {
      kind: FrameMode
      collaborateSignals: number
      headline: string
      detail: string
      /** How strongly the group's own answers back it; absent when no tally was given. */
      agreement?: GroupAgreement
    }

/**
 * Two or more answers pointing at collaboration mean the problem needs the group; otherwise the
 * work can be divided now, which saves everyone a brainstorm (the article's "collaborative overload").
 */
export function recommendMode(answers: FrameAnswers, tally?: FrameTally): FrameRecommendation {
  const agreement = tally ? { agreement: groupAgreement(answers, tally) } : {}
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
      ...agreement,
    }
  }
  return {
    kind: 'split',
    collaborateSignals,
    headline: 'Skip straight to split',
    detail: 'This work can be divided now. Write the known tasks as stickies, skip the long brainstorm, and give each one an owner.',
    ...agreement,
  }
}
