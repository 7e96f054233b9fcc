import { describe, expect, it } from 'vitest'
import { canMovePhase, nextPhase, previousPhase, PHASE_INFO } from './phases.ts'
import { PHASES, type Task } from './schema.ts'

const task = (id: string, ownerId: string | null): Task => ({
  id,
  title: `Task ${id}`,
  ownerId,
  ownerName: ownerId,
  ownerColor: null,
  ownerSource: null,
  status: 'todo',
  note: '',
  sourceShapeIds: [`shape:${id}`],
  createdAt: 1,
})

describe('phases', () => {
  it('run in the template order, each with a one-sentence ask', () => {
    expect(PHASES).toEqual(['warmup', 'frame', 'collaborate', 'converge', 'split', 'execute', 'review'])
    for (const p of PHASES) expect(PHASE_INFO[p].ask).toMatch(/\.$/)
    expect(nextPhase('warmup')).toBe('frame')
    expect(nextPhase('review')).toBeNull()
    expect(previousPhase('warmup')).toBeNull()
  })

  it('move one step at a time, forward or back', () => {
    expect(canMovePhase('warmup', 'frame', []).ok).toBe(true)
    expect(canMovePhase('converge', 'collaborate', []).ok).toBe(true)
    expect(canMovePhase('warmup', 'review', []).ok).toBe(false)
  })

  it('may skip from frame straight to split, the article’s answer for a clear, independent problem', () => {
    expect(canMovePhase('frame', 'split', []).ok).toBe(true)
    expect(canMovePhase('frame', 'execute', []).ok).toBe(false)
    expect(canMovePhase('warmup', 'split', []).ok).toBe(false)
  })

  it('cannot leave split while a task has no owner, and says which', () => {
    const result = canMovePhase('split', 'execute', [task('a', 'p1'), task('b', null)])
    expect(result).toMatchObject({ ok: false, unownedTaskIds: ['b'] })
    expect(!result.ok && result.reason).toContain('Task b')
    expect(canMovePhase('split', 'execute', []).ok).toBe(false)
    expect(canMovePhase('split', 'execute', [task('a', 'p1')]).ok).toBe(true)
    // Going back to converge is always possible.
    expect(canMovePhase('split', 'converge', [task('b', null)]).ok).toBe(true)
  })
})
