// Server settings, read once from the environment and validated, with their units in the names.
import path from 'node:path'
import { z } from 'zod'
import { DEFAULT_CHECKPOINT_SPACING } from './rooms/checkpointPolicy.ts'

/** Slack's incoming webhooks, and the hosts Microsoft's Workflows webhooks are served from. */
export const DEFAULT_WEBHOOK_ALLOWED_HOSTS = ['hooks.slack.com', '*.logic.azure.com', '*.webhook.office.com', '*.powerplatform.com'] as const

const int = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback)

const envSchema = z.object({
  PORT: int(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a PostgreSQL URL: postgres://user@host:port/database')
    .optional(),
  PUBLIC_URL: z.string().url().optional(),
  INTERNAL_URL: z.string().url().optional(),
  LEASE_TTL_MS: z.coerce.number().int().min(500).default(5_000),
  MAX_PENDING_BYTES: int(64 * 1024 * 1024),
  TLDRAW_LICENSE_KEY: z.string().optional(),
  ALLOWED_ORIGINS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_MESSAGE_BYTES: int(1024 * 1024),
  MAX_DOC_BYTES: int(64 * 1024 * 1024),
  MAX_SESSION_STORAGE_BYTES: int(512 * 1024 * 1024),
  MAX_CONNECTIONS_PER_ROOM: int(200),
  MAX_VIEWERS_PER_ROOM: int(50),
  MESSAGES_PER_SECOND: int(200),
  MESSAGE_BURST: int(400),
  BYTES_PER_SECOND: int(1024 * 1024),
  BURST_BYTES: int(4 * 1024 * 1024),
  MAX_SESSIONS_PER_HOUR: int(600),
  SESSIONS_PER_MINUTE_PER_ADDRESS: int(30),
  MAX_PARTICIPANTS_PER_SESSION: int(500),
  JOINS_PER_MINUTE_PER_ADDRESS: int(120),
  SAVE_BATCH_MS: int(5),
  CHECKPOINT_SPACING: z.coerce.number().nonnegative().default(DEFAULT_CHECKPOINT_SPACING.ratio),
  CHECKPOINT_MIN_UPDATES: int(DEFAULT_CHECKPOINT_SPACING.minUpdates),
  IDLE_UNLOAD_MS: int(30_000),
  SLOW_CLIENT_BYTES: int(8 * 1024 * 1024),
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  MAX_ASSET_BYTES: int(10 * 1024 * 1024),
  MAX_ASSET_BYTES_PER_SESSION: int(200 * 1024 * 1024),
  CLIENT_DIR: z.string().optional(),
  SLACK_WEBHOOK_URL: z.string().url().optional(),
  TEAMS_WEBHOOK_URL: z.string().url().optional(),
  WEBHOOK_ALLOWED_HOSTS: z.string().default(DEFAULT_WEBHOOK_ALLOWED_HOSTS.join(',')),
  WEBHOOK_TIMEOUT_MS: int(10_000),
})

export type Config = {
  port: number
  host: string
  dataDir: string
  /** PostgreSQL instead of SQLite in dataDir (DATABASE_URL); images stay in dataDir either way. */
  databaseUrl: string | null
  publicUrl: string | undefined
  /**
   * Where the other processes of a deployment reach this one (INTERNAL_URL; default
   * http://127.0.0.1:PORT). Unique per process: a lease held at this address is taken over as
   * this process's own (a predecessor that died here).
   */
  internalUrl: string | undefined
  /** How long a room's lease lasts without renewal: the longest a dead process keeps its rooms. */
  leaseTtlMs: number
  /** Bytes of updates waiting for storage past which rooms take no new changes. */
  maxPendingBytes: number
  tldrawLicenseKey: string | null
  allowedOrigins: string[]
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL']
  maxMessageBytes: number
  maxDocBytes: number
  /** Bytes one session may occupy in storage (its log and checkpoints), across unloads and restarts. */
  maxSessionStorageBytes: number
  /**
   * Judge the board (placement and records). Always true in a deployment: no environment variable
   * sets it; only the benchmark turns it off, to measure what the judging costs.
   */
  judgeBoard: boolean
  /** Participant sockets per room (the facilitator is never refused for capacity; viewers have their own cap). */
  maxConnectionsPerRoom: number
  /** Viewer sockets per room; viewers never take participants' places. */
  maxViewersPerRoom: number
  messagesPerSecond: number
  messageBurst: number
  /** Per-connection byte rate of incoming frames, and the burst it may spend at once. */
  bytesPerSecond: number
  burstBytes: number
  /** Sessions this process creates per rolling hour, across all addresses. */
  maxSessionsPerHour: number
  sessionsPerMinutePerAddress: number
  /** Distinct participant records per session; rejoining with an existing participant id always works. */
  maxParticipantsPerSession: number
  /** `POST /api/sessions/<id>/participants` per client address per minute. */
  joinsPerMinutePerAddress: number
  saveBatchMs: number
  /**
   * A checkpoint once the update bytes logged since the last one reach this many times its stored
   * size (rooms/checkpointPolicy.ts: 1 keeps a session within 2 × its updates plus its document).
   */
  checkpointSpacing: number
  /** And not before this many updates since the last one. */
  checkpointMinUpdates: number
  idleUnloadMs: number
  slowClientBytes: number
  sqliteSynchronous: 'FULL' | 'NORMAL'
  /** Believe X-Forwarded-* headers (only behind a reverse proxy that sets them). */
  trustProxy: boolean
  /** Largest image one upload may carry (413 above it). */
  maxAssetBytes: number
  /** Image bytes one session may store in all (507 above it). */
  maxAssetBytesPerSession: number
  /** The built client to serve (default client/dist); tests that build their own point it elsewhere. */
  clientDir?: string
  /** Server-wide chat webhooks, used by sessions that set none of their own. Never logged or shown in full. */
  slackWebhookUrl: string | null
  teamsWebhookUrl: string | null
  /** Hosts the server may post to (`*.example.com` matches subdomains; `host:port` also allows plain http). */
  webhookAllowedHosts: string[]
  /** One attempt to post gives up after this long. */
  webhookTimeoutMs: number
  /** Waits before each retry of a failed post (the number of entries bounds the retries). */
  webhookRetryDelaysMs: number[]
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid environment: ${problems}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    internalUrl: e.INTERNAL_URL?.replace(/\/+$/, ''),
    leaseTtlMs: e.LEASE_TTL_MS,
    maxPendingBytes: e.MAX_PENDING_BYTES,
    tldrawLicenseKey: e.TLDRAW_LICENSE_KEY ?? null,
    allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((s) => s.trim().replace(/\/+$/, '')).filter(Boolean),
    logLevel: e.LOG_LEVEL,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    maxDocBytes: e.MAX_DOC_BYTES,
    maxSessionStorageBytes: e.MAX_SESSION_STORAGE_BYTES,
    judgeBoard: true,
    maxConnectionsPerRoom: e.MAX_CONNECTIONS_PER_ROOM,
    maxViewersPerRoom: e.MAX_VIEWERS_PER_ROOM,
    messagesPerSecond: e.MESSAGES_PER_SECOND,
    messageBurst: e.MESSAGE_BURST,
    bytesPerSecond: e.BYTES_PER_SECOND,
    burstBytes: e.BURST_BYTES,
    maxSessionsPerHour: e.MAX_SESSIONS_PER_HOUR,
    sessionsPerMinutePerAddress: Math.max(1, e.SESSIONS_PER_MINUTE_PER_ADDRESS),
    maxParticipantsPerSession: e.MAX_PARTICIPANTS_PER_SESSION,
    joinsPerMinutePerAddress: Math.max(1, e.JOINS_PER_MINUTE_PER_ADDRESS),
    saveBatchMs: e.SAVE_BATCH_MS,
    checkpointSpacing: e.CHECKPOINT_SPACING,
    checkpointMinUpdates: Math.max(1, e.CHECKPOINT_MIN_UPDATES),
    idleUnloadMs: e.IDLE_UNLOAD_MS,
    slowClientBytes: e.SLOW_CLIENT_BYTES,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
    maxAssetBytes: e.MAX_ASSET_BYTES,
    maxAssetBytesPerSession: e.MAX_ASSET_BYTES_PER_SESSION,
    ...(e.CLIENT_DIR ? { clientDir: path.resolve(e.CLIENT_DIR) } : {}),
    slackWebhookUrl: e.SLACK_WEBHOOK_URL ?? null,
    teamsWebhookUrl: e.TEAMS_WEBHOOK_URL ?? null,
    webhookAllowedHosts: e.WEBHOOK_ALLOWED_HOSTS.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
    webhookTimeoutMs: Math.max(1, e.WEBHOOK_TIMEOUT_MS),
    webhookRetryDelaysMs: [2_000, 10_000, 30_000],
    ...overrides,
  }
}
