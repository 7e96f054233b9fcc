// Presence over y-websocket awareness. The local state is `{ user, presence }`, where presence is
// tldraw's own derivation (cursor, selection, camera, page); every other client's state becomes
// an `instance_presence` record in the store, named and coloured from `user`, which the server
// rewrites from its participant record so nobody can pose as someone else.
import {
  InstancePresenceRecordType,
  createPresenceStateDerivation,
  createUserId,
  react,
  type Signal,
  type TLInstancePresence,
  type TLStore,
  type TLUser,
} from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'

export interface PresenceUser {
  id: string
  name: string
  color: string
}

export interface AwarenessState {
  user?: Partial<PresenceUser>
  presence?: Partial<TLInstancePresence> | null
}

const presenceIdFor = (clientId: number): TLInstancePresence['id'] => InstancePresenceRecordType.createId(`awareness-${clientId}`)

export function bindPresence(awareness: Awareness, store: TLStore, $user: Signal<TLUser | null>, user: PresenceUser): () => void {
  awareness.setLocalStateField('user', user)

  // Local → awareness, at most once per animation frame: pointer moves fire far more often.
  const $presence = createPresenceStateDerivation($user)(store)
  let frame: number | null = null
  const publish = () => {
    frame = null
    awareness.setLocalStateField('presence', $presence.get())
  }
  const stopReacting = react('sandbox presence → awareness', () => {
    $presence.get()
    frame ??= requestAnimationFrame(publish)
  })

  // Awareness → store.
  const onChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    const puts: TLInstancePresence[] = []
    const removals: TLInstancePresence['id'][] = []
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue
      const record = presenceRecordFor(clientId, awareness.getStates().get(clientId) as AwarenessState | undefined)
      if (record) puts.push(record)
      else removals.push(presenceIdFor(clientId))
    }
    for (const clientId of removed) removals.push(presenceIdFor(clientId))
    const toRemove = removals.filter((id) => store.has(id))
    if (puts.length === 0 && toRemove.length === 0) return
    store.mergeRemoteChanges(() => {
      for (const record of puts) {
        try {
          store.put([record])
        } catch {
          // A peer on another tldraw version may send fields this build rejects; skip its cursor.
        }
      }
      if (toRemove.length > 0) store.remove(toRemove)
    })
  }
  awareness.on('change', onChange)
  // Peers already known before we bound (the provider may have synced first).
  onChange({ added: [...awareness.getStates().keys()], updated: [], removed: [] })

  return () => {
    if (frame !== null) cancelAnimationFrame(frame)
    stopReacting()
    awareness.off('change', onChange)
    awareness.setLocalStateField('presence', null)
  }
}

function presenceRecordFor(clientId: number, state: AwarenessState | undefined): TLInstancePresence | null {
  const presence = state?.presence
  const user = state?.user
  if (!presence || typeof presence !== 'object' || !user || typeof user.id !== 'string') return null
  return InstancePresenceRecordType.create({
    ...presence,
    id: presenceIdFor(clientId),
    userId: createUserId(user.id),
    userName: typeof user.name === 'string' ? user.name : 'Someone',
    color: typeof user.color === 'string' ? user.color : '#868e96',
    currentPageId: presence.currentPageId ?? ('page:page' as TLInstancePresence['currentPageId']),
  } as TLInstancePresence)
}
