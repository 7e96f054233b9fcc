import { describe, expect, it } from 'vitest'
import { escapeMarkdownCell, neutraliseCell, taskRows, tasksToMarkdown } from './exportTasks.ts'
import type { Task } from './schema.ts'

const task: Task = {
  id: 't1',
  title: '=HYPERLINK("http://x")',
  ownerId: 'p1',
  ownerName: 'Member P | Ops',
  ownerColor: null,
  ownerSource: 'claim',
  status: 'doing',
  note: 'line one\nline *two*',
  sourceShapeIds: ['shape:a'],
  createdAt: 0,
}

describe('exports', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const bad of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseCell(bad)).toBe(`'${bad}`)
    expect(neutraliseCell('fine')).toBe('fine')
    expect(taskRows([task])[0]?.[1]).toBe(`'=HYPERLINK("http://x")`)
  })

  it('escapes what would break a Markdown table', () => {
    expect(escapeMarkdownCell('a | b')).toBe('a \\| b')
    expect(escapeMarkdownCell('x\ny')).toBe('x<br>y')
    const md = tasksToMarkdown('Plan', [task])
    const row = md.split('\n').find((l) => l.includes('HYPERLINK')) as string
    // Four cells: the escaped pipe in the owner's name does not add a column.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(4)
    expect(md).toContain('line \\*two\\*')
  })
})
