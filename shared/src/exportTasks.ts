// Action items out of Sandbox: Markdown for pasting into notes, rows for CSV. The server uses
// these for `GET /api/sessions/<id>/tasks`, the client for the copy button, so both agree.
import type { Task } from './schema.ts'

export const EXPORT_FORMATS = ['json', 'csv', 'md'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** `description` came last, so the columns older readers know keep their positions. */
export const CSV_COLUMNS = ['id', 'title', 'ownerId', 'ownerName', 'status', 'note', 'sourceShapeIds', 'createdAt', 'description'] as const

/**
 * Characters stripped from every exported cell: NUL (cuts a cell short in some readers), other C0
 * controls a table has no use for, and the bidirectional controls (U+061C, U+200E–U+200F,
 * U+202A–U+202E, U+2066–U+2069) that make a cell read differently from what it holds — a
 * right-to-left override turns `exe.txt` into `txt.exe`. Tab, newline and carriage return stay.
 */
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g

/** A cell's text without the characters above; used for CSV and Markdown alike. */
export const stripUnsafeCharacters = (value: string): string => value.replace(UNSAFE_CHARACTERS, '')

/**
 * Spreadsheet apps run a cell that starts with = + - @ (or tab / carriage return) as a formula,
 * and some trim leading spaces and line breaks first; prefixing a quote shows it as text instead.
 */
export function neutraliseCell(value: string): string {
  const clean = stripUnsafeCharacters(value)
  return /^[\s]*[=+\-@]/.test(clean) || /^[\t\r\n]/.test(clean) ? `'${clean}` : clean
}

export function taskRows(tasks: readonly Task[]): string[][] {
  return sortTasks(tasks).map((t) =>
    [t.id, t.title, t.ownerId ?? '', t.ownerName ?? '', t.status, t.note, t.sourceShapeIds.join(' '), new Date(t.createdAt).toISOString(), t.description].map(
      neutraliseCell,
    ),
  )
}

/** Escape what would break a Markdown table cell or turn text into markup. */
export function escapeMarkdownCell(value: string): string {
  return stripUnsafeCharacters(value)
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
  lines.push('| Task | Owner | Status | Note | Description |', '| --- | --- | --- | --- | --- |')
  for (const t of sortTasks(tasks)) {
    lines.push(
      `| ${escapeMarkdownCell(t.title)} | ${escapeMarkdownCell(t.ownerName ?? 'Unassigned')} | ${STATUS_LABEL[t.status]} | ${escapeMarkdownCell(t.note)} | ${escapeMarkdownCell(t.description)} |`,
    )
  }
  return [...lines, ''].join('\n')
}
