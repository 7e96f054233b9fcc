// Small notices over the board: items that could not be shown, and a connection closed for good
// (with a Reload button when the server was updated since this page loaded).
import { useSyncExternalStore } from 'react'
import { CLOSE_REASONS } from '@sandbox/shared'
import type { UnreadableRecords } from '../board/recordSync.ts'

export function UnreadableNotice({ unreadable }: { unreadable: UnreadableRecords }) {
  const count = useSyncExternalStore(unreadable.subscribe, () => unreadable.ids.size)
  if (count === 0) return null
  return (
    <div className="notice notice--quiet" role="status" data-testid="unreadable-notice">
      {count === 1 ? '1 item on this board could not be shown.' : `${count} items on this board could not be shown.`}
    </div>
  )
}

/** Whether the connection was closed because this page is older (or newer) than the server. */
export const isVersionMismatch = (reason: string | null): boolean => reason === CLOSE_REASONS.versionMismatch

export function FatalNotice({ reason }: { reason: string }) {
  return (
    <div className="notice notice--error" role="alert">
      {reason}
      {isVersionMismatch(reason) ? (
        <button type="button" className="button button--secondary button--small notice__action" onClick={() => window.location.reload()}>
          Reload
        </button>
      ) : null}
    </div>
  )
}
