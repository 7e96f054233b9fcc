// What the my-tasks page shows, from whichever source has the tasks: the HTTP snapshot first, then
// the live document. No Yjs here, so the page can draw this before the live code has arrived.
import type { ReactNode } from 'react'
import type { Task } from '@sandbox/shared'
import { Link, boardPath } from '../router.tsx'
import { MyTaskCard } from './MyTaskCard.tsx'
import '../styles/session-layout.css'
import '../styles/session-phases.css'
import '../styles/session-tasks.css'

export interface MyTasksViewProps {
  sessionId: string
  token: string
  title: string
  problem: string
  participantName: string
  /** The person's tasks, or null while none have been read yet. */
  mine: readonly Task[] | null
  connection: 'live' | 'offline' | 'connecting'
  notice?: string
  renderTask: (task: Task) => ReactNode
}

const CONNECTION_LABEL: Record<MyTasksViewProps['connection'], string> = {
  live: 'Live',
  offline: 'Offline — changes are kept on this device',
  connecting: 'Connecting…',
}

export function MyTasksView({ sessionId, token, title, problem, participantName, mine, connection, notice, renderTask }: MyTasksViewProps) {
  const done = mine?.filter((t) => t.status === 'done').length ?? 0
  return (
    <main className="my-tasks-page">
      <header className="my-tasks-page__header">
        <p className="panel-card__eyebrow">{title}</p>
        <h1 className="my-tasks-page__title">My tasks</h1>
        <p className="muted">
          {participantName}
          {mine ? ` · ${mine.length === 0 ? 'nothing assigned' : `${done} of ${mine.length} done`}` : ''} ·{' '}
          <span role="status" aria-label="Connection">
            {CONNECTION_LABEL[connection]}
          </span>
        </p>
        {problem ? <p className="my-tasks-page__problem">{problem}</p> : null}
      </header>
      {notice ? (
        <p className="session-notice session-notice--error" role="alert">
          {notice}
        </p>
      ) : null}
      {!mine ? (
        <p className="loading-text">Loading…</p>
      ) : mine.length === 0 ? (
        <p className="muted">You own no tasks in this session yet. Tasks get owners in the Split phase.</p>
      ) : (
        <ul className="my-task-list" aria-label="My tasks">
          {mine.map(renderTask)}
        </ul>
      )}
      <p className="my-tasks-page__footer">
        <Link href={boardPath(sessionId, token)}>Back to the board</Link>
      </p>
    </main>
  )
}

export interface TasksSnapshot {
  title: string
  problem: string
  mine: Task[]
}

/** The tasks as the server last sent them, read-only: shown until the live document has loaded. */
export function SnapshotView(props: { sessionId: string; token: string; title: string; participantName: string; snapshot: TasksSnapshot | null }) {
  const { sessionId, token, title, participantName, snapshot } = props
  return (
    <MyTasksView
      sessionId={sessionId}
      token={token}
      title={snapshot?.title || title}
      problem={snapshot?.problem ?? ''}
      participantName={participantName}
      mine={snapshot?.mine ?? null}
      connection="connecting"
      renderTask={(t) => <MyTaskCard key={t.id} task={t} />}
    />
  )
}
