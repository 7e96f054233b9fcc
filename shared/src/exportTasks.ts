// Action items out of Sandbox: Markdown for pasting into notes, rows for CSV. The server uses
// these for `GET /api/sessions/<id>/tasks`, the client for the copy button, so both agree.
import type { Task } from './schema.ts'

export const EXPORT_FORMATS = ['json', 'csv', 'md'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const CSV_COLUMNS = ['id', 'title', 'ownerId', 'ownerName', 'status', 'note', 'sourceShapeIds', 'createdAt'] as const

/**
 * Spreadsheet apps run a cell that starts with = + - @ (or tab / carriage return) as a formula;
 * prefixing a quote shows it as text instead.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

export function taskRows(tasks: readonly Task[]): string[][] {
  return sortTasks(tasks).map((t) =>
    [t.id, t.title, t.ownerId ?? '', t.ownerName ?? '', t.status, t.note, t.sourceShapeIds.join(' '), new Date(t.createdAt).toISOString()].map(
      neutraliseCell,
    ),
  )
}

/** Escape what would break a Markdown table cell or turn text into markup. */
export function escapeMarkdownCell(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/([*_`[\]<>#~])/g, '\\$1')
    .replace(/\r?\n/g, '<br>')
}

export const sortTasks = (tasks: readonly Task[]): Task[] =>
  [...tasks].sort(
    (a, b) => (a.ownerName ?? '\uffff').localeCompare(b.ownerName ?? '\uffff') || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
  )

const STATUS_LABEL: Record<Task['status'], string> = { todo: 'To do', doing: 'Doing', done: 'Done' }

export function tasksToMarkdown(title: string, tasks: readonly Task[]): string {
  const lines = [`# ${escapeMarkdownCell(title || 'Sandbox session')} — action items`, '']
  if (tasks.length === 0) return [...lines, '_No tasks yet._', ''].join('\n')
  lines.push('| Task | Owner | Status | Note |', '| --- | --- | --- | --- |')
  for (const t of sortTasks(tasks)) {
    lines.push(
      `| ${escapeMarkdownCell(t.title)} | ${escapeMarkdownCell(t.ownerName ?? 'Unassigned')} | ${STATUS_LABEL[t.status]} | ${escapeMarkdownCell(t.note)} |`,
    )
  }
  return [...lines, ''].join('\n')
}
