// Review: regroup. Every task by owner with its status, what the session produced, and the
// action items to take away (Markdown to paste, CSV and JSON to download).
import { useState } from 'react'
import { sortTasks, tasksToMarkdown, taskVotes, type ExportFormat, type ParticipantIds, type Task } from '@sandbox/shared'
import '../styles/session-groups.css'
import { STATUS_LABEL } from './MyTaskItem.tsx'
import { useSession } from './SessionContext.ts'
import { Link, replayPath } from '../router.tsx'
import type { Voting } from './useVoting.ts'
import { ReviewBuddies } from './ReviewBuddies.tsx'
import { FollowUpCard } from './FollowUpCard.tsx'
import { BalanceChart } from './BalanceChart.tsx'
import { SeriesBalance } from './SeriesBalance.tsx'
import { PostToChat } from './PostToChat.tsx'

export interface ReviewPanelProps {
  title: string
  problem: string
  tasks: readonly Task[]
  /** The dots everyone may see (`tally` is null while votes are hidden). */
  voting: Voting
  /** Whose dots count in the summary. */
  participantIds: ParticipantIds
  ideaCount: number
}

interface OwnerGroup {
  id: string
  name: string
  color: string | null
  tasks: Task[]
}

function groupByOwner(tasks: readonly Task[]): OwnerGroup[] {
  const groups = new Map<string, OwnerGroup>()
  for (const t of sortTasks(tasks)) {
    const id = t.ownerId ?? ''
    const group = groups.get(id) ?? { id, name: t.ownerName ?? 'No owner', color: t.ownerColor, tasks: [] }
    group.tasks.push(t)
    groups.set(id, group)
  }
  return [...groups.values()]
}

export function exportUrl(sessionId: string, token: string, format: ExportFormat): string {
  return `/api/sessions/${encodeURIComponent(sessionId)}/tasks?format=${format}&token=${encodeURIComponent(token)}`
}

export function ReviewPanel({ title, problem, tasks, voting, ideaCount }: ReviewPanelProps) {
  const { sessionId, token } = useSession()
  const [copied, setCopied] = useState('')
  const groups = groupByOwner(tasks)
  const dots = voting.tally ? [...voting.tally.values()].reduce((a, b) => a + b, 0) : null
  const done = tasks.filter((t) => t.status === 'done').length
  const owners = groups.filter((g) => g.id).length

  const copyMarkdown = async () => {
    try {
      await navigator.clipboard.writeText(tasksToMarkdown(title, tasks, { problem, taskVotes: taskVotes(tasks, voting.tally) }))
      setCopied('Markdown copied to the clipboard.')
    } catch {
      setCopied('The browser refused the clipboard: download the Markdown instead.')
    }
    window.setTimeout(() => setCopied(''), 3000)
  }

  return (
    <>
      <section className="panel-card" aria-labelledby="summary-title">
        <h3 id="summary-title" className="panel-card__title">
          Summary
        </h3>
        {problem ? <p className="problem-text">{problem}</p> : null}
        <dl className="stats">
          <div className="stats__item">
            <dt>Ideas</dt>
            <dd>{ideaCount}</dd>
          </div>
          <div className="stats__item">
            <dt>Votes</dt>
            <dd>{dots ?? <span title="The votes were never revealed">hidden</span>}</dd>
          </div>
          <div className="stats__item">
            <dt>Tasks</dt>
            <dd>{tasks.length}</dd>
          </div>
          <div className="stats__item">
            <dt>Owners</dt>
            <dd>{owners}</dd>
          </div>
        </dl>
        <p className="muted">
          {done} of {tasks.length} tasks done.
        </p>
      </section>
      <BalanceChart tasks={tasks} />
      <SeriesBalance />
      <section className="panel-card" aria-labelledby="by-owner-title">
        <h3 id="by-owner-title" className="panel-card__title">
          Tasks by owner
        </h3>
        {groups.length === 0 ? <p className="muted">No tasks were created in this session.</p> : null}
        {groups.map((g) => (
          <section key={g.id || 'none'} className="owner-group" aria-label={`Tasks of ${g.name}`}>
            <h4 className="owner-group__name">
              <span className="dot" style={{ backgroundColor: g.color ?? '#868e96' }} aria-hidden="true" />
              {g.name} <span className="muted">· {g.tasks.length}</span>
            </h4>
            <ul className="review-list">
              {g.tasks.map((t) => (
                <li key={t.id} className="review-list__item">
                  <span className={`status-pill status-pill--${t.status}`}>{STATUS_LABEL[t.status]}</span>
                  <span className="review-list__text">
                    {t.title}
                    {t.description ? <span className="task-description">{t.description}</span> : null}
                    {t.note ? <span className="review-list__note">{t.note}</span> : null}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </section>
      <ReviewBuddies tasks={tasks} />
      <section className="panel-card" aria-labelledby="export-title">
        <h3 id="export-title" className="panel-card__title">
          Take the action items with you
        </h3>
        <div className="button-row">
          <button type="button" className="button button--primary button--small" onClick={() => void copyMarkdown()}>
            Copy as Markdown
          </button>
          <a className="button button--secondary button--small" href={exportUrl(sessionId, token, 'csv')} download>
            Download CSV
          </a>
          <a className="button button--secondary button--small" href={exportUrl(sessionId, token, 'json')} download>
            Download JSON
          </a>
          <a className="button button--secondary button--small" href={exportUrl(sessionId, token, 'jira')} download>
            CSV for Jira
          </a>
          <Link href={replayPath(sessionId, token)} className="button button--secondary button--small">
            Replay the session
          </Link>
        </div>
        <p className="panel-card__hint" role="status">
          {copied}
        </p>
      </section>
      <FollowUpCard />
      <PostToChat />
    </>
  )
}
