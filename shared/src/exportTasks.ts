// Action items out of Sandbox: Markdown for pasting into notes, rows for CSV. The server uses
// these for `GET /api/sessions/<id>/tasks`, the client for the copy button, so both agree.
import { z } from 'zod/mini'
import { taskSchema, type Task } from './schema.ts'

/** `jira`: a CSV in the shape Jira's CSV importer maps without help (see JIRA_COLUMNS). */
export const EXPORT_FORMATS = ['json', 'csv', 'md', 'jira'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** New columns come last, so the columns older readers know keep their positions. */
export const CSV_COLUMNS = ['id', 'title', 'ownerId', 'ownerName', 'status', 'note', 'sourceShapeIds', 'createdAt', 'description', 'votes', 'problem'] as const

/** What every export adds to the tasks: the problem statement and the dots on each task's stickies. */
export interface ExportContext {
  problem: string
  /** Task id → dots its stickies received; null while votes are hidden (exported as empty). */
  taskVotes: ReadonlyMap<string, number> | null
}
const NO_CONTEXT: ExportContext = { problem: '', taskVotes: null }

/** Dots per task: the sum of what its source stickies (or their frame) received in `tally`. */
export function taskVotes(tasks: readonly Task[], tally: ReadonlyMap<string, number> | null): Map<string, number> | null {
  if (!tally) return null
  return new Map(tasks.map((t) => [t.id, t.sourceShapeIds.reduce((n, id) => n + (tally.get(id) ?? 0), 0)]))
}

const votesCell = (ctx: ExportContext, t: Task): string => (ctx.taskVotes ? String(ctx.taskVotes.get(t.id) ?? 0) : '')

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

export function taskRows(tasks: readonly Task[], ctx: ExportContext = NO_CONTEXT): string[][] {
  return sortTasks(tasks).map((t) =>
    [
      t.id,
      t.title,
      t.ownerId ?? '',
      t.ownerName ?? '',
      t.status,
      t.note,
      t.sourceShapeIds.join(' '),
      new Date(t.createdAt).toISOString(),
      t.description,
      votesCell(ctx, t),
      ctx.problem,
    ].map(neutraliseCell),
  )
}

/** Jira's CSV importer maps these names to its fields by default (Labels: space-separated, no spaces inside). */
export const JIRA_COLUMNS = ['Summary', 'Description', 'Assignee', 'Status', 'Labels'] as const
/** Status names of Jira's default workflow. */
const JIRA_STATUS: Record<Task['status'], string> = { todo: 'To Do', doing: 'In Progress', done: 'Done' }
const JIRA_SUMMARY_MAX_CHARS = 255

/** A Jira label: letters, digits, dashes and underscores only (no spaces), at most 255 characters. */
export const jiraLabel = (text: string): string =>
  stripUnsafeCharacters(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 255)

/** One row per task for Jira's importer; the description carries the note, votes and the problem. */
export function jiraRows(title: string, tasks: readonly Task[], ctx: ExportContext = NO_CONTEXT): string[][] {
  const labels = ['sandbox', jiraLabel(title)].filter(Boolean).join(' ')
  return sortTasks(tasks).map((t) => {
    const description = [
      t.description,
      t.note ? `Note: ${t.note}` : '',
      ctx.taskVotes ? `Votes: ${ctx.taskVotes.get(t.id) ?? 0}` : '',
      ctx.problem ? `Problem: ${ctx.problem}` : '',
    ]
      .filter(Boolean)
      .join('\n\n')
    const summary = [...t.title.replace(/\s+/g, ' ').trim()].slice(0, JIRA_SUMMARY_MAX_CHARS).join('')
    return [summary, description, t.ownerName ?? '', JIRA_STATUS[t.status], labels].map(neutraliseCell)
  })
}

/**
 * `?format=json`: the session and its tasks, each with the dots on its stickies (null while votes
 * are hidden). The server writes it; the my-tasks page reads it before it opens the live document.
 */
export const tasksExportSchema = z.object({
  session: z.object({ id: z.string(), title: z.string(), problem: z.string() }),
  tasks: z.array(z.extend(taskSchema, { votes: z.nullable(z.number()) })),
})
export type TasksExport = z.infer<typeof tasksExportSchema>

/** What each format is downloaded as: `<session title>-tasks.<ext>`. */
export const EXPORT_FILE: Record<ExportFormat, { ext: string; type: string }> = {
  json: { ext: 'json', type: 'application/json; charset=utf-8' },
  csv: { ext: 'csv', type: 'text/csv; charset=utf-8' },
  md: { ext: 'md', type: 'text/markdown; charset=utf-8' },
  jira: { ext: 'jira.csv', type: 'text/csv; charset=utf-8' },
}

/**
 * A session title as a file name on any system: no path separators, reserved or control
 * characters, no leading dots, spaces as dashes, at most 80 characters; non-ASCII letters stay.
 */
export function safeFileStem(title: string): string {
  const stem = [
    ...stripUnsafeCharacters(title)
      .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, ' ')
      .trim()
      .replace(/\s+/g, '-')
      .replace(/^[.-]+/, ''),
  ]
    .slice(0, 80)
    .join('')
    .replace(/[.-]+$/, '')
  return stem || 'sandbox-session'
}

export const exportFileName = (title: string, format: ExportFormat): string => `${safeFileStem(title)}-tasks.${EXPORT_FILE[format].ext}`

/** RFC 6266: an ASCII `filename` for old clients, and `filename*` (RFC 5987) with the real name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
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

export function tasksToMarkdown(title: string, tasks: readonly Task[], ctx: ExportContext = NO_CONTEXT): string {
  const lines = [`# ${escapeMarkdownCell(title || 'Sandbox session')} — action items`, '']
  if (ctx.problem.trim()) lines.push(`**Problem:** ${escapeMarkdownCell(ctx.problem.trim())}`, '')
  if (tasks.length === 0) return [...lines, '_No tasks yet._', ''].join('\n')
  const votes = ctx.taskVotes !== null
  lines.push(`| Task | Owner | Status | Note | Description |${votes ? ' Votes |' : ''}`, `| --- | --- | --- | --- | --- |${votes ? ' --- |' : ''}`)
  for (const t of sortTasks(tasks)) {
    lines.push(
      `| ${escapeMarkdownCell(t.title)} | ${escapeMarkdownCell(t.ownerName ?? 'Unassigned')} | ${STATUS_LABEL[t.status]} | ${escapeMarkdownCell(t.note)} | ${escapeMarkdownCell(t.description)} |${votes ? ` ${votesCell(ctx, t)} |` : ''}`,
    )
  }
  return [...lines, ''].join('\n')
}
