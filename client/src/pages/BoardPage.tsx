// `/s/:id?token=T`: check the link, make sure we know who this person is, then open the board.
import { useCallback, useEffect, useState } from 'react'
import { randomId, type Role } from '@sandbox/shared'
import { ApiError, fetchConfig, fetchSession, joinSession, type JoinedParticipant, type SessionInfo } from '../lib/api.ts'
import { loadIdentity, rememberSession, rememberedLink, saveIdentity, type StoredIdentity } from '../lib/storage.ts'
import { NameDialog } from '../components/NameDialog.tsx'
import { StatusPage } from '../components/StatusPage.tsx'
import type { SessionParticipant } from '../session/SessionContext.ts'
import { BoardView } from './BoardView.tsx'

const ANONYMOUS_COLOR = '#868e96'

type PageState =
  | { kind: 'loading' }
  | { kind: 'notFound' }
  | { kind: 'invalidLink' }
  | { kind: 'failed'; message: string }
  | { kind: 'needName'; session: SessionInfo; busy: boolean; error: string | null; name?: string }
  | { kind: 'ready'; session: SessionInfo; participant: SessionParticipant; participantKey: string | undefined }

async function join(sessionId: string, token: string, name: string, stored: StoredIdentity | null): Promise<JoinedParticipant> {
  if (!stored) return joinSession(sessionId, token, { name })
  try {
    return await joinSession(sessionId, token, { name, participantId: stored.participantId, participantKey: stored.participantKey })
  } catch (error) {
    // The server no longer recognises the remembered identity (its secret changed): start afresh.
    if (error instanceof ApiError && (error.code === 'unauthorized' || error.status === 400)) {
      return joinSession(sessionId, token, { name })
    }
    throw error
  }
}

const remember = (joined: JoinedParticipant): void =>
  saveIdentity({ participantId: joined.participantId, participantKey: joined.participantKey, name: joined.name, color: joined.color })

const ready = (session: SessionInfo, joined: JoinedParticipant): PageState => ({
  kind: 'ready',
  session: { ...session, role: joined.role },
  participant: { id: joined.participantId, name: joined.name, color: joined.color, known: true },
  participantKey: joined.participantKey,
})

function anonymousViewer(session: SessionInfo): PageState {
  return {
    kind: 'ready',
    session,
    participant: { id: `viewer-${randomId(8)}`, name: 'Viewer', color: ANONYMOUS_COLOR, known: false },
    participantKey: undefined,
  }
}

/** The server is down or unreachable, as opposed to refusing the link. */
const isUnreachable = (error: unknown): boolean =>
  error instanceof ApiError && (error.code === 'network' || (error.code === 'server' && error.status >= 500))

/**
 * Open a link this browser has opened before while the server cannot be reached: the board
 * then loads from IndexedDB, and edits are sent when the connection comes back.
 */
function offlineState(sessionId: string, token: string): PageState | null {
  const link = rememberedLink(sessionId, token)
  if (!link) return null
  const session: SessionInfo = { id: sessionId, title: link.title, createdAt: 0, role: link.role }
  if (link.role === 'viewer') return anonymousViewer(session)
  const stored = loadIdentity()
  if (!stored) return null
  return {
    kind: 'ready',
    session,
    participant: { id: stored.participantId, name: stored.name, color: stored.color ?? ANONYMOUS_COLOR, known: true },
    participantKey: stored.participantKey,
  }
}

/** Someone else in the session already has this name: the person picks another. */
const isNameTaken = (error: unknown): error is ApiError => error instanceof ApiError && error.reason === 'nameTaken'

const describe = (error: unknown): string =>
  error instanceof ApiError ? error.message : 'Something went wrong while opening the board. Try again.'

export function BoardPage({ sessionId, token }: { sessionId: string; token: string | null }) {
  const [state, setState] = useState<PageState>({ kind: 'loading' })
  const [licenseKey, setLicenseKey] = useState<string | null | undefined>(undefined)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let cancelled = false
    fetchConfig()
      .then((config) => !cancelled && setLicenseKey(config.tldrawLicenseKey))
      .catch(() => !cancelled && setLicenseKey(null))
    return () => {
      cancelled = true
    }
  }, [])

  useEffect(() => {
    if (!token) {
      setState({ kind: 'invalidLink' })
      return
    }
    let cancelled = false
    setState({ kind: 'loading' })
    const open = async (): Promise<PageState> => {
      const session = await fetchSession(sessionId, token)
      rememberSession(session.id, session.title, { [session.role]: token } as Partial<Record<Role, string>>)
      // Viewers are not participants (the server refuses to record them): they watch as guests.
      if (session.role === 'viewer') return anonymousViewer(session)
      const stored = loadIdentity()
      if (!stored) return { kind: 'needName', session, busy: false, error: null }
      try {
        const joined = await join(sessionId, token, stored.name, stored)
        remember(joined)
        return ready(session, joined)
      } catch (error) {
        if (isNameTaken(error)) return { kind: 'needName', session, busy: false, error: error.message, name: stored.name }
        throw error
      }
    }
    open()
      .then((next) => !cancelled && setState(next))
      .catch((error: unknown) => {
        if (cancelled) return
        const offline = isUnreachable(error) ? offlineState(sessionId, token) : null
        if (offline) setState(offline)
        else if (error instanceof ApiError && error.code === 'notFound') setState({ kind: 'notFound' })
        else if (error instanceof ApiError && error.code === 'unauthorized') setState({ kind: 'invalidLink' })
        else setState({ kind: 'failed', message: describe(error) })
      })
    return () => {
      cancelled = true
    }
  }, [sessionId, token, attempt])

  useEffect(() => {
    const title = state.kind === 'ready' || state.kind === 'needName' ? state.session.title : ''
    document.title = title ? `${title} · Sandbox` : 'Sandbox'
  }, [state])

  const submitName = useCallback(
    (name: string) => {
      if (state.kind !== 'needName' || !token) return
      const { session } = state
      setState({ kind: 'needName', session, busy: true, error: null, name })
      // A person asked again (their name was taken here) keeps their identity under the new name.
      join(sessionId, token, name, loadIdentity())
        .then((joined) => {
          remember(joined)
          setState(ready(session, joined))
        })
        .catch((error: unknown) => setState({ kind: 'needName', session, busy: false, error: describe(error), name }))
    },
    [state, sessionId, token],
  )

  switch (state.kind) {
    case 'loading':
      return (
        <main className="status-page" aria-busy="true">
          <p className="loading-text">Opening the board…</p>
        </main>
      )
    case 'notFound':
      return (
        <StatusPage title="Session not found">
          <p>There is no session at this address. It may have been deleted, or the link was copied incompletely.</p>
        </StatusPage>
      )
    case 'invalidLink':
      return (
        <StatusPage title="This link is not valid">
          <p>The link is missing its access token or the token is wrong. Ask the facilitator for a fresh link.</p>
        </StatusPage>
      )
    case 'failed':
      return (
        <StatusPage
          title="The board could not be opened"
          action={
            <button type="button" className="button button--primary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          }
        >
          <p>{state.message}</p>
        </StatusPage>
      )
    case 'needName':
      return (
        <div className="board-page board-page--waiting">
          <NameDialog sessionTitle={state.session.title} busy={state.busy} error={state.error} initialName={state.name} onSubmit={submitName} />
        </div>
      )
    case 'ready':
      return (
        <BoardView
          session={state.session}
          token={token ?? ''}
          participant={state.participant}
          participantKey={state.participantKey}
          licenseKey={licenseKey}
        />
      )
  }
}
