// The slim bar above the board: what session this is, whether it is live and saved, who is here.
import type { Role } from '@sandbox/shared'
import type { ConnectionSnapshot, ConnectionState, SaveState } from '../board/connection.ts'
import type { Person } from '../board/usePeople.ts'
import { Link } from '../router.tsx'
import { InviteButton } from './InviteDialog.tsx'
import { PresenceList } from './PresenceList.tsx'

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline',
}

const SAVE_TEXT: Record<SaveState, string> = {
  saving: 'Saving…',
  saved: 'All changes saved',
  'offline-unsaved': 'Offline — changes kept on this device',
}

export const ROLE_LABEL: Record<Role, string> = {
  facilitator: 'Facilitator',
  participant: 'Participant',
  viewer: 'View only',
}

export interface TopBarProps {
  title: string
  role: Role
  status: ConnectionSnapshot
  people: Person[]
  /** Link to this session's replay. */
  replayHref: string
  /** The session and the token this page holds, for "Invite people". */
  invite?: { sessionId: string; token: string }
}

export function TopBar({ title, role, status, people, replayHref, invite }: TopBarProps) {
  return (
    <header className="topbar">
      <div className="topbar__left">
        <Link href="/" className="topbar__brand" aria-label="Sandbox home">
          <span className="brand-mark" aria-hidden="true" />
        </Link>
        <h1 className="topbar__title" title={title}>
          {title || 'Untitled session'}
        </h1>
        <span className={`role-badge role-badge--${role}`}>
          <span className="visually-hidden">Your role: </span>
          {ROLE_LABEL[role]}
        </span>
      </div>
      <div className="topbar__right">
        {invite ? <InviteButton sessionId={invite.sessionId} token={invite.token} title={title} role={role} /> : null}
        <PresenceList people={people} />
        <nav aria-label="Session pages">
          <Link href={replayHref} className="topbar__link">
            Replay
          </Link>
        </nav>
        <span className="topbar__divider" aria-hidden="true" />
        <span role="status" aria-label="Save status" className={`save-status save-status--${status.save}`}>
          {SAVE_TEXT[status.save]}
        </span>
        <span role="status" aria-label="Connection" className={`connection connection--${status.connection}`}>
          {CONNECTION_TEXT[status.connection]}
        </span>
      </div>
    </header>
  )
}
