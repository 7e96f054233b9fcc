// The HTTP API the server exposes to the client (docs/CONTRACTS-internal.md). Every response is
// checked at this boundary; callers get typed values or an `ApiError` with a sentence to show.
// zod/mini: the same checks at a fraction of the weight, since the home page loads this module.
import { z } from 'zod/mini'
import { ROLES } from '@sandbox/shared/roles'
import { takePrefetched } from './prefetch.ts'

export type ApiErrorCode = 'network' | 'unauthorized' | 'notFound' | 'server' | 'invalidResponse'

export class ApiError extends Error {
  readonly code: ApiErrorCode
  readonly status: number
  /** The server's own error code (`nameTaken`, `sessionFull`…), when it sent one. */
  readonly reason: string | undefined
  constructor(code: ApiErrorCode, status: number, message: string, reason?: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.reason = reason
  }
}

const roleSchema = z.enum(ROLES)

const configSchema = z.object({
  tldrawLicenseKey: z.pipe(
    z.nullish(z.string()),
    z.transform((key) => key || null),
  ),
  publicUrl: z.nullish(z.string()),
  version: z.nullish(z.string()),
})
export type ServerConfig = z.infer<typeof configSchema>

const createdSessionSchema = z.object({
  id: z.string(),
  title: z.nullish(z.string()),
  joinUrl: z.string(),
  facilitatorUrl: z.string(),
  viewUrl: z.string(),
  tokens: z.object({ participant: z.string(), facilitator: z.string(), viewer: z.string() }),
})
export type CreatedSession = z.infer<typeof createdSessionSchema>

const sessionInfoSchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.number(),
  role: roleSchema,
})
export type SessionInfo = z.infer<typeof sessionInfoSchema>

const joinedSchema = z.object({
  participantId: z.string(),
  participantKey: z.string(),
  name: z.string(),
  color: z.string(),
  role: roleSchema,
})
export type JoinedParticipant = z.infer<typeof joinedSchema>

const errorBodySchema = z.object({ error: z.object({ code: z.optional(z.string()), message: z.string() }) })

/** Anything with zod's `safeParse`: a zod/mini schema here, or a full zod schema from `@sandbox/shared` (series.ts). */
export interface ResponseSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false }
}

export async function request<T>(schema: ResponseSchema<T>, path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const { token, ...rest } = init
  const headers = new Headers(rest.headers)
  if (token) headers.set('Authorization', `Bearer ${token}`)
  if (rest.body) headers.set('Content-Type', 'application/json')
  let response: Response
  try {
    // A GET the page started before its code loaded (lib/prefetch.ts) is answered by that request.
    const prefetched = (rest.method ?? 'GET') === 'GET' ? takePrefetched(path, token) : null
    response = await (prefetched ?? fetch(path, { ...rest, headers }))
  } catch {
    throw new ApiError('network', 0, 'The server could not be reached. Check your connection and try again.')
  }
  const body: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    const parsed = errorBodySchema.safeParse(body)
    const message = parsed.success ? parsed.data.error.message : `The server answered ${response.status}.`
    const reason = parsed.success ? parsed.data.error.code : undefined
    if (response.status === 401 || response.status === 403) throw new ApiError('unauthorized', response.status, message, reason)
    if (response.status === 404) throw new ApiError('notFound', 404, message, reason)
    throw new ApiError('server', response.status, message, reason)
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new ApiError('invalidResponse', response.status, 'The server sent an answer this page does not understand; reload the page.')
  return parsed.data
}

export const fetchConfig = (): Promise<ServerConfig> => request(configSchema, '/api/config')

export const createSession = (title: string): Promise<CreatedSession> =>
  request(createdSessionSchema, '/api/sessions', { method: 'POST', body: JSON.stringify({ title }) })

export const fetchSession = (sessionId: string, token: string): Promise<SessionInfo> =>
  request(sessionInfoSchema, `/api/sessions/${encodeURIComponent(sessionId)}`, { token })

const linksSchema = z.object({
  role: roleSchema,
  joinUrl: z.optional(z.string()),
  viewUrl: z.optional(z.string()),
  facilitatorUrl: z.optional(z.string()),
  /** Facilitator only: false for a session whose other links cannot be worked out from this token. */
  derivable: z.optional(z.boolean()),
})
export type SessionLinks = z.infer<typeof linksSchema>

/** The links this token may hand out (a facilitator: all three, when the server can derive them). */
export const fetchLinks = (sessionId: string, token: string): Promise<SessionLinks> =>
  request(linksSchema, `/api/sessions/${encodeURIComponent(sessionId)}/links`, { token })

export interface JoinRequest {
  name: string
  participantId?: string
  participantKey?: string
}

export const joinSession = (sessionId: string, token: string, join: JoinRequest): Promise<JoinedParticipant> =>
  request(joinedSchema, `/api/sessions/${encodeURIComponent(sessionId)}/participants`, {
    method: 'POST',
    token,
    body: JSON.stringify(join),
  })
