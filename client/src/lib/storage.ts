// What this browser remembers: one participant identity (reused across sessions) and the
// sessions it created or opened a link of, with every role token it was given for each (so a
// facilitator can always find their links again). localStorage only;
// every read is validated because another tab or an older version may have written it.
import { z } from 'zod/mini'
import type { Role } from '@sandbox/shared'

const IDENTITY_KEY = 'sandbox.identity'
const SESSIONS_KEY = 'sandbox.sessions'
const MAX_REMEMBERED_SESSIONS = 50

const identitySchema = z.object({
  participantId: z.string().check(z.minLength(1)),
  participantKey: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  color: z.optional(z.string()),
})
export type StoredIdentity = z.infer<typeof identitySchema>

const sessionEntrySchema = z.object({
  id: z.string().check(z.minLength(1)),
  title: z.string(),
  tokens: z.object({
    facilitator: z.optional(z.string()),
    participant: z.optional(z.string()),
    viewer: z.optional(z.string()),
  }),
  lastOpenedAt: z.number(),
  /** The series this session belongs to (its first session's id) and its place in it. */
  series: z.optional(z.object({ id: z.string(), position: z.number() })),
})
export type SessionEntry = z.infer<typeof sessionEntrySchema>

function readJson(key: string): unknown {
  try {
    const raw = window.localStorage.getItem(key)
    return raw === null ? null : (JSON.parse(raw) as unknown)
  } catch {
    return null
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // Private mode or a full quota: the app still works, it just forgets on reload.
  }
}

export function loadIdentity(): StoredIdentity | null {
  const parsed = identitySchema.safeParse(readJson(IDENTITY_KEY))
  return parsed.success ? parsed.data : null
}

export function saveIdentity(identity: StoredIdentity): void {
  writeJson(IDENTITY_KEY, identity)
}

export function loadSessions(): SessionEntry[] {
  const parsed = z.array(sessionEntrySchema).safeParse(readJson(SESSIONS_KEY))
  if (!parsed.success) return []
  return [...parsed.data].sort((a, b) => b.lastOpenedAt - a.lastOpenedAt)
}

/** Remember a session and the tokens just seen for it, merged with what we already knew. */
export function rememberSession(id: string, title: string, tokens: Partial<Record<Role, string>>, series?: SessionEntry['series']): void {
  const sessions = loadSessions()
  const existing = sessions.find((s) => s.id === id)
  const entry: SessionEntry = {
    id,
    title: title || existing?.title || '',
    tokens: { ...existing?.tokens, ...tokens },
    lastOpenedAt: Date.now(),
  }
  const inSeries = series ?? existing?.series
  if (inSeries) entry.series = inSeries
  writeJson(SESSIONS_KEY, [entry, ...sessions.filter((s) => s.id !== id)].slice(0, MAX_REMEMBERED_SESSIONS))
}

const ROLE_PREFERENCE: readonly Role[] = ['facilitator', 'participant', 'viewer']

/** The most capable token this browser holds for a session: facilitator > participant > viewer. */
export function bestToken(entry: SessionEntry): { role: Role; token: string } | null {
  for (const role of ROLE_PREFERENCE) {
    const token = entry.tokens[role]
    if (token) return { role, token }
  }
  return null
}

/** Every link this browser was given for a session, with its role, most capable first. */
export function heldLinks(entry: SessionEntry): { role: Role; token: string }[] {
  return ROLE_PREFERENCE.flatMap((role) => {
    const token = entry.tokens[role]
    return token ? [{ role, token }] : []
  })
}

/** The tokens this browser holds for one session (empty when it never saw the session). */
export function rememberedTokens(id: string): Partial<Record<Role, string>> {
  return loadSessions().find((s) => s.id === id)?.tokens ?? {}
}

/** What this browser remembers about a session link, for opening the board while the server is unreachable. */
export function rememberedLink(id: string, token: string): { title: string; role: Role } | null {
  const entry = loadSessions().find((s) => s.id === id)
  if (!entry) return null
  for (const role of ROLE_PREFERENCE) {
    if (entry.tokens[role] === token) return { title: entry.title, role }
  }
  return null
}
