// Series of sessions (shapes in shared/src/series.ts): the facilitator starts a follow-up from a
// session, whose warm-up lists the previous session's tasks (polled; answered from the live room or
// the stored log, with an ETag) and carries the unfinished ones over with their owners.
// A session has at most one follow-up, so follow-ups are bounded by the sessions already created;
// asking again answers the same session and links (its facilitator token derives from this one's).
import crypto from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  carryOverRequestSchema,
  followUpRequestSchema,
  followUpTitle,
  isUnfinished,
  metPairsOf,
  pairingSchema,
  participantRecord,
  nameKey,
  randomId,
  readTasks,
  Root,
  SESSION_ID_BYTES,
  sortTasks,
  type CarryOverResponse,
  type FollowUpResponse,
  type Participant,
  type PreviousTasksResponse,
  type SeriesResponse,
  type Task,
} from '@sandbox/shared'
import { followUpToken, hashToken, roleForToken, tokensFrom } from '../auth/tokens.ts'
import type { SeriesLink, SessionRow } from '../storage/Storage.ts'
import type { AppDeps } from './app.ts'
import { HttpError } from './errors.ts'
import { authorize, bearerToken, parse } from './sessionRoutes.ts'

type Params = { Params: { id: string } }
type PreviousSession = { id: string; title: string; tasks: Task[]; participants: Record<string, unknown> }

/** Previous sessions whose tasks are kept between polls (the most recently asked). */
const MAX_CACHED_PREVIOUS = 200

async function asFacilitator(deps: AppDeps, req: FastifyRequest, id: string): Promise<{ session: SessionRow; token: string }> {
  const { session, role } = await authorize(deps, req, id)
  if (role !== 'facilitator') throw new HttpError('forbidden', 'Only the facilitator can do this; open the session with the facilitator link.')
  return { session, token: bearerToken(req) as string }
}

/** A session's title as its document says (renamed on the board), else as created. */
async function titleOf(deps: AppDeps, session: { id: string; title: string }): Promise<string> {
  const { doc, release } = await deps.readDoc(session.id)
  const title = doc.getMap(Root.session).get('title')
  release()
  return typeof title === 'string' && title ? title : session.title
}

export function registerSeriesRoutes(app: FastifyInstance, deps: AppDeps): void {
  const boardLink = (req: FastifyRequest, sessionId: string, token: string) =>
    `${deps.publicUrl ?? `${req.protocol}://${req.headers.host}`}/s/${sessionId}?token=${token}`
  /** One follow-up created at a time per session on this process (the database refuses a second link anyway). */
  const creating = new Map<string, Promise<unknown>>()

  const followUpAnswer = (req: FastifyRequest, link: SeriesLink, title: string, facilitator: string, existing: boolean): FollowUpResponse => {
    const tokens = tokensFrom(facilitator)
    return {
      id: link.sessionId,
      title,
      joinUrl: boardLink(req, link.sessionId, tokens.participant),
      facilitatorUrl: boardLink(req, link.sessionId, tokens.facilitator),
      viewUrl: boardLink(req, link.sessionId, tokens.viewer),
      tokens,
      seriesId: link.seriesId,
      previousId: link.previousId as string,
      position: link.position,
      existing,
    }
  }

  const limit = { max: deps.quotas.sessionsPerMinutePerAddress, timeWindow: '1 minute' }
  app.post<Params>('/api/sessions/:id/follow-up', { config: { rateLimit: limit } }, async (req, reply) => {
    const { session, token } = await asFacilitator(deps, req, req.params.id)
    const body = parse(followUpRequestSchema, req.body ?? {}, 'badBody')
    while (creating.has(session.id)) await creating.get(session.id)?.catch(() => {})
    const existing = async (existingId: string) => {
      const [row, link] = await Promise.all([deps.storage.getSession(existingId), deps.storage.seriesLink(existingId)])
      const facilitator = followUpToken(token, existingId)
      if (!row || !link || roleForToken(row, facilitator) !== 'facilitator') throw new HttpError('forbidden', 'This session already has a follow-up, started with another facilitator link.')
      return reply.code(200).send(followUpAnswer(req, link, await titleOf(deps, row), facilitator, true))
    }
    const work = (async () => {
      const existingId = await deps.storage.followUpOf(session.id)
      if (existingId) return existing(existingId)
      const previousLink = await deps.storage.seriesLink(session.id)
      const position = (previousLink?.position ?? 1) + 1
      const title = body.title ?? followUpTitle(await titleOf(deps, session), position)
      const id = randomId(SESSION_ID_BYTES)
      const tokens = tokensFrom(followUpToken(token, id))
      await deps.rooms.createSession({
        id,
        title,
        createdAt: Date.now(),
        tokenHashes: { participant: hashToken(tokens.participant), facilitator: hashToken(tokens.facilitator), viewer: hashToken(tokens.viewer) },
      })
      let link: SeriesLink
      try {
        link = await deps.storage.linkFollowUp(id, session.id)
      } catch (error) {
        // Another process linked a follow-up first (the database keeps one per session): answer that one.
        const winner = await deps.storage.followUpOf(session.id)
        if (winner && winner !== id) return existing(winner)
        throw error
      }
      req.log.info({ event: 'session.follow_up', session: id, previous: session.id }, 'follow-up session created')
      return reply.code(201).send(followUpAnswer(req, link, title, tokens.facilitator, false))
    })()
    creating.set(session.id, work)
    try {
      return await work
    } finally {
      creating.delete(session.id)
    }
  })

  app.get<Params>('/api/sessions/:id/series', async (req): Promise<SeriesResponse> => {
    const { session } = await authorize(deps, req, req.params.id)
    const [link, followUpId] = await Promise.all([deps.storage.seriesLink(session.id), deps.storage.followUpOf(session.id)])
    if (!link) {
      return { seriesId: null, position: 1, sessions: [{ id: session.id, title: await titleOf(deps, session), createdAt: session.createdAt, position: 1 }], previousId: null, followUpId, metPairs: [] }
    }
    const entries = await deps.storage.seriesSessions(link.seriesId)
    const sessions = await Promise.all(entries.map(async (e) => ({ id: e.sessionId, title: await titleOf(deps, { id: e.sessionId, title: e.title }), createdAt: e.createdAt, position: e.position })))
    // Who was paired in the earlier sessions: this session's pairing avoids them.
    const pairings = []
    for (const e of entries.filter((e) => e.position < link.position)) {
      const { doc, release } = await deps.readDoc(e.sessionId)
      const parsed = pairingSchema.safeParse(doc.getMap(Root.session).get('pairing') ?? null)
      release()
      if (parsed.success) pairings.push(parsed.data)
    }
    return { seriesId: link.seriesId, position: link.position, sessions, previousId: link.previousId, followUpId, metPairs: metPairsOf(pairings) }
  })

  /**
   * What the warm-ups poll, per previous session: read from the live room when this process has it,
   * else rebuilt from storage only when its log grew (every warm-up polls every few seconds).
   */
  const readCache = new Map<string, { seq: number; value: PreviousSession }>()
  const readPrevious = async (row: SessionRow): Promise<PreviousSession> => {
    const live = deps.rooms.loaded.has(row.id)
    const seq = live ? -1 : await deps.storage.lastSeq(row.id)
    const cached = readCache.get(row.id)
    if (!live && cached && cached.seq === seq) return cached.value
    const { doc, release } = await deps.readDoc(row.id)
    const title = doc.getMap(Root.session).get('title')
    const value = {
      id: row.id,
      title: typeof title === 'string' && title ? title : row.title,
      tasks: sortTasks(readTasks(doc)),
      participants: doc.getMap(Root.participants).toJSON(),
    }
    release()
    readCache.delete(row.id)
    if (!live) readCache.set(row.id, { seq, value })
    while (readCache.size > MAX_CACHED_PREVIOUS) readCache.delete(readCache.keys().next().value as string)
    return value
  }

  /** The previous session's tasks, or null when this session follows none. */
  const previousOf = async (sessionId: string): Promise<PreviousSession | null> => {
    const link = await deps.storage.seriesLink(sessionId)
    if (!link?.previousId) return null
    const row = await deps.storage.getSession(link.previousId)
    return row ? readPrevious(row) : null
  }

  app.get<Params>('/api/sessions/:id/previous-tasks', async (req, reply: FastifyReply) => {
    const { session } = await authorize(deps, req, req.params.id)
    const previous = await previousOf(session.id)
    const body: PreviousTasksResponse = {
      previous: previous ? { id: previous.id, title: previous.title } : null,
      tasks: (previous?.tasks ?? []).map((t) => ({ id: t.id, title: t.title, ownerId: t.ownerId, ownerName: t.ownerName, ownerColor: t.ownerColor, status: t.status })),
    }
    // Polled by every warm-up: an unchanged list answers 304 without a body.
    const etag = `"${crypto.createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 22)}"`
    reply.header('etag', etag).header('cache-control', 'private, no-cache')
    if (req.headers['if-none-match'] === etag) return reply.code(304).send()
    return body
  })

  app.post<Params>('/api/sessions/:id/carry-over', async (req): Promise<CarryOverResponse> => {
    const { session } = await asFacilitator(deps, req, req.params.id)
    const { taskIds } = parse(carryOverRequestSchema, req.body ?? {}, 'badBody')
    const previous = await previousOf(session.id)
    if (!previous) throw new HttpError('badBody', 'This session follows no other session: there is nothing to carry over.')
    const wanted = taskIds ? new Set(taskIds) : null
    const room = await deps.rooms.get(session.id)
    const carried: string[] = []
    try {
      const tasks = room.doc.getMap(Root.tasks)
      const participants = room.doc.getMap(Root.participants)
      const now = Date.now()
      room.transactAsServer(() => {
        for (const task of previous.tasks) {
          if ((wanted && !wanted.has(task.id)) || !isUnfinished(task) || tasks.has(task.id)) continue
          tasks.set(task.id, carriedTask(task, previous.id, previous.participants, participants, now))
          carried.push(task.id)
        }
      })
    } finally {
      deps.rooms.scheduleUnload(room)
    }
    req.log.info({ event: 'session.carry_over', session: session.id, previous: previous.id, tasks: carried.length }, 'tasks carried over')
    return { carried, skipped: (wanted?.size ?? previous.tasks.length) - carried.length }
  })
}

/**
 * The task as it continues in the follow-up, with the same owner: the owner's participant record is
 * copied from the previous session when they have not joined this one yet (their browser keeps the
 * same participant id, so joining later updates that record). An owner whose name someone else
 * here already goes by leaves the task unowned, for the facilitator to assign.
 */
function carriedTask(
  task: Task,
  previousId: string,
  previousParticipants: Record<string, unknown>,
  participants: { get(id: string): unknown; set(id: string, value: unknown): void; toJSON(): Record<string, unknown> },
  now: number,
): Task {
  const base: Task = { ...task, sourceShapeIds: [], carriedFrom: previousId, createdAt: now, updatedAt: now }
  const unowned: Task = { ...base, ownerId: null, ownerName: null, ownerColor: null, ownerSource: null }
  if (!task.ownerId) return unowned
  const here = participantRecord(participants.toJSON(), task.ownerId)
  if (here) return { ...base, ownerName: here.name, ownerColor: here.color }
  const before = participantRecord(previousParticipants, task.ownerId)
  if (!before) return unowned
  const taken = Object.values(participants.toJSON()).some((p) => nameKey((p as Participant).name ?? '') === nameKey(before.name))
  if (taken) return unowned
  participants.set(before.id, before)
  return { ...base, ownerName: before.name, ownerColor: before.color }
}
