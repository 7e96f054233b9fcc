// One session's live connection: the Y.Doc, its IndexedDB copy, the y-websocket provider, and
// two small pieces of derived state the top bar shows: is the board live, and is every local
// change durably stored on the server (message type 100, opt-in with `ack=1`).
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import { FATAL_CLOSE_CODES, MessageType, PROTOCOL_VERSION, SYNC_PATH, SyncParam, closeReasonFor, readSavedClocks } from '@sandbox/shared'
import { createPendingClients, type PendingClients } from './pendingClients.ts'
import { watchHeartbeat } from './heartbeat.ts'
import { openPrivateChannel, type PrivateChannel } from './privateChannel.ts'

export type ConnectionState = 'connecting' | 'live' | 'offline'
export type SaveState = 'saving' | 'saved' | 'offline-unsaved'

export interface ConnectionSnapshot {
  connection: ConnectionState
  save: SaveState
  /** Set when the server closed the socket for good (bad link, unknown session…): what to do. */
  fatal: string | null
  /** The server's copy has been merged at least once since the page opened. */
  everSynced: boolean
  /** The IndexedDB copy has been read. */
  localLoaded: boolean
}

export interface ConnectionOptions {
  sessionId: string
  token: string
  /** Fingerprint of the board schema this build speaks (agreed with the server on connect);
   * pages that never write the board (my tasks) leave it out. */
  schemaHash?: string
  participantId?: string
  participantKey?: string
}

export interface BoardConnection {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  /** Transaction origin of this client's own writes into the doc. */
  readonly localOrigin: object
  /** This person's private stickies and hidden ballot (message type 101). */
  readonly privateChannel: PrivateChannel
  getSnapshot(): ConnectionSnapshot
  subscribe(listener: () => void): () => void
  destroy(): void
}

/** How long the socket waits for the IndexedDB copy before connecting without it. */
const LOCAL_COPY_WAIT_MS = 3_000

export const syncServerUrl = (): string => `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}${SYNC_PATH}`

/**
 * y-indexeddb applies the stored board in one transaction, and Yjs then encodes that transaction
 * again as one 'update' event for its listeners (a returning participant's 2,000-sticky board:
 * 0.25 s, a quarter of a second more at 5,000). No listener needs it while the socket is closed:
 * y-indexeddb and `openConnection` skip updates from IndexedDB, the board loads on the copy's
 * 'synced' event, and y-websocket's sync step sends the server whatever it lacks once it connects.
 * With the socket already open (IndexedDB slower than the connect wait) the event goes out as
 * usual, so edits kept offline in an earlier visit still reach the server.
 */
function skipUpdateEventsOfLocalCopy(doc: Y.Doc, persistence: IndexeddbPersistence, socketOpen: () => boolean): void {
  const observers = doc._observers as Map<string, Set<unknown>>
  doc.on('beforeTransaction', (transaction) => {
    if (transaction.origin !== persistence || socketOpen()) return
    const stashed = observers.get('update')
    if (!stashed) return
    observers.delete('update')
    // Yjs decides whether to encode right after 'afterTransactionCleanup'; put the listeners back after that.
    doc.once('afterTransactionCleanup', () =>
      queueMicrotask(() => {
        const added = observers.get('update')
        if (added) for (const listener of added) stashed.add(listener)
        observers.set('update', stashed)
      }),
    )
  })
}

export function openConnection(options: ConnectionOptions): BoardConnection {
  const doc = new Y.Doc()
  const localOrigin = { name: 'sandbox-client' }
  const persistence = new IndexeddbPersistence(`sandbox-${options.sessionId}`, doc)
  const params: Record<string, string> = {
    [SyncParam.token]: options.token,
    [SyncParam.ack]: '1',
    [SyncParam.protocol]: String(PROTOCOL_VERSION),
  }
  if (options.schemaHash) params[SyncParam.schema] = options.schemaHash
  if (options.participantId && options.participantKey) {
    params[SyncParam.participantId] = options.participantId
    params[SyncParam.participantKey] = options.participantKey
  }
  const provider = new WebsocketProvider(syncServerUrl(), options.sessionId, doc, {
    params,
    connect: false,
    // No BroadcastChannel between this browser's tabs: on connect, y-websocket sent the whole board
    // to the other tabs (0.15 s to encode a 2,000-sticky board, every time a tab opened). Tabs of
    // one browser sync through the server like two people do; the cost is offline only: two tabs
    // offline at once see each other's edits when the network is back, not before (nothing is lost,
    // each keeps its own edits in the document and IndexedDB and sends them on reconnect).
    disableBc: true,
    // Only a bad link or a deleted session is final; rate limits and restarts are worth a retry.
    shouldReconnect: (event) => !FATAL_CLOSE_CODES.has(event.code),
  })
  skipUpdateEventsOfLocalCopy(doc, persistence, () => provider.wsconnected)
  const pending: PendingClients = createPendingClients(options.sessionId)
  const privateChannel = openPrivateChannel(provider)

  /** Clocks the server says it stored, per client id, merged over every ack since the page opened. */
  const acked = new Map<number, number>()
  /** The server's state vector from its sync step 1: what it already had when we connected. */
  const serverHad = new Map<number, number>()

  let snapshot: ConnectionSnapshot = {
    connection: 'connecting',
    save: 'saved',
    fatal: null,
    everSynced: false,
    localLoaded: false,
  }
  let connection: ConnectionState = 'connecting'
  const listeners = new Set<() => void>()

  const isStored = (clientId: number): boolean => {
    const local = Y.getState(doc.store, clientId)
    const stored = Math.max(acked.get(clientId) ?? 0, clientId === doc.clientID ? 0 : (serverHad.get(clientId) ?? 0))
    return stored >= local
  }

  const update = () => {
    // Before IndexedDB is read, an earlier page's client id has no state yet and would look stored.
    if (persistence.synced) pending.removeWhere(isStored)
    const unsaved = pending.ids().some((id) => !isStored(id))
    const save: SaveState = !unsaved ? 'saved' : connection === 'live' ? 'saving' : 'offline-unsaved'
    const next: ConnectionSnapshot = {
      connection,
      save,
      fatal: snapshot.fatal,
      everSynced: snapshot.everSynced || provider.synced,
      localLoaded: persistence.synced,
    }
    if (
      next.connection !== snapshot.connection ||
      next.save !== snapshot.save ||
      next.everSynced !== snapshot.everSynced ||
      next.localLoaded !== snapshot.localLoaded
    ) {
      snapshot = next
      for (const listener of listeners) listener()
    }
  }

  const setFatal = (reason: string) => {
    snapshot = { ...snapshot, fatal: reason }
    connection = 'offline'
    for (const listener of listeners) listener()
    update()
  }

  provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
    for (const [clientId, clock] of readSavedClocks(decoder)) acked.set(clientId, Math.max(acked.get(clientId) ?? 0, clock))
    update()
  }

  // Peek at the server's sync step 1 (its state vector) before y-websocket answers it.
  const syncHandler = provider.messageHandlers[MessageType.sync]
  provider.messageHandlers[MessageType.sync] = (encoder, decoder, ...rest) => {
    try {
      const peek = decoding.createDecoder(decoder.arr)
      peek.pos = decoder.pos
      if (decoding.readVarUint(peek) === 0) {
        for (const [clientId, clock] of Y.decodeStateVector(decoding.readVarUint8Array(peek))) serverHad.set(clientId, clock)
      }
    } catch {
      // Not ours to judge: y-websocket reads the message below and reports what it cannot.
    }
    syncHandler?.(encoder, decoder, ...rest)
  }

  doc.on('update', (_update: Uint8Array, origin: unknown) => {
    if (origin === provider || origin === persistence) return
    pending.add(doc.clientID)
    update()
  })

  provider.on('sync', (synced: boolean) => {
    if (synced) connection = 'live'
    update()
  })
  provider.on('status', ({ status }) => {
    if (status === 'disconnected') connection = 'offline'
    update()
  })
  provider.on('connection-close', () => {
    connection = snapshot.fatal ? 'offline' : provider.synced ? 'live' : 'offline'
    update()
  })
  provider.on('closed', ({ code, reason }) => {
    setFatal(closeReasonFor(code) ?? (reason || 'The server closed the connection.'))
  })
  void persistence.whenSynced.then(update)
  // The browser knows at once when the network is gone; the socket would take up to 30 s to time
  // out, while the top bar went on saying "All changes saved · Live".
  const onOffline = () => {
    provider.disconnect()
    connection = 'offline'
    update()
  }
  const onOnline = () => {
    if (!snapshot.fatal) provider.connect()
  }
  window.addEventListener('offline', onOffline)
  window.addEventListener('online', onOnline)
  // A socket that went quiet without closing is offline too, within seconds (heartbeat.ts).
  const stopHeartbeat = watchHeartbeat(
    provider,
    () => {
      connection = 'offline'
      update()
    },
    () => {
      connection = 'live'
      update()
    },
  )
  // Connect once the IndexedDB copy is in the document: the state vector y-websocket sends then
  // says what this browser already has, and the server sends only what changed since, instead of
  // the whole board again (a returning participant on a 2,000-sticky board: about 1 MB decoded
  // and stored a second time while the board opens). An IndexedDB that does not answer (some
  // private windows) does not keep the board offline: the socket opens after a short wait anyway.
  let connectTimer: ReturnType<typeof setTimeout> | null = null
  let connectStarted = false
  let destroyed = false
  const connectOnce = () => {
    if (connectTimer !== null) clearTimeout(connectTimer)
    connectTimer = null
    if (connectStarted || destroyed) return
    connectStarted = true
    if (!snapshot.fatal) provider.connect()
  }
  connectTimer = setTimeout(connectOnce, LOCAL_COPY_WAIT_MS)
  void persistence.whenSynced.then(connectOnce)

  return {
    doc,
    provider,
    localOrigin,
    privateChannel,
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    destroy() {
      destroyed = true
      if (connectTimer !== null) clearTimeout(connectTimer)
      listeners.clear()
      privateChannel.destroy()
      window.removeEventListener('offline', onOffline)
      window.removeEventListener('online', onOnline)
      stopHeartbeat()
      provider.destroy()
      void persistence.destroy()
      doc.destroy()
    },
  }
}
