// Replay routes, for any role: the timeline of a session, its document at any moment, and the
// update feed the replay page scrubs through locally (so scrubbing makes no request per frame).
// Every route first commits what the persister holds; if storage refuses, it answers 503 rather
// than serve a history that silently misses the latest updates. Corrupt stored rows are left out
// and named in X-Sandbox-Skipped-Updates; a moment that cannot be rebuilt at all answers 500
// `corruptHistory` rather than a wrong board.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { aggregateBalances, computeBalance, readSessionSummary, type SeriesBalanceResponse, type TimelineResponse } from '@sandbox/shared'
import { CorruptHistoryError, encodeFeedPage, feedCheckpoint, feedPage, readStateAt } from '../replay/history.ts'
import { TimelineIndex } from '../replay/timeline.ts'
import type { Timeline } from '../replay/timelineEvents.ts'
import type { AppDeps } from './app.ts'
import { errorBody, HttpError } from './errors.ts'
import { authorize, parse } from './sessionRoutes.ts'

/** Corrupt rows left out of an answer: how many, then their seqs (the first few). */
export const SKIPPED_HEADER = 'x-sandbox-skipped-updates'
/** Where the next /updates page starts (`after=`), when there is more. */
export const NEXT_AFTER_HEADER = 'x-sandbox-next-after'
const SKIPPED_SEQS_LISTED = 20

function sayWhatWasSkipped(reply: FastifyReply, count: number, seqs: readonly number[]): void {
  if (count === 0) return
  const listed = seqs.slice(0, SKIPPED_SEQS_LISTED)
  reply.header(SKIPPED_HEADER, `${count}; seqs=${listed.join(',')}${seqs.length > listed.length || count > listed.length ? ',...' : ''}`)
}

const stateQuery = z.object({ at: z.coerce.number().int().nonnegative() })
const MAX_FEED_UPDATES = 20_000
const updatesQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_FEED_UPDATES).default(5_000),
  from: z.enum(['checkpoint']).optional(),
  at: z.coerce.number().int().nonnegative().optional(),
})

export function registerReplayRoutes(app: FastifyInstance, deps: AppDeps): void {
  const index = deps.timelines ?? new TimelineIndex(deps.storage, { log: deps.log })
  app.addHook('onClose', async () => {
    index.close()
    await index.settled()
  })

  const commitPending = async () => {
    if (!(await deps.persister.flush())) throw new HttpError('unavailable')
  }

  /** PRODUCT.md: `{ start, end, events: [{ type, at, … }] }`, plus title, update count and quiet gaps. */
  app.get<{ Params: { id: string } }>('/api/sessions/:id/timeline', async (req, reply) => {
    const { session } = await authorize(deps, req, req.params.id)
    await commitPending()
    const timeline = await index.timeline(session.id, session.createdAt)
    if (timeline.skippedUpdates > 0) reply.header(SKIPPED_HEADER, String(timeline.skippedUpdates))
    const body: TimelineResponse & Timeline = { ...timeline, title: session.title }
    return reply.header('cache-control', 'no-store').send(body)
  })

  /** The balance of modes of one session (shared/src/balance.ts), from its timeline and its document. */
  const balanceOf = async (session: { id: string; title: string; createdAt: number }) => {
    const timeline = await index.timeline(session.id, session.createdAt)
    const { doc, release } = await deps.readDoc(session.id)
    const summary = readSessionSummary(doc, session.title)
    release()
    // A live session's current phase runs until now; a closed one's until its last change.
    const end = deps.rooms.loaded.has(session.id) ? Math.max(Date.now(), timeline.end) : timeline.end
    return { balance: computeBalance({ ...summary, start: timeline.start, end, events: timeline.events }), title: summary.title || session.title }
  }

  /** The balance of modes: time together and apart, and what each person brought. */
  app.get<{ Params: { id: string } }>('/api/sessions/:id/balance', async (req, reply) => {
    const { session } = await authorize(deps, req, req.params.id)
    await commitPending()
    return reply.header('cache-control', 'no-store').send((await balanceOf(session)).balance)
  })

  /** The same across the session's series (is this team collaborating more than its problems need?). */
  app.get<{ Params: { id: string } }>('/api/sessions/:id/series/balance', async (req, reply) => {
    const { session } = await authorize(deps, req, req.params.id)
    await commitPending()
    const link = await deps.storage.seriesLink(session.id)
    const entries = link ? await deps.storage.seriesSessions(link.seriesId) : []
    const rows = entries.length > 0 ? await Promise.all(entries.map(async (e) => ({ ...e, row: await deps.storage.getSession(e.sessionId) }))) : [{ sessionId: session.id, position: 1, row: session }]
    const each = await Promise.all(rows.flatMap((r) => (r.row ? [balanceOf(r.row).then((b) => ({ ...b, id: r.sessionId, position: r.position }))] : [])))
    const body: SeriesBalanceResponse = {
      series: aggregateBalances(each.map((e) => e.balance)),
      sessions: each.map((e) => ({ id: e.id, title: e.title, position: e.position, togetherMs: e.balance.togetherMs, apartMs: e.balance.apartMs, tasks: e.balance.totals.tasks, done: e.balance.totals.done })),
    }
    return reply.header('cache-control', 'no-store').send(body)
  })

  /**
   * PRODUCT.md: the document at `at` as one binary Yjs update; empty before the session. The
   * document is garbage-collected: the size of the board then, not of everything overwritten.
   */
  app.get<{ Params: { id: string } }>('/api/sessions/:id/state', async (req, reply) => {
    const { session } = await authorize(deps, req, req.params.id)
    const { at } = parse(stateQuery, req.query, 'badQuery')
    await commitPending()
    let read
    try {
      read = await readStateAt(deps.storage, session.id, at)
    } catch (error) {
      if (!(error instanceof CorruptHistoryError)) throw error
      return reply
        .code(500)
        .header('cache-control', 'no-store')
        .send(errorBody('corruptHistory', 'The stored history of this session is damaged up to this moment, so the board as it was then cannot be shown; pick a later moment, or ask the operator to restore the data directory from a backup.'))
    }
    const { state } = read
    sayWhatWasSkipped(reply, read.skippedCount, read.skipped.map((s) => s.seq))
    return reply
      .header('content-type', 'application/octet-stream')
      .header('cache-control', 'no-store')
      .send(Buffer.from(state.buffer, state.byteOffset, state.byteLength))
  })

  /**
   * The log in chunks: the updates after seq `after`, at most `limit` and at most
   * MAX_FEED_PAGE_BYTES of them, read row by row (encoding in replay/history.ts); the header's
   * `lastSeq` (and X-Sandbox-Next-After) is where the next chunk starts. With `from=checkpoint`
   * the chunk starts with the newest good checkpoint at or before `at` (or the newest one) when it
   * lies beyond `after`, followed by the updates after it: a client that only needs moments from
   * `at` on skips the long head of the log.
   */
  app.get<{ Params: { id: string } }>('/api/sessions/:id/updates', async (req, reply) => {
    const { session } = await authorize(deps, req, req.params.id)
    const query = parse(updatesQuery, req.query, 'badQuery')
    await commitPending()
    const checkpoint = query.from === 'checkpoint' ? await feedCheckpoint(deps.storage, session.id, query.at, query.after) : null
    const page = await feedPage(deps.storage, session.id, query.after, query.limit, checkpoint)
    sayWhatWasSkipped(reply, page.skipped.length, page.skipped)
    if (page.more) reply.header(NEXT_AFTER_HEADER, String(page.reached))
    return reply
      .header('content-type', 'application/octet-stream')
      .header('cache-control', 'no-store')
      .send(encodeFeedPage(page))
  })
}
