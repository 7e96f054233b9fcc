// Replay routes, for any role: the timeline of a session, its document at any moment, and the
// update feed the replay page scrubs through locally (so scrubbing makes no request per frame).
// Every route first commits what the persister holds; if storage refuses, it answers 503 rather
// than serve a history that silently misses the latest updates.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { encodeFeed, feedCheckpoint, stateAt, updatesBetween } from '../replay/history.ts'
import { TimelineIndex } from '../replay/timeline.ts'
import type { AppDeps } from './app.ts'
import { HttpError } from './errors.ts'
import { authorize, parse } from './sessionRoutes.ts'

const stateQuery = z.object({ at: z.coerce.number().int().nonnegative() })
const MAX_FEED_UPDATES = 20_000
const updatesQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_FEED_UPDATES).default(5_000),
  from: z.enum(['checkpoint']).optional(),
  at: z.coerce.number().int().nonnegative().optional(),
})

export function registerReplayRoutes(app: FastifyInstance, deps: AppDeps): void {
  const index = new TimelineIndex(deps.storage)
  app.addHook('onClose', async () => index.close())

  const commitPending = () => {
    if (!deps.persister.flush()) throw new HttpError('unavailable')
  }

  /** PRODUCT.md: `{ start, end, events: [{ type, at, … }] }`, plus title, update count and quiet gaps. */
  app.get<{ Params: { id: string } }>('/api/sessions/:id/timeline', async (req, reply) => {
    const { session } = authorize(deps, req, req.params.id)
    commitPending()
    const timeline = await index.timeline(session.id, session.createdAt)
    return reply.header('cache-control', 'no-store').send({ ...timeline, title: session.title })
  })

  /** PRODUCT.md: the document at `at` as one binary Yjs update; empty before the session. */
  app.get<{ Params: { id: string } }>('/api/sessions/:id/state', async (req, reply) => {
    const { session } = authorize(deps, req, req.params.id)
    const { at } = parse(stateQuery, req.query, 'badQuery')
    commitPending()
    const state = stateAt(deps.storage, session.id, at)
    return reply
      .header('content-type', 'application/octet-stream')
      .header('cache-control', 'no-store')
      .send(Buffer.from(state.buffer, state.byteOffset, state.byteLength))
  })

  /**
   * The log in chunks: the updates after seq `after`, at most `limit` (encoding in
   * replay/history.ts). With `from=checkpoint` the chunk starts with the newest checkpoint at or
   * before `at` (or the newest one) when it lies beyond `after`, followed by the updates after it:
   * a client that only needs moments from `at` on skips the long head of the log.
   */
  app.get<{ Params: { id: string } }>('/api/sessions/:id/updates', async (req, reply) => {
    const { session } = authorize(deps, req, req.params.id)
    const query = parse(updatesQuery, req.query, 'badQuery')
    commitPending()
    const candidate = query.from === 'checkpoint' ? feedCheckpoint(deps.storage, session.id, query.at) : null
    const checkpoint = candidate && candidate.seq > query.after ? candidate : null
    const start = checkpoint?.seq ?? query.after
    const updates = updatesBetween(deps.storage, session.id, start, start + query.limit)
    const more = deps.storage.lastSeq(session.id) > (updates.at(-1)?.seq ?? start)
    return reply
      .header('content-type', 'application/octet-stream')
      .header('cache-control', 'no-store')
      .send(encodeFeed(updates, checkpoint, more, query.after))
  })
}
