// Following someone's view. The presence list (in the top bar) asks to follow a person; the layer
// that holds the tldraw editor (AttentionLayer) does it and says whom it follows, which the
// presence list shows as pressed. A small typed store between the two, because the top bar sits
// outside the editor's tree.
import { useSyncExternalStore } from 'react'

export interface FollowTarget {
  /** The participant id, as in awareness (`user.id`). */
  id: string
  name: string
}

type Handler = (target: FollowTarget | null) => void

let handler: Handler | null = null
let following: FollowTarget | null = null
const listeners = new Set<() => void>()

/** The editor's side: handles requests; returns the unregister. */
export function handleFollowRequests(next: Handler): () => void {
  handler = next
  return () => {
    if (handler === next) handler = null
  }
}

/** Follow this person's view (null: stop). Does nothing while no board is open. */
export function requestFollow(target: FollowTarget | null): void {
  handler?.(target)
}

/** The editor's side reports whom it follows now. */
export function setFollowing(target: FollowTarget | null): void {
  if (following?.id === target?.id) return
  following = target
  for (const listener of listeners) listener()
}

const subscribe = (listener: () => void) => {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export const useFollowing = (): FollowTarget | null => useSyncExternalStore(subscribe, () => following)
