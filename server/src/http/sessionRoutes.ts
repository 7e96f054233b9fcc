// Session routes: create a session, read it with a role token, join as a participant, export tasks.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { stringify } from 'csv-stringify/sync'
import { z } from 'zod'
import {
  cleanName,
  colorFor,
  CSV_COLUMNS,
  EXPORT_FORMATS,
  PARTICIPANT_COLORS,
  isSessionId,
  randomId,
  readTasks,
  Root,
  SESSION_ID_BYTES,
  sortTasks,
  taskRows,
  tasksToMarkdown,
  type Participant,
  type Role,
} from '@sandbox/shared'
import { hashToken, newTokens, roleForToken } from '../auth/tokens.ts'
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
export function authorize(deps: AppDeps, req: FastifyRequest, id: string): { session: SessionRow; role: Role } {
  const session = isSessionId(id) ? deps.storage.getSession(id) : null
  if (!session) throw new HttpError('notFound')
  const role = roleForToken(session, bearerToken(req))
  if (!role) throw new HttpError('unauthorized')
  return { session, role }
}

export function parse<T>(schema: z.ZodType<T>, value: unknown, code: 'badBody' | 'badQuery'): T {
  const result = schema.safeParse(value ?? {})
  if (!result.success) throw new HttpError(code, result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '))
  return result.data
}

export function registerSessionRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post('/api/sessions', { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (req, reply) => {
    const { title } = parse(createBody, req.body, 'badBody')
    const id = randomId(SESSION_ID_BYTES)
    const tokens = newTokens()
    await deps.rooms.createSession({
      id,
      title,
      createdAt: Date.now(),
      tokenHashes: { participant: hashToken(tokens.participant), facilitator: hashToken(tokens.facilitator), viewer: hashToken(tokens.viewer) },
    })
    const base = deps.publicUrl ?? `${req.protocol}://${req.headers.host}`
    const link = (token: string) => `${base}/s/${id}?token=${token}`
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
    const { session, role } = authorize(deps, req, req.params.id)
    return { id: session.id, title: session.title, createdAt: session.createdAt, role }
  })

  app.post<{ Params: { id: string } }>('/api/sessions/:id/participants', async (req) => {
    const { session, role } = authorize(deps, req, req.params.id)
    const body = parse(joinBody, req.body, 'badBody')
    const name = cleanName(body.name)
    if (!name) throw new HttpError('badBody', 'name: Tell the others who you are.')
    const keep = body.participantId && deps.keys.verify(body.participantId, body.participantKey)
    const participantId = keep ? (body.participantId as string) : `p_${randomId(16)}`
    const room = deps.rooms.get(session.id)
    const color = colorInSession(room.doc.getMap(Root.participants).toJSON() as Record<string, Participant>, participantId)
    const participant = { id: participantId, name, color, role, joinedAt: Date.now() }
    room.recordParticipant(participant)
    deps.rooms.scheduleUnload(room)
    return { participantId, participantKey: deps.keys.keyFor(participantId), name, color, role }
  })

  app.get<{ Params: { id: string } }>('/api/sessions/:id/tasks', async (req, reply) => {
    const { session } = authorize(deps, req, req.params.id)
    const { format } = parse(exportQuery, req.query, 'badQuery')
    const { doc, release } = deps.readDoc(session.id)
    const tasks = sortTasks(readTasks(doc))
    const title = (doc.getMap(Root.session).get('title') as string | undefined) ?? session.title
    release()
    const filename = `sandbox-${session.id.slice(0, 8)}-tasks`
    switch (format) {
      case 'json':
        return { session: { id: session.id, title }, tasks }
      case 'csv':
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${filename}.csv"`)
          .send(stringify([[...CSV_COLUMNS], ...taskRows(tasks)]))
      case 'md':
        return reply.header('content-type', 'text/markdown; charset=utf-8').send(tasksToMarkdown(title, tasks))
    }
  })
}
