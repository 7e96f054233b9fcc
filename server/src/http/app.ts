// The HTTP side: API routes, the built client with its self-hosted tldraw assets, health, and
// security headers. Every route validates its input at the boundary and answers errors as
// `{ error: { code, message } }`.
import type { RelaySecret } from '../cluster/relay.ts'
import type { Ownership } from '../cluster/Ownership.ts'
import fs from 'node:fs'
import path from 'node:path'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import type * as Y from 'yjs'
import { isSessionId } from '@sandbox/shared'
import type { ParticipantKeys } from '../auth/tokens.ts'
import type { Logger } from '../log.ts'
import type { Persister } from '../rooms/Persister.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { Storage } from '../storage/Storage.ts'
import type { TimelineIndex } from '../replay/timeline.ts'
import { errorBody, HttpError, HttpErrors } from './errors.ts'
import { registerSessionRoutes, type SessionQuotas } from './sessionRoutes.ts'

export interface AppDeps {
  storage: Storage
  rooms: RoomManager
  persister: Persister
  keys: ParticipantKeys
  log: Logger
  publicUrl: string | undefined
  tldrawLicenseKey: string | null
  quotas: SessionQuotas
  trustProxy: boolean
  clientDir: string
  /** A session's current document: the live room's, or one loaded from storage for this call. */
  readDoc(sessionId: string): Promise<{ doc: Y.Doc; release(): void }>
  /** Room leases, when several processes share the database. */
  ownership?: Ownership
  /** In a deployment of several processes: proves requests relayed between them. */
  relay?: RelaySecret
  /** Replay timelines, shared with the rooms (which advance their summaries); made by the replay routes when absent. */
  timelines?: TimelineIndex
  /** Extra routes (replay) registered by other modules. */
  extraRoutes?: ((app: FastifyInstance, deps: AppDeps) => void)[]
}

const BODY_LIMIT_BYTES = 64 * 1024

export async function createHttpApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log, bodyLimit: BODY_LIMIT_BYTES, logController: new LogController({ disableRequestLogging: true }), trustProxy: deps.trustProxy, forceCloseConnections: true }) as unknown as FastifyInstance

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // tldraw positions shapes with inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: false,
  })
  await app.register(rateLimit, { global: false })

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (error instanceof HttpError) return reply.code(error.status).send(errorBody(error.code, error.message))
    if (error.code === 'FST_ERR_CTP_INVALID_JSON' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
      return reply.code(400).send(errorBody('badBody', HttpErrors.badBody.message))
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(errorBody('badBody', 'Send JSON with content-type: application/json.'))
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errorBody('tooLarge', 'The request body is too large.'))
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const code = error.statusCode === 429 ? 'rateLimited' : 'badRequest'
      return reply.code(error.statusCode).send(errorBody(code, error.message))
    }
    req.log.error({ event: 'http.error', err: error, url: req.url.split('?')[0] }, 'request failed')
    return reply.code(500).send(errorBody('internal', 'Something went wrong on the server; try again.'))
  })

  app.get('/healthz', async (_req, reply) => {
    try {
      // Bounded: a database that stopped answering must read as unhealthy, not as a hung check.
      await Promise.race([
        deps.storage.healthCheck(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('the database did not answer within 2 s')), 2_000).unref()),
      ])
    } catch (error) {
      return reply.code(503).send({ ok: false, storage: (error as Error).message })
    }
    if (deps.ownership && !deps.ownership.healthy) {
      // Lease renewals fail: this process is giving its rooms up; a load balancer should send people elsewhere.
      return reply.code(503).send({ ok: false, storage: 'room leases cannot be renewed' })
    }
    if (!deps.persister.healthy) {
      return reply.code(503).send({ ok: false, storage: deps.persister.lastError?.message ?? 'failing', pendingUpdates: deps.persister.pendingCount })
    }
    // Corrupt stored rows were skipped (and logged as storage.corrupt): still serving, but say so.
    const corrupt = deps.storage.corruption.snapshot()
    return { ok: true, rooms: deps.rooms.loaded.size, corrupt: corrupt.rows, corruptTotal: corrupt.total }
  })
  app.get('/api/config', async () => ({ tldrawLicenseKey: deps.tldrawLicenseKey, publicUrl: deps.publicUrl ?? null }))
  app.get('/api/time', async (_req, reply) => reply.header('cache-control', 'no-store').send({ now: Date.now() }))

  registerSessionRoutes(app, deps)
  for (const register of deps.extraRoutes ?? []) register(app, deps)

  const indexFile = path.join(deps.clientDir, 'index.html')
  // Looked at per request: another process of the deployment may be swapping in a fresh build
  // (scripts/build.mjs) just as this one starts.
  const hasClient = () => fs.existsSync(indexFile)
  if (fs.existsSync(deps.clientDir)) {
    await app.register(fastifyStatic, {
      root: deps.clientDir,
      wildcard: false,
      index: false,
      // The build writes .br and .gz copies (scripts/precompress.ts): sent as the browser accepts them.
      preCompressed: true,
      // Files under /assets/ are named by their content's hash: a new build gives new names, so
      // browsers may keep them for good and never ask again. Anything else: an hour.
      cacheControl: false,
      setHeaders: (res, file) => {
        const hashed = path.relative(deps.clientDir, file).startsWith(`assets${path.sep}`)
        res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=3600')
      },
    })
  }
  const sendIndex = (status: number) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
    if (!hasClient()) return reply.code(503).type('text/plain').send('The client is not built yet: run `npm run build` (npm start does it).')
    return reply.code(status).type('text/html').header('cache-control', 'no-cache').send(await fs.promises.readFile(indexFile))
  }
  app.get('/', sendIndex(200))
  app.get<{ Params: { id: string; '*': string } }>('/s/:id', async (req, reply) =>
    sendIndex(isSessionId(req.params.id) && (await deps.storage.getSession(req.params.id)) ? 200 : 404)(req, reply),
  )
  app.get<{ Params: { id: string; '*': string } }>('/s/:id/*', async (req, reply) =>
    sendIndex(isSessionId(req.params.id) && (await deps.storage.getSession(req.params.id)) ? 200 : 404)(req, reply),
  )
  app.setNotFoundHandler(async (req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/') && req.headers.accept?.includes('text/html')) return sendIndex(404)(req, reply)
    return reply.code(404).send(errorBody('notFound', 'Nothing here.'))
  })
  return app
}
