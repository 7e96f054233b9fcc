// The live board: top bar, tldraw canvas, and the slot for the session-template panels.
import { useMemo, useState } from 'react'
import type { Editor } from 'tldraw'
import { canWriteBoard } from '@sandbox/shared'
import type { SessionInfo } from '../lib/api.ts'
import { Board } from '../board/Board.tsx'
import { useConnectionSnapshot } from '../board/useConnectionSnapshot.ts'
import { usePeople } from '../board/usePeople.ts'
import { useYjsStore } from '../board/useYjsStore.ts'
import { LicenseNotice, isProductionOrigin } from '../components/LicenseNotice.tsx'
import { TopBar } from '../components/TopBar.tsx'
import { FatalNotice, isVersionMismatch, UnreadableNotice } from '../components/BoardNotices.tsx'
import { SessionContext, type SessionContextValue, type SessionParticipant } from '../session/SessionContext.ts'
import { SessionPanels } from '../session/SessionPanels.tsx'
import { replayPath } from '../router.tsx'
import { AnnouncerProvider } from '../components/Announcer.tsx'
import { SessionAnnouncements } from './SessionAnnouncements.tsx'
import { useF6Regions } from './useF6Regions.ts'

export interface BoardViewProps {
  session: SessionInfo
  token: string
  participant: SessionParticipant
  participantKey: string | undefined
  /** undefined while /api/config is loading. */
  licenseKey: string | null | undefined
}

export function BoardView({ session, token, participant, participantKey, licenseKey }: BoardViewProps) {
  const readOnly = !canWriteBoard(session.role)
  const user = useMemo(() => ({ id: participant.id, name: participant.name, color: participant.color }), [participant])
  const board = useYjsStore({
    sessionId: session.id,
    token,
    readOnly,
    user,
    authenticated: participant.known,
    ...(participantKey ? { participantKey } : {}),
  })
  const status = useConnectionSnapshot(board.connection)
  const people = usePeople(board.connection?.provider.awareness ?? null)
  const [editor, setEditor] = useState<Editor | null>(null)
  useF6Regions()

  const context = useMemo<SessionContextValue | null>(
    () =>
      board.status === 'ready'
        ? {
            sessionId: session.id,
            token,
            title: session.title,
            role: session.role,
            participant,
            doc: board.connection.doc,
            connection: board.connection,
            privateRecords: board.privacy,
            editor,
          }
        : null,
    [board, session, token, participant, editor],
  )

  return (
    <AnnouncerProvider>
    <div className="board-page">
      {/* tldraw's toolbars come first in the tab order and the canvas keeps focus to itself. */}
      {context ? (
        <a className="skip-link" href="#session-sidebar-body">
          Skip to the session panel
        </a>
      ) : null}
      <TopBar title={session.title} role={session.role} status={status} people={people} replayHref={replayPath(session.id, token)} invite={{ sessionId: session.id, token }} />
      {licenseKey === null && isProductionOrigin() ? <LicenseNotice /> : null}
      {status.fatal && board.status === 'ready' ? <FatalNotice reason={status.fatal} /> : null}
      {board.status === 'ready' ? <UnreadableNotice unreadable={board.unreadable} /> : null}
      <main className="board-main">
        {board.status === 'ready' && licenseKey !== undefined ? (
          <Board store={board.store} user={user} readOnly={readOnly} licenseKey={licenseKey ?? undefined} onEditor={setEditor} />
        ) : board.status === 'error' ? (
          <div className="board-message" role="alert">
            <h2 className="board-message__title">The board could not be opened</h2>
            <p>{board.error}</p>
            {isVersionMismatch(board.error) ? (
              <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
                Reload
              </button>
            ) : null}
          </div>
        ) : (
          <div className="board-message" aria-busy="true">
            <p className="loading-text">
              {board.status === 'loading' && board.waitingForSeed ? 'Waiting for the server to prepare the board…' : 'Loading the board…'}
            </p>
          </div>
        )}
        {context ? (
          <SessionContext.Provider value={context}>
            {/* Slot: the session-template panels (phase bar, task panel) render here. */}
            <div className="board-panels" data-slot="session-panels">
              <SessionPanels {...context} />
            </div>
            <SessionAnnouncements doc={context.doc} />
          </SessionContext.Provider>
        ) : null}
      </main>
    </div>
    </AnnouncerProvider>
  )
}
