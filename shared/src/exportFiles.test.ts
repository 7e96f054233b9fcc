import { describe, expect, it } from 'vitest'
import { contentDisposition, CSV_COLUMNS, exportFileName, JIRA_COLUMNS, jiraRows, safeFileStem, taskRows, tasksToMarkdown, taskVotes } from './exportTasks.ts'
import type { Task } from './schema.ts'

const task = (over: Partial<Task> = {}): Task => ({
  id: 't1',
  title: 'Write the guide',
  ownerId: 'p1',
  ownerName: 'Owner A',
  ownerColor: null,
  ownerSource: 'claim',
  status: 'doing',
  note: 'half done',
  description: 'With screenshots',
  sourceShapeIds: ['shape:a', 'shape:b'],
  createdAt: 0,
  ...over,
})

describe('votes and the problem in every export', () => {
  const tally = new Map([
    ['shape:a', 2],
    ['shape:b', 1],
  ])
  const ctx = { problem: 'Onboarding is slow', taskVotes: taskVotes([task()], tally) }

  it("sums the dots on each task's stickies, and knows none while votes are hidden", () => {
    expect(taskVotes([task()], tally)?.get('t1')).toBe(3)
    expect(taskVotes([task()], null)).toBeNull()
  })

  it('adds votes and problem as the last CSV columns, keeping the earlier ones where they were', () => {
    expect(CSV_COLUMNS).toEqual(['id', 'title', 'ownerId', 'ownerName', 'status', 'note', 'sourceShapeIds', 'createdAt', 'description', 'votes', 'problem'])
    const [row] = taskRows([task()], ctx)
    expect(row?.slice(-3)).toEqual(['With screenshots', '3', 'Onboarding is slow'])
    expect(taskRows([task()])[0]?.slice(-2)).toEqual(['', ''])
  })

  it('puts the problem above the Markdown table and votes in its last column', () => {
    const md = tasksToMarkdown('Plan', [task()], ctx)
    expect(md).toContain('**Problem:** Onboarding is slow')
    expect(md).toContain('| Task | Owner | Status | Note | Description | Votes |')
    expect(md).toContain('| Write the guide | Owner A | Doing | half done | With screenshots | 3 |')
  })
})

describe("Jira's CSV", () => {
  it('has Summary, Description, Assignee, Status, Labels; one row per task, Jira status names', () => {
    expect(JIRA_COLUMNS).toEqual(['Summary', 'Description', 'Assignee', 'Status', 'Labels'])
    const rows = jiraRows('Q3 planning', [task(), task({ id: 't2', status: 'done', ownerName: null, note: '', description: '' })], {
      problem: 'Slow',
      taskVotes: new Map([['t1', 3]]),
    })
    expect(rows).toHaveLength(2)
    expect(rows[0]).toEqual(['Write the guide', 'With screenshots\n\nNote: half done\n\nVotes: 3\n\nProblem: Slow', 'Owner A', 'In Progress', 'sandbox q3-planning'])
    expect(rows[1]?.slice(2)).toEqual(['', 'Done', 'sandbox q3-planning'])
  })

  it('neutralises formulas like the other CSV, and keeps summaries to one line of 255 characters', () => {
    const [row] = jiraRows('x', [task({ title: `=HYPERLINK("http://evil")\n${'a'.repeat(300)}` })])
    expect(row?.[0]?.startsWith(`'=HYPERLINK`)).toBe(true)
    expect(row?.[0]).not.toContain('\n')
    expect([...(row?.[0] ?? '')].length).toBeLessThanOrEqual(256)
  })
})

describe('download file names', () => {
  it('are <session title>-tasks.<ext>, the title made safe for any file system', () => {
    expect(exportFileName('Q3 planning', 'csv')).toBe('Q3-planning-tasks.csv')
    expect(exportFileName('Q3 planning', 'jira')).toBe('Q3-planning-tasks.jira.csv')
    expect(exportFileName('../etc/passwd', 'md')).toBe('etc-passwd-tasks.md')
    expect(safeFileStem('a:b*c?"d<e>f|g\\h\u0000i\u202e')).toBe('a-b-c-d-e-f-g-hi')
    expect(safeFileStem('   ')).toBe('sandbox-session')
    expect(safeFileStem('Réunion d’équipe')).toBe('Réunion-d’équipe')
    expect([...safeFileStem('x'.repeat(300))].length).toBe(80)
  })

  it('go out with an ASCII filename and a UTF-8 filename* for everything else', () => {
    expect(contentDisposition('Réunion-tasks.csv')).toBe(`attachment; filename="R_union-tasks.csv"; filename*=UTF-8''R%C3%A9union-tasks.csv`)
    expect(contentDisposition('plain-tasks.md')).toBe(`attachment; filename="plain-tasks.md"; filename*=UTF-8''plain-tasks.md`)
  })
})
