import { describe, expect, it } from 'vitest'
import { choicesToTasks, groupDescription, MAX_TASK_DESCRIPTION, MAX_TASK_TITLE, stickiesToTasks, taskTextFromSticky, titleFromText } from './convert.ts'
import { taskSchema } from './schema.ts'

describe('sticky → task conversion', () => {
  it('titles a task from the first non-empty line of the sticky', () => {
    expect(titleFromText('\n  Ship   the beta \nwith notes')).toBe('Ship the beta')
    expect(titleFromText('   ')).toBe('Untitled idea')
  })

  it('keeps the whole text: the first line as the title, the rest as the description', () => {
    expect(taskTextFromSticky('Fix onboarding\nStart with the welcome email\n\n  then the reminders\n\n')).toEqual({
      title: 'Fix onboarding',
      description: 'Start with the welcome email\n\n  then the reminders',
    })
    expect(taskTextFromSticky('\r\n\r\nOne line only')).toEqual({ title: 'One line only', description: '' })
    // A long first line is no longer cut at 200 characters.
    const long = 'word '.repeat(100).trim()
    expect(taskTextFromSticky(long)).toEqual({ title: long, description: '' })
  })

  it('puts what a first line holds beyond the title’s 2000 characters at the start of the description', () => {
    const line = 'a'.repeat(MAX_TASK_TITLE + 500)
    const { title, description } = taskTextFromSticky(`${line}\nsecond`)
    expect(title).toHaveLength(MAX_TASK_TITLE)
    expect(title.endsWith('…')).toBe(true)
    expect(description).toBe(`…${'a'.repeat(501)}\nsecond`)
    // Nothing lost: the title without its "…" and the description without its "…" make the line.
    expect(title.slice(0, -1) + description.slice(1, description.indexOf('\n'))).toBe(line)
    const task = choicesToTasks([{ kind: 'sticky', shapeId: 'shape:a', text: `${line}\nsecond` }], [], 1, () => 't1')[0]
    expect(taskSchema.safeParse(task).success).toBe(true)
  })

  it('keeps a description within the schema’s limit', () => {
    const { description } = taskTextFromSticky(`Title\n${'b'.repeat(MAX_TASK_DESCRIPTION + 10)}`)
    expect(description).toHaveLength(MAX_TASK_DESCRIPTION)
  })

  it('makes one unowned task per sticky, linked back, skipping stickies already converted', () => {
    let n = 0
    const first = stickiesToTasks([{ shapeId: 'shape:a', text: 'A\nmore about A' }, { shapeId: 'shape:b', text: 'B' }], [], 100, () => `t${++n}`)
    expect(first).toHaveLength(2)
    expect(first[0]).toMatchObject({ id: 't1', title: 'A', description: 'more about A', ownerId: null, status: 'todo', sourceShapeIds: ['shape:a'], createdAt: 100 })
    const second = stickiesToTasks([{ shapeId: 'shape:a', text: 'A' }, { shapeId: 'shape:c', text: 'C' }], first, 200, () => `t${++n}`)
    expect(second.map((t) => t.sourceShapeIds[0])).toEqual(['shape:c'])
  })
})

describe('group → task conversion', () => {
  const group = {
    kind: 'group' as const,
    frameId: 'shape:frame',
    name: '  Onboarding  ',
    stickies: [
      { shapeId: 'shape:a', text: 'Fix onboarding emails' },
      { shapeId: 'shape:b', text: 'Write a guide\nwith screenshots' },
    ],
  }

  it('makes ONE task titled with the group’s name whose description lists every sticky, whole', () => {
    const [task, ...more] = choicesToTasks([group], [], 5, () => 't1')
    expect(more).toEqual([])
    expect(task).toMatchObject({
      title: 'Onboarding',
      description: '• Fix onboarding emails\n• Write a guide\n  with screenshots',
      sourceShapeIds: ['shape:frame', 'shape:a', 'shape:b'],
      ownerId: null,
      status: 'todo',
    })
    expect(taskSchema.safeParse(task).success).toBe(true)
  })

  it('names an unnamed group, marks an empty sticky, and converts a group only once', () => {
    const [task] = choicesToTasks([{ ...group, name: ' ', stickies: [{ shapeId: 'shape:e', text: '' }] }], [], 5, () => 't1')
    expect(task?.title).toBe('Untitled group')
    expect(task?.description).toBe('• (empty sticky)')
    const existing = choicesToTasks([group], [], 5, () => 't1')
    expect(choicesToTasks([group, { kind: 'sticky', shapeId: 'shape:c', text: 'C' }], existing, 6, () => 't2').map((t) => t.title)).toEqual(['C'])
  })

  it('keeps at most the schema’s 100 source shapes for a very large group', () => {
    const stickies = Array.from({ length: 150 }, (_, i) => ({ shapeId: `shape:${i}`, text: `Idea ${i}` }))
    const [task] = choicesToTasks([{ ...group, stickies }], [], 5, () => 't1')
    expect(task?.sourceShapeIds).toHaveLength(100)
    expect(task?.sourceShapeIds[0]).toBe('shape:frame')
    expect(taskSchema.safeParse(task).success).toBe(true)
    expect(groupDescription(stickies).split('\n')).toHaveLength(150)
  })
})
