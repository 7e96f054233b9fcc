// `/s/:id/tasks?token=T`: the tasks this person owns, on their own, to work on later without
// the board. It opens the same document (and its IndexedDB copy, so it works offline too) but no
// canvas; status and note changes go through the same shared rules.
import { useEffect, useMemo, useState } from 'react'
import type { Role } from '@sandbox/shared'
import { openConnection, type BoardConnection } from '../board/connection.ts'
import { useConnectionSnapshot } from '../board/useConnectionSnapshot.ts'
import { StatusPage } from '../components/StatusPage.tsx'
import { ApiError, fetchSession, type SessionInfo } from '../lib/api.ts'
import { loadIdentity, rememberedLink, type StoredIdentity } from '../lib/storage.ts'
import { Link, boardPath } from '../router.tsx'
import '../styles/session-layout.css'
import '../styles/session-phases.css'
import '../styles/session-tasks.css'
import { MyTaskItem } from './MyTaskItem.tsx'
import { SessionContext, type SessionContextValue } from './SessionContext.ts'
import { ReportContext } from './useActions.ts'
import { useSessionFields, useTasks } from './useSessionState.ts'

type State =
  | { kind: 'loading' }
  | { kind: 'error'; title: string; message: string }
  | { kind: 'ready'; session: SessionInfo; identity: StoredIdentity | null }

export function MyTasksPage({ sessionId, token }: { sessionId: string; token: string | null }) {
  const [state, setState] = useState<State>({ kind: 'loading' })
  useEffect(() => {
    if (!token) {
      setState({ kind: 'error', title: 'This link is not valid', message: 'The link is missing its access token. Open the board link you were given.' })
      return
    }
    let cancelled = false
    fetchSession(sessionId, token)
      .then((session) => !cancelled && setState({ kind: 'ready', session, identity: loadIdentity() }))
      .catch((error: unknown) => {
        if (cancelled) return
        const remembered = error instanceof ApiError && error.code === 'network' ? rememberedLink(sessionId, token) : null
        if (remembered) {
          const session = { id: sessionId, title: remembered.title, createdAt: 0, role: remembered.role as Role }
          setState({ kind: 'ready', session, identity: loadIdentity() })
        } else if (error instanceof ApiError && error.code === 'notFound') {
          setState({ kind: 'error', title: 'Session not found', message: 'There is no session at this address.' })
        } else if (error instanceof ApiError && error.code === 'unauthorized') {
          setState({ kind: 'error', title: 'This link is not valid', message: 'The token is wrong. Ask the facilitator for a fresh link.' })
        } else {
          setState({ kind: 'error', title: 'Your tasks could not be opened', message: error instanceof Error ? error.message : 'Try again.' })
        }
      })
    return () => {
      cancelled = true
    }
  }, [sessionId, token])

  useEffect(() => {
    document.title = state.kind === 'ready' ? `My tasks · ${state.session.title} · Sandbox` : 'My tasks · Sandbox'
  }, [state])

  if (state.kind === 'loading') {
    return (
      <main className="status-page" aria-busy="true">
        <p className="loading-text">Opening your tasks…</p>
      </main>
    )
  }
  if (state.kind === 'error') return <StatusPage title={state.title}>{state.message}</StatusPage>
  if (!state.identity || state.session.role === 'viewer') {
    return (
      <StatusPage
        title="No tasks here for you"
        action={
          <Link href={boardPath(sessionId, token ?? '')} className="button button--primary">
            Open the board
          </Link>
        }
      >
        {state.session.role === 'viewer'
          ? 'A view-only link cannot own tasks. Open the board to see everyone’s.'
          : 'This browser has not joined the session yet. Open the board, join with your name, and your tasks will show here.'}
      </StatusPage>
    )
  }
  return <MyTasksLive session={state.session} token={token ?? ''} identity={state.identity} />
}

function MyTasksLive({ session, token, identity }: { session: SessionInfo; token: string; identity: StoredIdentity }) {
  const [connection, setConnection] = useState<BoardConnection | null>(null)
  useEffect(() => {
    const c = openConnection({ sessionId: session.id, token, participantId: identity.participantId, participantKey: identity.participantKey })
    setConnection(c)
    return () => c.destroy()
  }, [session.id, token, identity.participantId, identity.participantKey])
  const context = useMemo<SessionContextValue | null>(
    () =>
      connection && {
        sessionId: session.id,
        token,
        title: session.title,
        role: session.role,
        participant: { id: identity.participantId, name: identity.name, color: identity.color ?? '#868e96', known: true },
        doc: connection.doc,
        privateRecords: null,
        connection,
        editor: null,
      },
    [connection, session, token, identity],
  )
  if (!context || !connection) return null
  return (
    <SessionContext.Provider value={context}>
      <MyTasksView context={context} connection={connection} />
    </SessionContext.Provider>
  )
}

function MyTasksView({ context, connection }: { context: SessionContextValue; connection: BoardConnection }) {
  const status = useConnectionSnapshot(connection)
  const fields = useSessionFields(context.doc)
  const tasks = useTasks(context.doc)
  const [notice, setNotice] = useState('')
  const mine = tasks.filter((t) => t.ownerId === context.participant.id)
  const done = mine.filter((t) => t.status === 'done').length
  const loaded = status.everSynced || status.localLoaded

  return (
    <ReportContext.Provider value={(message) => setNotice(message)}>
      <main className="my-tasks-page">
        <header className="my-tasks-page__header">
          <p className="panel-card__eyebrow">{fields.title || context.title}</p>
          <h1 className="my-tasks-page__title">My tasks</h1>
          <p className="muted">
            {context.participant.name} · {mine.length === 0 ? 'nothing assigned' : `${done} of ${mine.length} done`} ·{' '}
            <span role="status" aria-label="Connection">
              {status.connection === 'live' ? 'Live' : status.connection === 'offline' ? 'Offline — changes are kept on this device' : 'Connecting…'}
            </span>
          </p>
          {fields.problem ? <p className="my-tasks-page__problem">{fields.problem}</p> : null}
        </header>
        {notice ? (
          <p className="session-notice session-notice--error" role="alert">
            {notice}
          </p>
        ) : null}
        {!loaded ? (
          <p className="loading-text">Loading…</p>
        ) : mine.length === 0 ? (
          <p className="muted">You own no tasks in this session yet. Tasks get owners in the Split phase.</p>
        ) : (
          <ul className="my-task-list" aria-label="My tasks">
            {mine.map((t) => (
              <MyTaskItem key={t.id} task={t} />
            ))}
          </ul>
        )}
        <p className="my-tasks-page__footer">
          <Link href={boardPath(context.sessionId, context.token)}>Back to the board</Link>
        </p>
      </main>
    </ReportContext.Provider>
  )
}
