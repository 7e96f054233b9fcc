// The live half of the my-tasks page: the session's document (and its IndexedDB copy, so it works
// offline too), with status and note changes going through the same shared rules as the board.
// Loaded after the page has drawn the HTTP snapshot; until the document has loaded, the snapshot
// stays on screen, read-only.
import { useEffect, useMemo, useState } from 'react'
import { openConnection, type BoardConnection } from '../board/connection.ts'
import { useConnectionSnapshot } from '../board/useConnectionSnapshot.ts'
import type { SessionInfo } from '../lib/api.ts'
import type { StoredIdentity } from '../lib/storage.ts'
import { MyTaskItem } from './MyTaskItem.tsx'
import { MyTasksView, SnapshotView, type TasksSnapshot } from './MyTasksView.tsx'
import { SessionContext, type SessionContextValue } from './SessionContext.ts'
import { ReportContext } from './useActions.ts'
import { useSessionFields, useTasks } from './useSessionState.ts'

interface Props {
  session: SessionInfo
  token: string
  identity: StoredIdentity
  snapshot: TasksSnapshot | null
}

export function MyTasksLive({ session, token, identity, snapshot }: Props) {
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
  if (!context || !connection) return <SnapshotView sessionId={session.id} token={token} title={session.title} participantName={identity.name} snapshot={snapshot} />
  return (
    <SessionContext.Provider value={context}>
      <LiveView context={context} connection={connection} snapshot={snapshot} />
    </SessionContext.Provider>
  )
}

function LiveView({ context, connection, snapshot }: { context: SessionContextValue; connection: BoardConnection; snapshot: TasksSnapshot | null }) {
  const status = useConnectionSnapshot(connection)
  const fields = useSessionFields(context.doc)
  const tasks = useTasks(context.doc)
  const [notice, setNotice] = useState('')
  const loaded = status.everSynced || status.localLoaded
  if (!loaded) {
    return <SnapshotView sessionId={context.sessionId} token={context.token} title={context.title} participantName={context.participant.name} snapshot={snapshot} />
  }
  const mine = tasks.filter((t) => t.ownerId === context.participant.id)
  return (
    <ReportContext.Provider value={(message) => setNotice(message)}>
      <MyTasksView
        sessionId={context.sessionId}
        token={context.token}
        title={fields.title || context.title}
        problem={fields.problem}
        participantName={context.participant.name}
        mine={mine}
        connection={status.connection === 'live' ? 'live' : status.connection === 'offline' ? 'offline' : 'connecting'}
        notice={notice}
        renderTask={(t) => <MyTaskItem key={t.id} task={t} />}
      />
    </ReportContext.Provider>
  )
}
