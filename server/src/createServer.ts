// Wires the layers together: storage → rooms → transport (HTTP + websocket) on one port.
// Tests call this with port 0 and their own data directory.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { ParticipantKeys } from './auth/tokens.ts'
import type { Config } from './config.ts'
import { createHttpApp } from './http/app.ts'
import { createLogger, type Logger } from './log.ts'
import { Persister } from './rooms/Persister.ts'
import { loadDoc, RoomManager } from './rooms/RoomManager.ts'
import crypto from 'node:crypto'
import { PostgresStorage } from './storage/PostgresStorage.ts'
import { SqliteStorage } from './storage/SqliteStorage.ts'
import type { Storage } from './storage/Storage.ts'
import { SyncSocket } from './transport/syncSocket.ts'
import { registerReplayRoutes } from './http/replayRoutes.ts'
import { TimelineIndex } from './replay/timeline.ts'
import { registerSeriesRoutes } from './http/seriesRoutes.ts'
import { assetRoutes } from './http/assetRoutes.ts'
import { AssetStore, type AssetStorage } from './storage/AssetStore.ts'
import { Ownership } from './cluster/Ownership.ts'
import { RelaySecret } from './cluster/relay.ts'
import { ChatPoster } from './chat/ChatPoster.ts'
import { chatRoutes } from './chat/chatRoutes.ts'
import { watchRoom } from './chat/chatWatcher.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
export const DEFAULT_CLIENT_DIR = path.resolve(here, '../../client/dist')

export interface SandboxServer {
  url: string
  port: number
  storage: Storage
  rooms: RoomManager
  persister: Persister
  /** Room leases (PostgreSQL deployments). */
  ownership: Ownership | undefined
  http: FastifyInstance
  log: Logger
  /** Posts to the team's chat; `chat.idle()` waits for posts under way. */
  chat: ChatPoster
  /** Flush, checkpoint every room, close sockets and storage. */
  close(): Promise<void>
}

export async function createServer(
  config: Config,
  options: { storage?: Storage; assets?: AssetStorage; log?: Logger; clientDir?: string } = {},
): Promise<SandboxServer> {
  const log = options.log ?? createLogger(config.logLevel)
  const storage = options.storage ?? (await openStorage(config, log))
  // With PostgreSQL the images live in the database too, so every process serves them.
  const assets = options.assets ?? (storage instanceof PostgresStorage ? storage.assets : new AssetStore(config.dataDir))
  const persister = new Persister(storage, config.saveBatchMs, log, config.maxPendingBytes)
  const chat = new ChatPoster(storage, log, config)
  const timelines = new TimelineIndex(storage, { log })
  const rooms = new RoomManager({
    storage,
    persister,
    log,
    limits: {
      maxDocBytes: config.maxDocBytes,
      maxSessionStorageBytes: config.maxSessionStorageBytes,
      checkpointSpacing: { ratio: config.checkpointSpacing, minUpdates: config.checkpointMinUpdates },
      judgeBoard: config.judgeBoard,
    },
    idleUnloadMs: config.idleUnloadMs,
    onRoomLoaded: (sessionId, doc) => watchRoom(sessionId, doc, chat, log),
    // The replay timeline's summary follows the checkpoints, so a fresh process reads little of the log.
    onCheckpoint: (sessionId, seq) => void timelines.advance(sessionId, seq),
  })
  // Processes sharing a database share the participant secret through it; SQLite's stays in DATA_DIR.
  const keys = storage.sharedSetting
    ? new ParticipantKeys(Buffer.from(await storage.sharedSetting('participant-secret', crypto.randomBytes(32))))
    : ParticipantKeys.fromDataDir(config.dataDir)
  // Processes that share leases relay to each other, proving it with a secret they share.
  const relay = storage.leases && storage.sharedSetting ? new RelaySecret(await storage.sharedSetting('relay-secret', crypto.randomBytes(32))) : undefined
  let ownership: Ownership | undefined
  const http = await createHttpApp({
    storage,
    rooms,
    persister,
    keys,
    log,
    publicUrl: config.publicUrl,
    tldrawLicenseKey: config.tldrawLicenseKey,
    quotas: {
      maxSessionsPerHour: config.maxSessionsPerHour,
      sessionsPerMinutePerAddress: config.sessionsPerMinutePerAddress,
      maxParticipantsPerSession: config.maxParticipantsPerSession,
      joinsPerMinutePerAddress: config.joinsPerMinutePerAddress,
    },
    trustProxy: config.trustProxy,
    relay,
    get ownership() {
      return ownership
    },
    clientDir: options.clientDir ?? config.clientDir ?? DEFAULT_CLIENT_DIR,
    readDoc: async (sessionId) => {
      const room = rooms.loaded.get(sessionId)
      if (room) return { doc: room.doc, release: () => {} }
      const { doc } = await loadDoc(storage, sessionId)
      return { doc, release: () => doc.destroy() }
    },
    timelines,
    extraRoutes: [
      registerReplayRoutes,
      registerSeriesRoutes,
      assetRoutes({ assets, maxAssetBytes: config.maxAssetBytes, maxSessionBytes: config.maxAssetBytesPerSession }),
      chatRoutes(chat),
    ],
  })
  const sync = new SyncSocket({
    storage,
    rooms,
    keys,
    log,
    maxMessageBytes: config.maxMessageBytes,
    maxConnectionsPerRoom: config.maxConnectionsPerRoom,
    maxViewersPerRoom: config.maxViewersPerRoom,
    messagesPerSecond: config.messagesPerSecond,
    messageBurst: config.messageBurst,
    bytesPerSecond: config.bytesPerSecond,
    burstBytes: config.burstBytes,
    slowClientBytes: config.slowClientBytes,
    allowedOrigins: config.allowedOrigins,
    publicUrl: config.publicUrl,
    relay: relay ? { secret: relay, leaseTtlMs: config.leaseTtlMs } : undefined,
  })
  http.server.on('upgrade', (req, socket, head) => {
    sync.handleUpgrade(req, socket, head).catch((error: unknown) => {
      log.error({ event: 'sync.upgrade_failed', err: error }, 'upgrade failed')
      socket.destroy()
    })
  })
  await http.listen({ port: config.port, host: config.host })
  const address = http.server.address() as AddressInfo
  if (storage.leases) {
    ownership = new Ownership({
      leases: storage.leases,
      url: config.internalUrl ?? `http://127.0.0.1:${address.port}`,
      ttlMs: config.leaseTtlMs,
      log,
      onLost: (sessionIds, reason) => rooms.lose(sessionIds, reason),
    })
    rooms.useOwnership(ownership)
  }
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`
  let closing: Promise<void> | null = null
  return {
    url,
    port: address.port,
    storage,
    rooms,
    persister,
    ownership,
    http,
    log,
    chat,
    close: () =>
      (closing ??= (async () => {
        sync.close()
        await rooms.shutdown()
        await persister.close()
        await chat.close()
        await http.close()
        await storage.close()
      })()),
  }
}

/** PostgreSQL when DATABASE_URL is set (migrated at start), else SQLite in DATA_DIR. */
function openStorage(config: Config, log: Logger): Promise<Storage> | Storage {
  if (config.databaseUrl) return PostgresStorage.open(config.databaseUrl, { log })
  return new SqliteStorage(config.dataDir, { synchronous: config.sqliteSynchronous, log })
}
