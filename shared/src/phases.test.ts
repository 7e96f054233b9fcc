import { describe, expect, it } from 'vitest'
import { canMovePhase, nextPhase, previousPhase, PHASE_INFO, unownedTasks } from './phases.ts'
import { PHASES, type Task } from './schema.ts'

const nobody = new Set<string>()
const p1 = new Set(['p1'])

const task = (id: string, ownerId: string | null): Task => ({
  id,
  title: `Task ${id}`,
  ownerId,
  ownerName: ownerId,
  ownerColor: null,
  ownerSource: null,
  status: 'todo',
  note: '',
  description: '',
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
    expect(canMovePhase('warmup', 'frame', [], nobody).ok).toBe(true)
    expect(canMovePhase('converge', 'collaborate', [], nobody).ok).toBe(true)
    expect(canMovePhase('warmup', 'review', [], nobody).ok).toBe(false)
  })

  it('may skip from frame straight to split, the article’s answer for a clear, independent problem', () => {
    expect(canMovePhase('frame', 'split', [], nobody).ok).toBe(true)
    expect(canMovePhase('frame', 'execute', [], nobody).ok).toBe(false)
    expect(canMovePhase('warmup', 'split', [], nobody).ok).toBe(false)
  })

  it('cannot leave split while a task has no owner, and says which', () => {
    const result = canMovePhase('split', 'execute', [task('a', 'p1'), task('b', null)], p1)
    expect(result).toMatchObject({ ok: false, unownedTaskIds: ['b'] })
    expect(!result.ok && result.reason).toContain('Task b')
    expect(canMovePhase('split', 'execute', [], nobody).ok).toBe(false)
    expect(canMovePhase('split', 'execute', [task('a', 'p1')], p1).ok).toBe(true)
    // Going back to converge is always possible.
    expect(canMovePhase('split', 'converge', [task('b', null)], p1).ok).toBe(true)
  })

  it('counts a task whose owner is not a participant as unowned: its owner could never update it', () => {
    const anonClaim = canMovePhase('split', 'execute', [task('a', 'p1'), task('b', 'anon:7')], p1)
    expect(anonClaim).toMatchObject({ ok: false, unownedTaskIds: ['b'] })
    expect(!anonClaim.ok && anonClaim.reason).toContain('Task b')
    expect(canMovePhase('split', 'execute', [task('a', 'p_gone')], p1)).toMatchObject({ ok: false, unownedTaskIds: ['a'] })
    expect(unownedTasks([task('a', 'p1'), task('b', 'anon:7'), task('c', null)], p1).map((t) => t.id)).toEqual(['b', 'c'])
  })
})
