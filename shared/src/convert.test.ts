import { describe, expect, it } from 'vitest'
import { MAX_TASK_TITLE, stickiesToTasks, titleFromText } from './convert.ts'

describe('sticky → task conversion', () => {
  it('titles a task from the first non-empty line of the sticky', () => {
    expect(titleFromText('\n  Ship   the beta \nwith notes')).toBe('Ship the beta')
    expect(titleFromText('   ')).toBe('Untitled idea')
    expect(titleFromText('x'.repeat(500))).toHaveLength(MAX_TASK_TITLE)
  })

  it('makes one unowned task per sticky, linked back, skipping stickies already converted', () => {
    let n = 0
    const first = stickiesToTasks([{ shapeId: 'shape:a', text: 'A' }, { shapeId: 'shape:b', text: 'B' }], [], 100, () => `t${++n}`)
    expect(first).toHaveLength(2)
    expect(first[0]).toMatchObject({ id: 't1', title: 'A', ownerId: null, status: 'todo', sourceShapeIds: ['shape:a'], createdAt: 100 })
    const second = stickiesToTasks([{ shapeId: 'shape:a', text: 'A' }, { shapeId: 'shape:c', text: 'C' }], first, 200, () => `t${++n}`)
    expect(second.map((t) => t.sourceShapeIds[0])).toEqual(['shape:c'])
  })
})
