// Session routes: create a session, read it with a role token, hand a role its links back, join as
// a participant, export tasks.
// Creating and joining are bounded: per client address, and overall (sessions per hour on this
// process, participants per session), so a link in the wrong hands cannot fill the disk or a board.
import { forwardRequest } from '../cluster/relay.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Room } from '../rooms/Room.ts'
import { stringify } from 'csv-stringify/sync'
import { z } from 'zod'
import {
  cleanName,
  colorFor,
  contentDisposition,
  CSV_COLUMNS,
  EXPORT_FILE,
  EXPORT_FORMATS,
  exportFileName,
  JIRA_COLUMNS,
  jiraRows,
  PARTICIPANT_COLORS,
  isSessionId,
  nameKey,
  nameTakenMessage,
  randomId,
  readSessionSummary,
  Root,
  SESSION_ID_BYTES,
  sortTasks,
  taskRows,
  tasksToMarkdown,
  type TasksExport,
  type Participant,
  type Role,
} from '@sandbox/shared'
import { derivableTokens, hashToken, newTokens, roleForToken } from '../auth/tokens.ts'
import type { SessionRow } from '../storage/Storage.ts'
import { HttpError } from './errors.ts'
import type { AppDeps } from './app.ts'

const createBody = z.object({ title: z.string().trim().min(1, 'Give the session a title.').max(200) })
const joinBody = z.object({
  name: z.string().max(200),
  participantId: z.string().max(128).optional(),
  participantKey: z.string().max(128).optional(),
})
const exportQuery = z.object({ format: z.enum(EXPORT_FORMATS).default('json') })

export interface SessionQuotas {
  /** Sessions created per rolling hour on this process, across all addresses. */
  maxSessionsPerHour: number
  sessionsPerMinutePerAddress: number
  /** Distinct participant records per session; a rejoin with an existing participant id always works. */
  maxParticipantsPerSession: number
  joinsPerMinutePerAddress: number
}

const HOUR_MS = 60 * 60 * 1000

/** Creation times of the last hour, oldest first; at most `max` of them are ever kept. */
export class RollingWindow {
  private readonly times: number[] = []
  private readonly max: number
  private readonly windowMs: number

  constructor(max: number, windowMs: number) {
    this.max = max
    this.windowMs = windowMs
  }

  /** Counts one more event, or answers how long until there is room for one. */
  take(now = Date.now()): { ok: true } | { ok: false; retryAfterMs: number } {
    while (this.times.length > 0 && (this.times[0] as number) <= now - this.windowMs) this.times.shift()
    if (this.times.length >= this.max) return { ok: false, retryAfterMs: (this.times[0] ?? now) + this.windowMs - now }
    this.times.push(now)
    return { ok: true }
  }
}

/** @fastify/rate-limit's refusal, as a 429 whose message says what to do (see the error handler in app.ts). */
const tooFast = (what: string) => (_req: FastifyRequest, context: { after: string }) =>
  Object.assign(new Error(`Too many ${what} from your address; try again in ${context.after}.`), { statusCode: 429 })

/** A participant keeps their colour in a session; a newcomer gets the first colour nobody has. */
function colorInSession(participants: Record<string, Participant>, participantId: string): string {
  const existing = participants[participantId]
  if (existing) return existing.color
  const used = new Set(Object.values(participants).map((p) => p.color))
  return PARTICIPANT_COLORS.find((c) => !used.has(c)) ?? colorFor(participantId)
}

export function bearerToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice(7).trim()
  const q = (req.query as Record<string, unknown> | undefined)?.token
  return typeof q === 'string' ? q : null
}

/** The session and the caller's role, or a 404/401. */
/**
 * The session's live room when this process holds it. When another process of the deployment does,
 * the request (which writes into the room) is forwarded to it as it is, its answer is sent, and
 * null returned. A forwarded request never travels twice: a room that moved meanwhile is a 503.
 */
export async function liveRoomOrForward(deps: AppDeps, req: FastifyRequest, reply: FastifyReply, sessionId: string): Promise<Room | null> {
  const opened = await deps.rooms.open(sessionId)
  if ('room' in opened) return opened.room
  if (!deps.relay || deps.relay.verify(req.raw)) throw new HttpError('roomMoving')
  const answer = await forwardRequest(opened.heldBy.url, deps.relay, { method: req.method, url: req.url, headers: req.headers, body: req.body }).catch((error: unknown) => {
    req.log.warn({ event: 'relay.unreachable', owner: opened.heldBy.url, err: error }, 'the room’s owner did not answer')
    throw new HttpError('roomMoving')
  })
  await reply.code(answer.status).type(answer.contentType).send(answer.body)
  return null
}

export async function authorize(deps: AppDeps, req: FastifyRequest, id: string): Promise<{ session: SessionRow; role: Role }> {
  const session = isSessionId(id) ? await deps.storage.getSession(id) : null
  if (!session) throw new HttpError('notFound')
  const role = roleForToken(session, bearerToken(req))
  if (!role) throw new HttpError('unauthorized')
  return { session, role }
}

/**
 * A board link as handed out. Without PUBLIC_URL the links use the Host header the caller sent.
 * That is safe to keep: the links go back to that same caller only (a page on a rebound name that
 * asks gets links to its own name), and the websocket checks origins apart (see syncSocket.ts).
 */
export function boardLink(deps: AppDeps, req: FastifyRequest, sessionId: string, token: string): string {
  const base = deps.publicUrl ?? `${req.protocol}://${req.headers.host}`
  return `${base}/s/${sessionId}?token=${token}`
}

/** The name of someone else in the session who already goes by this one (case and spacing aside). */
function nameTakenBy(participants: Record<string, Participant>, name: string, participantId: string): string | null {
  const key = nameKey(name)
  return Object.values(participants).find((p) => p.id !== participantId && nameKey(p.name) === key)?.name ?? null
}

/** Any zod schema, full or mini (the HTTP shapes in shared/ are written with zod/mini for the client's sake). */
export function parse<T>(schema: z.core.$ZodType<T>, value: unknown, code: 'badBody' | 'badQuery'): T {
  const result = z.safeParse(schema, value ?? {})
  if (!result.success) throw new HttpError(code, result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '))
  return result.data
}

export function registerSessionRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { quotas } = deps
  const created = new RollingWindow(quotas.maxSessionsPerHour, HOUR_MS)
  const createLimit = { max: quotas.sessionsPerMinutePerAddress, timeWindow: '1 minute', errorResponseBuilder: tooFast('new sessions') }
  app.post('/api/sessions', { config: { rateLimit: createLimit } }, async (req, reply) => {
    const { title } = parse(createBody, req.body, 'badBody')
    // Per-address limits do not stop many addresses; this bounds what the whole server takes on.
    const slot = created.take()
    if (!slot.ok) {
      const minutes = Math.max(1, Math.ceil(slot.retryAfterMs / 60_000))
      req.log.warn({ event: 'session.create_quota', max: quotas.maxSessionsPerHour }, 'session creation quota reached')
      reply.header('retry-after', Math.ceil(slot.retryAfterMs / 1000))
      throw new HttpError(
        'tooManySessions',
        `This server has created its limit of ${quotas.maxSessionsPerHour} sessions this hour; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      )
    }
    const id = randomId(SESSION_ID_BYTES)
    const tokens = newTokens()
    await deps.rooms.createSession({
      id,
      title,
      createdAt: Date.now(),
      tokenHashes: { participant: hashToken(tokens.participant), facilitator: hashToken(tokens.facilitator), viewer: hashToken(tokens.viewer) },
    })
    const link = (token: string) => boardLink(deps, req, id, token)
    req.log.info({ event: 'session.created', session: id }, 'session created')
    return reply.code(201).send({
      id,
      title,
      joinUrl: link(tokens.participant),
      facilitatorUrl: link(tokens.facilitator),
      viewUrl: link(tokens.viewer),
      tokens,
    })
  })

  app.get<{ Params: { id: string } }>('/api/sessions/:id', async (req) => {
    const { session, role } = await authorize(deps, req, req.params.id)
    return { id: session.id, title: session.title, createdAt: session.createdAt, role }
  })

  // The links this token may hand out: a participant the join link, a viewer the view link, a
  // facilitator all three when the session's tokens derive from theirs (sessions created before
  // derivation answer `derivable: false`, and the client falls back to links it remembers).
  app.get<{ Params: { id: string } }>('/api/sessions/:id/links', async (req, reply) => {
    const { session, role } = await authorize(deps, req, req.params.id)
    const token = bearerToken(req) as string
    const link = (t: string) => boardLink(deps, req, session.id, t)
    reply.header('cache-control', 'no-store')
    switch (role) {
      case 'participant':
        return { role, joinUrl: link(token) }
      case 'viewer':
        return { role, viewUrl: link(token) }
      case 'facilitator': {
        const derived = derivableTokens(session, token)
        if (!derived) return { role, facilitatorUrl: link(token), derivable: false }
        return { role, joinUrl: link(derived.participant), viewUrl: link(derived.viewer), facilitatorUrl: link(token), derivable: true }
      }
    }
  })

  const joinLimit = {
    max: quotas.joinsPerMinutePerAddress,
    timeWindow: '1 minute',
    errorResponseBuilder: tooFast('joins'),
    // Joins relayed by another process of the deployment were counted there, by the person's address.
    allowList: (req: FastifyRequest) => deps.relay?.verify(req.raw) === true,
  }
  app.post<{ Params: { id: string } }>('/api/sessions/:id/participants', { config: { rateLimit: joinLimit } }, async (req, reply) => {
    const { session, role } = await authorize(deps, req, req.params.id)
    // Viewers are not participants: they watch as guests, and a record would let a view-only link
    // fill the session with people who never were there.
    if (role === 'viewer') {
      throw new HttpError('forbidden', 'A view-only link cannot join as a participant; ask the facilitator for the participant link to take part.')
    }
    const body = parse(joinBody, req.body, 'badBody')
    const name = cleanName(body.name)
    if (!name) throw new HttpError('badBody', 'name: Tell the others who you are.')
    const keep = body.participantId && deps.keys.verify(body.participantId, body.participantKey)
    const participantId = keep ? (body.participantId as string) : `p_${randomId(16)}`
    const room = await liveRoomOrForward(deps, req, reply, session.id)
    if (!room) return reply
    const records = room.doc.getMap(Root.participants)
    if (!(keep && records.has(participantId)) && records.size >= quotas.maxParticipantsPerSession) {
      deps.rooms.scheduleUnload(room)
      req.log.warn({ event: 'session.participants_full', session: session.id, max: quotas.maxParticipantsPerSession }, 'participant limit reached')
      throw new HttpError(
        'sessionFull',
        `This session has reached its limit of ${quotas.maxParticipantsPerSession} participants; ask the facilitator to start a new session for more people.`,
      )
    }
    const participants = records.toJSON() as Record<string, Participant>
    const taken = nameTakenBy(participants, name, participantId)
    if (taken) {
      deps.rooms.scheduleUnload(room)
      throw new HttpError('nameTaken', nameTakenMessage(taken))
    }
    const color = colorInSession(participants, participantId)
    const participant = { id: participantId, name, color, role, joinedAt: Date.now() }
    room.recordParticipant(participant)
    deps.rooms.scheduleUnload(room)
    return { participantId, participantKey: deps.keys.keyFor(participantId), name, color, role }
  })

  // Every format downloads as `<session title>-tasks.<ext>` and carries the problem and each task's votes.
  app.get<{ Params: { id: string } }>('/api/sessions/:id/tasks', async (req, reply) => {
    const { session } = await authorize(deps, req, req.params.id)
    const { format } = parse(exportQuery, req.query, 'badQuery')
    const { doc, release } = await deps.readDoc(session.id)
    const summary = readSessionSummary(doc, session.title)
    release()
    const { title, problem } = summary
    const tasks = sortTasks(summary.tasks)
    reply.header('content-type', EXPORT_FILE[format].type).header('content-disposition', contentDisposition(exportFileName(title, format)))
    switch (format) {
      case 'json': {
        const votes = summary.taskVotes
        const body: TasksExport = { session: { id: session.id, title, problem }, tasks: tasks.map((t) => ({ ...t, votes: votes ? (votes.get(t.id) ?? 0) : null })) }
        return body
      }
      case 'csv':
        return reply.send(stringify([[...CSV_COLUMNS], ...taskRows(tasks, summary)]))
      case 'jira':
        return reply.send(stringify([[...JIRA_COLUMNS], ...jiraRows(title, tasks, summary)]))
      case 'md':
        return reply.send(tasksToMarkdown(title, tasks, summary))
    }
  })
}
