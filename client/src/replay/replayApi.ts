// The replay API (server/src/http/replayRoutes.ts): the timeline as JSON, the document at one
// moment, and the update feed in binary chunks. Checked at this boundary like lib/api.ts.
// zod/mini like lib/api.ts: the full API would add ~40 kB gzip to the replay's download.
import { z } from 'zod/mini'
import { decodeFeed, timelineResponseSchema, type FeedUpdate, type TimelineEvent, type TimelineResponse } from '@sandbox/shared'
import { ApiError } from '../lib/api.ts'
import { takePrefetched } from '../lib/prefetch.ts'
import { feedPath, statePath, timelinePath } from './replayPaths.ts'

export type { TimelineEvent }

export type Timeline = TimelineResponse

async function get(path: string, token: string): Promise<Response> {
  let response: Response
  try {
    response = await (takePrefetched(path, token) ?? fetch(path, { headers: { Authorization: `Bearer ${token}` } }))
  } catch {
    throw new ApiError('network', 0, 'The server could not be reached. Check your connection and try again.')
  }
  if (response.ok) return response
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null
  const message = body?.error?.message ?? `The server answered ${response.status}.`
  if (response.status === 401 || response.status === 403) throw new ApiError('unauthorized', response.status, message)
  if (response.status === 404) throw new ApiError('notFound', 404, message)
  throw new ApiError('server', response.status, message)
}

export async function fetchTimeline(sessionId: string, token: string): Promise<Timeline> {
  const parsed = timelineResponseSchema.safeParse(await (await get(timelinePath(sessionId), token)).json())
  if (!parsed.success) throw new ApiError('invalidResponse', 200, 'The server sent a timeline this page does not understand; reload the page.')
  return parsed.data
}

export async function fetchStateAt(sessionId: string, token: string, at: number): Promise<Uint8Array> {
  return new Uint8Array(await (await get(statePath(sessionId, at), token)).arrayBuffer())
}

export type { FeedUpdate }

export interface FeedChunk {
  updates: FeedUpdate[]
  more: boolean
  lastSeq: number
}

/** One chunk of the log after `after` (shared/src/replayFeed.ts). */
export async function fetchFeed(sessionId: string, token: string, after: number, limit: number): Promise<FeedChunk> {
  const feed = decodeFeed(new Uint8Array(await (await get(feedPath(sessionId, after, limit), token)).arrayBuffer()))
  if (!feed) throw new ApiError('invalidResponse', 200, 'The server sent replay data this page does not understand; reload the page.')
  return { updates: feed.updates, more: feed.header.more, lastSeq: feed.header.lastSeq }
}
