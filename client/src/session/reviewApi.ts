// The review's own API calls: the balance of modes (any role) and the chat settings and posts
// (facilitator). Answers are checked with the wire schemas in shared/, so a mismatch shows as a
// sentence, not a broken chart.
import { chatSettingsViewSchema, type ChatPostBody, type ChatSettingsBody, type ChatSettingsView, type SeriesBalanceResponse, type SessionBalance } from '@sandbox/shared'

const base = (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}`

async function call(token: string, url: string, init: RequestInit = {}): Promise<unknown> {
  let res: Response
  try {
    res = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      cache: 'no-store',
    })
  } catch {
    throw new Error('The server could not be reached. Check your connection and try again.')
  }
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
  if (!res.ok) throw new Error(body?.error?.message ?? `The server answered ${res.status}.`)
  return body
}

export async function fetchBalance(sessionId: string, token: string): Promise<SessionBalance> {
  const body = (await call(token, `${base(sessionId)}/balance`)) as SessionBalance | null
  if (!body || !Array.isArray(body.people) || typeof body.togetherMs !== 'number') throw new Error('The balance could not be read.')
  return body
}

export async function fetchSeriesBalance(sessionId: string, token: string): Promise<SeriesBalanceResponse> {
  const body = (await call(token, `${base(sessionId)}/series/balance`)) as SeriesBalanceResponse | null
  if (!body || !Array.isArray(body.sessions) || !body.series || !Array.isArray(body.series.people)) throw new Error('The balance across the series could not be read.')
  return body
}

const view = (body: unknown): ChatSettingsView => {
  const parsed = chatSettingsViewSchema.safeParse(body)
  if (!parsed.success) throw new Error('The chat settings could not be read.')
  return parsed.data
}

export const fetchChat = async (sessionId: string, token: string): Promise<ChatSettingsView> => view(await call(token, `${base(sessionId)}/chat`))

export const saveChat = async (sessionId: string, token: string, body: ChatSettingsBody): Promise<ChatSettingsView> =>
  view(await call(token, `${base(sessionId)}/chat`, { method: 'PUT', body: JSON.stringify(body) }))

export const postToChat = async (sessionId: string, token: string, body: ChatPostBody = {}): Promise<void> => {
  await call(token, `${base(sessionId)}/chat/post`, { method: 'POST', body: JSON.stringify(body) })
}
