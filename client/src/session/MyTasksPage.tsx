// `/s/:id/tasks?token=T`: the tasks this person owns, on their own, to work on later without
// the board. The page draws them from the server's JSON export at once (no Yjs, no tldraw), then
// loads its live half (MyTasksLive: the same document and its IndexedDB copy, so it works offline
// too), where status and note changes go through the same shared rules.
import { lazy, Suspense, useEffect, useState } from 'react'
import type { Role } from '@sandbox/shared'
import { StatusPage } from '../components/StatusPage.tsx'
import { ApiError, fetchSession, type SessionInfo } from '../lib/api.ts'
import { loadIdentity, rememberedLink, type StoredIdentity } from '../lib/storage.ts'
import { Link, boardPath } from '../router.tsx'
import { fetchTasksSnapshot } from './myTasksApi.ts'
import { SnapshotView, type TasksSnapshot } from './MyTasksView.tsx'

const MyTasksLive = lazy(() => import('./MyTasksLive.tsx').then((m) => ({ default: m.MyTasksLive })))

type State =
  | { kind: 'loading' }
  | { kind: 'error'; title: string; message: string }
  | { kind: 'ready'; session: SessionInfo; identity: StoredIdentity | null; snapshot: TasksSnapshot | null }

export function MyTasksPage({ sessionId, token }: { sessionId: string; token: string | null }) {
  const [state, setState] = useState<State>({ kind: 'loading' })
  useEffect(() => {
    if (!token) {
      setState({ kind: 'error', title: 'This link is not valid', message: 'The link is missing its access token. Open the board link you were given.' })
      return
    }
    let cancelled = false
    const identity = loadIdentity()
    // Both requests at once; the tasks are only a head start, so a failure there is not an error:
    // the live document (or its offline copy) will have them.
    const snapshot = fetchTasksSnapshot(sessionId, token).then(
      (data): TasksSnapshot => ({
        title: data.session.title,
        problem: data.session.problem,
        mine: identity ? data.tasks.filter((t) => t.ownerId === identity.participantId) : [],
      }),
      () => null,
    )
    fetchSession(sessionId, token)
      .then(async (session) => {
        const tasks = await snapshot
        if (!cancelled) setState({ kind: 'ready', session, identity, snapshot: tasks })
      })
      .catch((error: unknown) => {
        if (cancelled) return
        const remembered = error instanceof ApiError && error.code === 'network' ? rememberedLink(sessionId, token) : null
        if (remembered) {
          const session = { id: sessionId, title: remembered.title, createdAt: 0, role: remembered.role as Role }
          setState({ kind: 'ready', session, identity, snapshot: null })
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
  const { session, identity, snapshot } = state
  const fallback = <SnapshotView sessionId={session.id} token={token ?? ''} title={session.title} participantName={identity.name} snapshot={snapshot} />
  return (
    <Suspense fallback={fallback}>
      <MyTasksLive session={session} token={token ?? ''} identity={identity} snapshot={snapshot} />
    </Suspense>
  )
}
