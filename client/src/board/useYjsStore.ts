// Opens a session's board: connection, tldraw store, and the two bindings (records, presence).
// The store is handed to tldraw only once the document holds the board the server seeded, so
// the editor never creates a page of its own (tldraw#1798).
import { useEffect, useState } from 'react'
import { atom, createTLStore, createUserId, UserRecordType, type TLStore, type TLUser } from 'tldraw'
import { createAssetStore } from './assetStore.ts'
import { openConnection, type BoardConnection } from './connection.ts'
import { renderNearViewOnly } from './nearRendering.ts'
import { bindPresence, type PresenceUser } from './presenceSync.ts'
import { bindPrivateRecords, type PrivateRecords } from './privateRecords.ts'
import { schemaHash } from '@sandbox/shared/board'
import { bindRecords, createUnreadableRecords, hasSeededBoard, loadRecords, type UnreadableRecords } from './recordSync.ts'

export interface YjsStoreOptions {
  sessionId: string
  token: string
  readOnly: boolean
  /** Who this browser is on the board; also sent to the server as `pid`/`pkey` when known. */
  user: PresenceUser
  participantKey?: string
  /** Whether `user.id` is a participant id the server minted (not a local placeholder). */
  authenticated: boolean
}

export type YjsStoreState =
  | { status: 'loading'; connection: BoardConnection | null; waitingForSeed: boolean }
  | { status: 'ready'; connection: BoardConnection; store: TLStore; unreadable: UnreadableRecords; privacy: PrivateRecords }
  | { status: 'error'; connection: BoardConnection | null; error: string }

const toTLUser = (user: PresenceUser): TLUser =>
  UserRecordType.create({ id: createUserId(user.id), name: user.name, color: user.color })

export function useYjsStore(options: YjsStoreOptions): YjsStoreState {
  const { sessionId, token, readOnly, authenticated, participantKey } = options
  const { id: userId, name, color } = options.user
  const [state, setState] = useState<YjsStoreState>({ status: 'loading', connection: null, waitingForSeed: false })

  useEffect(() => {
    const user: PresenceUser = { id: userId, name, color }
    const $presenceUser = atom<TLUser | null>('presence user', toTLUser(user))
    // A viewer is not an author: with no current user, tldraw stamps no `user:` record it could
    // not save anyway.
    const $author = atom<TLUser | null>('author', readOnly ? null : toTLUser(user))
    const $status = atom<'online' | 'offline'>('collaboration status', 'offline')
    const store = createTLStore({
      assets: createAssetStore({ sessionId, token, canUpload: !readOnly }),
      users: { currentUser: $author },
      collaboration: { status: $status, mode: atom('collaboration mode', readOnly ? 'readonly' : 'readwrite') },
    })
    // A big board mounts the shapes near the screen, not all of them (nearRendering.ts).
    renderNearViewOnly(store)
    const connection = openConnection({
      sessionId,
      token,
      // The server tells a client built for another board schema to reload, rather than refuse its records one by one.
      schemaHash: schemaHash(store.schema.serialize()),
      ...(authenticated && participantKey ? { participantId: userId, participantKey } : {}),
    })
    const unreadable = createUnreadableRecords()
    const disposers: Array<() => void> = []
    let loaded = false
    let disposed = false

    const tryLoad = () => {
      if (loaded || disposed) return
      const snapshot = connection.getSnapshot()
      if (snapshot.fatal) {
        setState({ status: 'error', connection, error: snapshot.fatal })
        return
      }
      if (!snapshot.everSynced && !snapshot.localLoaded) return
      if (!hasSeededBoard(connection.doc)) {
        setState({ status: 'loading', connection, waitingForSeed: snapshot.everSynced })
        return
      }
      loaded = true
      loadRecords(connection.doc, store, unreadable)
      const privacy = bindPrivateRecords(connection.doc, store, connection.privateChannel, !readOnly && authenticated)
      disposers.push(() => privacy.dispose())
      disposers.push(bindRecords(connection.doc, store, connection.localOrigin, readOnly, unreadable, privacy))
      disposers.push(bindPresence(connection.provider.awareness, store, $presenceUser, user))
      setState({ status: 'ready', connection, store, unreadable, privacy })
    }

    const syncStatus = () => {
      $status.set(connection.getSnapshot().connection === 'live' ? 'online' : 'offline')
      tryLoad()
    }
    disposers.push(connection.subscribe(syncStatus))
    const onUpdate = () => tryLoad()
    connection.doc.on('update', onUpdate)
    disposers.push(() => connection.doc.off('update', onUpdate))
    setState({ status: 'loading', connection, waitingForSeed: false })
    syncStatus()

    return () => {
      disposed = true
      for (const dispose of disposers.reverse()) dispose()
      connection.destroy()
    }
  }, [sessionId, token, readOnly, authenticated, participantKey, userId, name, color])

  return state
}
