// The collaborate-then-split template: the order of phases, what each asks of people, and the
// rule for moving between them.
import type { ParticipantIds } from './permissions.ts'
import { PHASES, type Phase, type Task } from './schema.ts'

export interface PhaseInfo {
  label: string
  /** One sentence on what the phase asks of people, shown in the phase bar. */
  ask: string
  mode: 'together' | 'alone'
}

export const PHASE_INFO: Record<Phase, PhaseInfo> = {
  warmup: { label: 'Warm-up', ask: 'Say hello and answer the question while everyone arrives.', mode: 'together' },
  frame: { label: 'Frame', ask: 'Agree on the problem, and on whether it needs the whole group at all.', mode: 'together' },
  collaborate: { label: 'Collaborate', ask: 'Put every idea on a sticky note before the timer runs out.', mode: 'together' },
  converge: { label: 'Converge', ask: 'Group related stickies, then spend your dots on the ideas worth doing.', mode: 'together' },
  split: { label: 'Split', ask: 'Turn the chosen stickies into tasks, each with exactly one owner.', mode: 'together' },
  execute: { label: 'Execute', ask: 'Work your own tasks, alone, and keep their status current.', mode: 'alone' },
  review: { label: 'Review', ask: 'Regroup: go through every task by owner and agree what happens next.', mode: 'together' },
}

export const phaseIndex = (phase: Phase): number => PHASES.indexOf(phase)
export const nextPhase = (phase: Phase): Phase | null => PHASES[phaseIndex(phase) + 1] ?? null
export const previousPhase = (phase: Phase): Phase | null => PHASES[phaseIndex(phase) - 1] ?? null

export type PhaseMoveResult = { ok: true } | { ok: false; reason: string; unownedTaskIds?: string[] }

/**
 * Whether the group may move from `from` to `to`. The facilitator moves one step at a time, back
 * or forward, and may skip from `frame` straight to `split` when the problem does not need the
 * group to brainstorm; leaving `split` forward needs every task to have an owner among
 * `participants` (an owner the server has no participant record for owns nothing).
 */
export function canMovePhase(from: Phase, to: Phase, tasks: readonly Task[], participants: ParticipantIds): PhaseMoveResult {
  const distance = phaseIndex(to) - phaseIndex(from)
  if (distance === 0) return { ok: true }
  const skipToSplit = from === 'frame' && to === 'split'
  if (Math.abs(distance) !== 1 && !skipToSplit) return { ok: false, reason: `Phases move one step at a time (${from} → ${to}).` }
  if (from === 'split' && to === 'execute') {
    const unowned = unownedTasks(tasks, participants)
    if (tasks.length === 0) return { ok: false, reason: 'Convert at least one sticky into a task before splitting up.' }
    if (unowned.length > 0) {
      return {
        ok: false,
        reason: `${unowned.length === 1 ? 'One task has' : `${unowned.length} tasks have`} no owner yet: ${unowned.map((t) => `“${t.title}”`).join(', ')}.`,
        unownedTaskIds: unowned.map((t) => t.id),
      }
    }
  }
  return { ok: true }
}

/** Tasks nobody owns: no owner, or an owner who is not one of `participants` and so can never update it. */
export const unownedTasks = (tasks: readonly Task[], participants: ParticipantIds): Task[] =>
  tasks.filter((t) => !t.ownerId || !participants.has(t.ownerId))
