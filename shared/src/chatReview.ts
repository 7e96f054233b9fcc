// What a post to the team's chat says, before it is shaped for Slack or Teams: the review
// (problem, decisions, each owner's tasks with status and votes, a link back) and the short
// updates (time's up, task done). Pure: the server builds it from the session's document.
import type { FrameAnswers, Phase, Task, TaskStatus } from './schema.ts'
import { sortTasks } from './exportTasks.ts'
import { PHASE_INFO } from './phases.ts'

export interface ChatReviewTask {
  title: string
  status: TaskStatus
  /** Dots the task's stickies received (null while votes are hidden). */
  votes: number | null
}

export interface ChatReviewOwner {
  name: string
  tasks: ChatReviewTask[]
}

export interface ChatReview {
  title: string
  problem: string
  decisions: string[]
  owners: ChatReviewOwner[]
  taskCount: number
  doneCount: number
  /** A link to the session (view only), or null when the server has no address to give. */
  sessionUrl: string | null
}

export const STATUS_WORD: Record<TaskStatus, string> = { todo: 'To do', doing: 'Doing', done: 'Done' }

const FRAME_WORDS: { key: keyof FrameAnswers; label: string }[] = [
  { key: 'clarity', label: 'Problem' },
  { key: 'priority', label: 'Priority' },
  { key: 'dependence', label: 'Work' },
]

export interface ChatReviewInput {
  title: string
  problem: string
  frameAnswers: FrameAnswers
  tasks: readonly Task[]
  /** Task id → dots its stickies received; null while votes are hidden. */
  taskVotes: ReadonlyMap<string, number> | null
  sessionUrl: string | null
}

export function chatReview(input: ChatReviewInput): ChatReview {
  const owners = new Map<string, ChatReviewOwner>()
  for (const t of sortTasks(input.tasks)) {
    const key = t.ownerId ?? ''
    const owner = owners.get(key) ?? { name: t.ownerName ?? 'No owner', tasks: [] }
    owner.tasks.push({ title: t.title, status: t.status, votes: input.taskVotes ? (input.taskVotes.get(t.id) ?? 0) : null })
    owners.set(key, owner)
  }
  const decisions: string[] = []
  const frame = FRAME_WORDS.filter((f) => input.frameAnswers[f.key]).map((f) => `${f.label}: ${input.frameAnswers[f.key]}`)
  if (frame.length > 0) decisions.push(frame.join(' · '))
  const ranked = input.taskVotes
    ? [...input.tasks].map((t) => ({ t, n: input.taskVotes?.get(t.id) ?? 0 })).filter((x) => x.n > 0).sort((a, b) => b.n - a.n)
    : []
  const top = ranked[0]
  if (input.tasks.length > 0) {
    decisions.push(
      `Chose ${input.tasks.length} task${input.tasks.length === 1 ? '' : 's'} for ${[...owners.keys()].filter(Boolean).length} owner(s)` +
        (top ? `; most votes: “${top.t.title}” (${top.n})` : ''),
    )
  }
  return {
    title: input.title || 'Sandbox session',
    problem: input.problem,
    decisions,
    owners: [...owners.values()],
    taskCount: input.tasks.length,
    doneCount: input.tasks.filter((t) => t.status === 'done').length,
    sessionUrl: input.sessionUrl,
  }
}

/** One line per task as posted: status, title, votes. */
export const taskLine = (t: ChatReviewTask): string => `${STATUS_WORD[t.status]} — ${t.title}${t.votes ? ` (${t.votes} vote${t.votes === 1 ? '' : 's'})` : ''}`

/** The one-line summary both channels lead with (Slack's notification text). */
export const reviewHeadline = (r: ChatReview): string =>
  `Review of “${r.title}”: ${r.doneCount} of ${r.taskCount} task${r.taskCount === 1 ? '' : 's'} done`

/** The short updates, as text: both channels wrap the same sentence. */
export type ChatUpdateMessage = { kind: 'timeUp'; title: string; phase: Phase } | { kind: 'taskDone'; title: string; task: string; owner: string | null }

export function updateText(u: ChatUpdateMessage): string {
  if (u.kind === 'timeUp') return `⏰ Time's up in “${u.title}” (${PHASE_INFO[u.phase].label}).`
  return `✅ Task done in “${u.title}”: ${u.task}${u.owner ? ` (${u.owner})` : ''}`
}

/** Cuts text to `max` characters (code points), ending with an ellipsis when it had to. */
export function clip(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`
}

/**
 * Packs units into messages: each message takes units while `fits(units)` holds. A unit that
 * does not fit an empty message still goes alone (builders keep every unit under the limit).
 */
export function pack<T>(units: readonly T[], fits: (units: readonly T[]) => boolean): T[][] {
  const messages: T[][] = []
  let current: T[] = []
  for (const unit of units) {
    if (current.length > 0 && !fits([...current, unit])) {
      messages.push(current)
      current = []
    }
    current.push(unit)
  }
  if (current.length > 0) messages.push(current)
  return messages
}
