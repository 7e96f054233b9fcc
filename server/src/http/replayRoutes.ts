// Replay routes: the timeline of a session and its document at any moment, for any role.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { stateAt, TimelineIndex } from '../replay/history.ts'
import type { AppDeps } from './app.ts'
import { authorize, parse } from './sessionRoutes.ts'

const stateQuery = z.object({ at: z.coerce.number().int().nonnegative() })
const updatesQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(20_000).default(5_000),
})

export function registerReplayRoutes(app: FastifyInstance, deps: AppDeps): void {
  const index = new TimelineIndex(deps.storage)

  app.get<{ Params: { id: string } }>('/api/sessions/:id/timeline', async (req) => {
    const { session } = authorize(deps, req, req.params.id)
    deps.persister.flush()
    const timeline = index.timeline(session.id, session.createdAt)
    return { ...timeline, title: session.title }
  })

  app.get<{ Params: { id: string } }>('/api/sessions/:id/state', async (req, reply) => {
    const { session } = authorize(deps, req, req.params.id)
    const { at } = parse(stateQuery, req.query, 'badQuery')
    deps.persister.flush()
    return reply.header('content-type', 'application/octet-stream').header('cache-control', 'no-store').send(Buffer.from(stateAt(deps.storage, session.id, at)))
  })

  /**
   * Replay data in chunks, so the client scrubs locally without a request per frame: the log
   * after `after` (seq), `limit` updates at a time, as length-prefixed binary records
   * [u32 seq][f64 at][u32 length][bytes]… The first chunk (after=0) starts from the session start.
   */
  app.get<{ Params: { id: string } }>('/api/sessions/:id/updates', async (req, reply) => {
    const { session } = authorize(deps, req, req.params.id)
    const { after, limit } = parse(updatesQuery, req.query, 'badQuery')
    deps.persister.flush()
    const updates = deps.storage.updatesAfter(session.id, after, undefined, limit)
    const size = updates.reduce((n, u) => n + 16 + u.update.length, 0)
    const out = Buffer.allocUnsafe(size)
    let offset = 0
    for (const u of updates) {
      offset = out.writeUInt32LE(u.seq, offset)
      offset = out.writeDoubleLE(u.at, offset)
      offset = out.writeUInt32LE(u.update.length, offset)
      out.set(u.update, offset)
      offset += u.update.length
    }
    return reply
      .header('content-type', 'application/octet-stream')
      .header('x-sandbox-more', updates.length === limit ? '1' : '0')
      .send(out)
  })
}
