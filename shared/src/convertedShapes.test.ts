import { describe, expect, it } from 'vitest'
import { checkShapeDeletion, convertedShapeIds } from './convertedShapes.ts'

const task = (id: string, sourceShapeIds: string[]) => ({
  id, title: id, ownerId: null, ownerName: null, status: 'todo', sourceShapeIds, createdAt: 1,
})

describe('stickies that became tasks', () => {
  it('collects every source shape of every valid task, a group’s frame too', () => {
    const ids = convertedShapeIds([task('t1', ['shape:a']), task('t2', ['shape:frame', 'shape:b', 'shape:c']), { junk: true }])
    expect([...ids].sort()).toEqual(['shape:a', 'shape:b', 'shape:c', 'shape:frame'])
  })

  it('refuses a participant’s deletion of one, with a sentence; the facilitator may', () => {
    const converted = new Set(['shape:a', 'shape:frame'])
    expect(checkShapeDeletion('participant', 'shape:a', 'note', converted)).toEqual({
      ok: false,
      reason: 'This sticky became a task, so only the facilitator can delete it.',
    })
    expect(checkShapeDeletion('participant', 'shape:frame', 'frame', converted)).toMatchObject({ ok: false, reason: expect.stringContaining('This group became a task') })
    expect(checkShapeDeletion('facilitator', 'shape:a', 'note', converted)).toEqual({ ok: true })
    expect(checkShapeDeletion('participant', 'shape:other', 'note', converted)).toEqual({ ok: true })
  })
})
