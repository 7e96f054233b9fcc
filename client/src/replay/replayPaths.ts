// The replay's requests, by path: shared by the replay's API module and the prefetch that main.tsx
// starts before the replay's code has loaded (so this module must stay free of dependencies).
import { prefetch } from '../lib/prefetch.ts'

export const sessionPath = (sessionId: string): string => `/api/sessions/${encodeURIComponent(sessionId)}`
export const timelinePath = (sessionId: string): string => `${sessionPath(sessionId)}/timeline`
export const statePath = (sessionId: string, at: number): string => `${sessionPath(sessionId)}/state?at=${Math.floor(at)}`
export const feedPath = (sessionId: string, after: number, limit: number): string => `${sessionPath(sessionId)}/updates?after=${after}&limit=${limit}`

/**
 * The first chunk of the log is small: the page opens on the first sticky, which comes early, and
 * the next chunk is asked for as soon as this one arrives. Later chunks are FEED_CHUNK_UPDATES.
 */
export const FIRST_FEED_CHUNK_UPDATES = 2_000
export const FEED_CHUNK_UPDATES = 10_000

/**
 * What opening the replay asks for first: the session, the log's first chunk and the moment in
 * the link, all quick to answer. Not the timeline: building it reads the whole log, and the server
 * would serve the page's code behind it (useReplay.ts asks for it once the board is drawn).
 */
export function prefetchReplay(sessionId: string, token: string, at: number | null): void {
  prefetch(sessionPath(sessionId), token)
  prefetch(feedPath(sessionId, 0, FIRST_FEED_CHUNK_UPDATES), token)
  if (at !== null) prefetch(statePath(sessionId, at), token)
}
