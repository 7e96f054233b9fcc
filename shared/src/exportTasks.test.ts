import { describe, expect, it } from 'vitest'
import { CSV_COLUMNS, escapeMarkdownCell, neutraliseCell, stripUnsafeCharacters, taskRows, tasksToMarkdown } from './exportTasks.ts'
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
  description: '',
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
    // Five cells: the escaped pipe in the owner's name does not add a column.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(5)
    expect(md).toContain('line \\*two\\*')
  })

  it('neutralises formulas hidden behind leading spaces, line breaks, tabs and carriage returns', () => {
    for (const lead of [' ', '   ', '\n', '\r\n', '\t', ' \t\n ', '\u00a0']) {
      for (const trigger of ['=', '+', '-', '@']) {
        const bad = `${lead}${trigger}HYPERLINK("http://x")`
        expect(neutraliseCell(bad), JSON.stringify(bad)).toBe(`'${bad}`)
      }
    }
    // Text that merely contains a trigger later on is left alone.
    for (const fine of [' fine', 'a=b', 'x +1', '\u00e9t\u00e9 = summer']) expect(neutraliseCell(fine)).toBe(fine)
  })

  it('strips NUL, other control characters and bidi controls from every cell, then judges what is left', () => {
    const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c']
    for (const c of bidi) expect(stripUnsafeCharacters(`invoice${c}fdp.exe`)).toBe('invoicefdp.exe')
    expect(stripUnsafeCharacters('a\u0000b\u0007c\u001bd\u007fe')).toBe('abcde')
    // Tab, newline and carriage return are text, not controls to strip.
    expect(stripUnsafeCharacters('a\tb\nc\rd')).toBe('a\tb\nc\rd')
    // A control in front of a formula does not hide it.
    expect(neutraliseCell('\u0000=1+1')).toBe(`'=1+1`)
    expect(neutraliseCell('\u202e =1+1')).toBe(`' =1+1`)
    expect(neutraliseCell('\u2066@SUM(A1)\u2069')).toBe(`'@SUM(A1)`)

    const sneaky: Task = { ...task, title: '\u202egnp.exe', ownerName: 'Member\u0000 P', note: ' \n=cmd|calc', sourceShapeIds: ['shape:\u2067a'] }
    const [row] = taskRows([sneaky]) as [string[]]
    expect(row).toHaveLength(CSV_COLUMNS.length)
    for (const cell of row) expect(cell).not.toMatch(/[\u0000\u202a-\u202e\u2066-\u2069]/)
    expect(row[1]).toBe('gnp.exe')
    expect(row[3]).toBe('Member P')
    expect(row[5]).toBe(`' \n=cmd|calc`)
    expect(row[6]).toBe('shape:a')

    const md = tasksToMarkdown('Plan\u202e', [sneaky])
    expect(md).not.toMatch(/[\u0000\u202a-\u202e\u2066-\u2069]/)
    expect(md).toContain('# Plan — action items')
    expect(md).toContain('| gnp.exe | Member P |')
  })

  it('keeps a task’s description: the last CSV column, the last Markdown column, line breaks kept', () => {
    const described: Task = { ...task, title: 'Onboarding', description: '=Fix the emails\n• Write a guide' }
    const [row] = taskRows([described]) as [string[]]
    // The columns before it keep their positions: readers of the old export still find them.
    expect(CSV_COLUMNS.slice(0, 8)).toEqual(['id', 'title', 'ownerId', 'ownerName', 'status', 'note', 'sourceShapeIds', 'createdAt'])
    expect(CSV_COLUMNS[8]).toBe('description')
    expect(row[8]).toBe("'=Fix the emails\n• Write a guide")
    const md = tasksToMarkdown('Plan', [described])
    expect(md).toContain('| Task | Owner | Status | Note | Description |')
    expect(md).toContain('| =Fix the emails<br>• Write a guide |')
  })
})
