// Everything the session-template panels (phase bar, timer, votes, task panel) need to know
// about the board they sit on. Provided by BoardPage; read with `useSession()`.
import { createContext, useContext } from 'react'
import type * as Y from 'yjs'
import type { Editor } from 'tldraw'
import type { Role } from '@sandbox/shared'
import type { BoardConnection } from '../board/connection.ts'
import type { PrivateRecords } from '../board/privateRecords.ts'

export interface SessionParticipant {
  /** The server-minted participant id, or a local placeholder for an anonymous viewer. */
  id: string
  name: string
  color: string
  /** False for an anonymous viewer: the server does not know this id. */
  known: boolean
}

export interface SessionContextValue {
  sessionId: string
  /** The role token from the URL; send it as `Authorization: Bearer` to the API. */
  token: string
  title: string
  role: Role
  participant: SessionParticipant
  /** The shared document: `doc.getMap(Root.session)`, `Root.tasks`, `Root.votes`… */
  doc: Y.Doc
  connection: BoardConnection
  /** This person's private stickies (private writing), kept off the shared document until the reveal; null off the board. */
  privateRecords: PrivateRecords | null
  /** The tldraw editor, once mounted. */
  editor: Editor | null
}

export const SessionContext = createContext<SessionContextValue | null>(null)

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext)
  if (!value) throw new Error('useSession() is only available inside the board page.')
  return value
}
