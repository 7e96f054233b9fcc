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
  type Pairing,
  type Participant,
  type PreviousTasksResponse,
  type SeriesResponse,
  type Task,
} from '@sandbox/shared'
import { followUpToken, hashToken, roleForToken, tokensFrom } from '../auth/tokens.ts'
import type { SeriesEntry, SeriesLink, SessionRow } from '../storage/Storage.ts'
import type { AppDeps } from './app.ts'
import { HttpError } from './errors.ts'
import { authorize, bearerToken, liveRoomOrForward, parse } from './sessionRoutes.ts'

type Params = { Params: { id: string } }
type SessionSummary = { id: string; title: string; tasks: Task[]; participants: Record<string, unknown>; pairing: Pairing }

/** Sessions whose summary is kept between polls (the most recently asked). */
const MAX_CACHED_SESSIONS = 200

async function asFacilitator(deps: AppDeps, req: FastifyRequest, id: string): Promise<{ session: SessionRow; token: string }> {
  const { session, role } = await authorize(deps, req, id)
  if (role !== 'facilitator') throw new HttpError('forbidden', 'Only the facilitator can do this; open the session with the facilitator link.')
  return { session, token: bearerToken(req) as string }
}

export function registerSeriesRoutes(app: FastifyInstance, deps: AppDeps): void {
  const boardLink = (req: FastifyRequest, sessionId: string, token: string) =>
    `${deps.publicUrl ?? `${req.protocol}://${req.headers.host}`}/s/${sessionId}?token=${token}`
  /**
   * What the series routes read of a session (title, tasks, participants, pairs): from the live room
   * when this process has it, else rebuilt from storage only when its log grew (every warm-up polls).
   */
  const readCache = new Map<string, { seq: number; value: SessionSummary }>()
  const readSession = async (row: { id: string; title: string }): Promise<SessionSummary> => {
    const live = deps.rooms.loaded.has(row.id)
    const seq = live ? -1 : await deps.storage.lastSeq(row.id)
    const cached = readCache.get(row.id)
    if (!live && cached && cached.seq === seq) return cached.value
    const { doc, release } = await deps.readDoc(row.id)
    const session = doc.getMap(Root.session)
    const title = session.get('title')
    const pairing = pairingSchema.safeParse(session.get('pairing') ?? null)
    const value = {
      id: row.id,
      title: typeof title === 'string' && title ? title : row.title,
      tasks: sortTasks(readTasks(doc)),
      participants: doc.getMap(Root.participants).toJSON(),
      pairing: pairing.success ? pairing.data : null,
    }
    release()
    readCache.delete(row.id)
    if (!live) readCache.set(row.id, { seq, value })
    while (readCache.size > MAX_CACHED_SESSIONS) readCache.delete(readCache.keys().next().value as string)
    return value
  }

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
      return reply.code(200).send(followUpAnswer(req, link, (await readSession(row)).title, facilitator, true))
    }
    const work = (async () => {
      const existingId = await deps.storage.followUpOf(session.id)
      if (existingId) return existing(existingId)
      const previousLink = await deps.storage.seriesLink(session.id)
      const position = (previousLink?.position ?? 1) + 1
      const title = body.title ?? followUpTitle((await readSession(session)).title, position)
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
      const self = await readSession(session)
      return { seriesId: null, position: 1, sessions: [{ id: session.id, title: self.title, createdAt: session.createdAt, position: 1 }], previousId: null, followUpId, metPairs: [] }
    }
    const entries = await deps.storage.seriesSessions(link.seriesId)
    const read = await Promise.all(entries.map((e) => readSession({ id: e.sessionId, title: e.title })))
    const sessions = entries.map((e, i) => ({ id: e.sessionId, title: (read[i] as SessionSummary).title, createdAt: e.createdAt, position: e.position }))
    // Who was paired in the earlier sessions: this session's pairing avoids them.
    const pairings = read.filter((_, i) => (entries[i] as SeriesEntry).position < link.position).map((r) => r.pairing)
    return { seriesId: link.seriesId, position: link.position, sessions, previousId: link.previousId, followUpId, metPairs: metPairsOf(pairings) }
  })

  /** The previous session's tasks, or null when this session follows none. */
  const previousOf = async (sessionId: string): Promise<SessionSummary | null> => {
    const link = await deps.storage.seriesLink(sessionId)
    if (!link?.previousId) return null
    const row = await deps.storage.getSession(link.previousId)
    return row ? readSession(row) : null
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

  app.post<Params>('/api/sessions/:id/carry-over', async (req, reply): Promise<CarryOverResponse | FastifyReply> => {
    const { session } = await asFacilitator(deps, req, req.params.id)
    const { taskIds } = parse(carryOverRequestSchema, req.body ?? {}, 'badBody')
    const previous = await previousOf(session.id)
    if (!previous) throw new HttpError('badBody', 'This session follows no other session: there is nothing to carry over.')
    const wanted = taskIds ? new Set(taskIds) : null
    const room = await liveRoomOrForward(deps, req, reply, session.id)
    if (!room) return reply
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
