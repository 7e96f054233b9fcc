// The series routes (server/src/http/seriesRoutes.ts), read through the shapes in shared/series.ts,
// and the hooks the warm-up and review cards use.
import { useCallback, useEffect, useState } from 'react'
import {
  carryOverResponseSchema,
  followUpResponseSchema,
  previousTasksResponseSchema,
  seriesResponseSchema,
  type CarryOverRequest,
  type CarryOverResponse,
  type FollowUpRequest,
  type FollowUpResponse,
  type PreviousTasksResponse,
  type SeriesResponse,
} from '@sandbox/shared'
import { request } from '../lib/api.ts'
import { rememberSession } from '../lib/storage.ts'

const base = (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}`

export const startFollowUp = (sessionId: string, token: string, body: FollowUpRequest = {}): Promise<FollowUpResponse> =>
  request(followUpResponseSchema, `${base(sessionId)}/follow-up`, { method: 'POST', token, body: JSON.stringify(body) })

export const fetchSeries = (sessionId: string, token: string): Promise<SeriesResponse> => request(seriesResponseSchema, `${base(sessionId)}/series`, { token })

/** `no-cache`: the browser revalidates with the ETag, and an unchanged list costs a 304. */
export const fetchPreviousTasks = (sessionId: string, token: string): Promise<PreviousTasksResponse> =>
  request(previousTasksResponseSchema, `${base(sessionId)}/previous-tasks`, { token, cache: 'no-cache' })

export const carryOver = (sessionId: string, token: string, body: CarryOverRequest = {}): Promise<CarryOverResponse> =>
  request(carryOverResponseSchema, `${base(sessionId)}/carry-over`, { method: 'POST', token, body: JSON.stringify(body) })

/** The session's series (null until it loads, or when the server cannot say); remembered for the home page. */
export function useSeries(sessionId: string, token: string, title: string): { series: SeriesResponse | null; refresh(): void } {
  const [series, setSeries] = useState<SeriesResponse | null>(null)
  const [round, setRound] = useState(0)
  useEffect(() => {
    let live = true
    fetchSeries(sessionId, token).then(
      (answer) => {
        if (!live) return
        setSeries(answer)
        if (answer.seriesId) rememberSession(sessionId, title, {}, { id: answer.seriesId, position: answer.position })
      },
      () => {},
    )
    return () => {
      live = false
    }
  }, [sessionId, token, title, round])
  const refresh = useCallback(() => setRound((r) => r + 1), [])
  return { series, refresh }
}

const POLL_MS = 3000

/**
 * The previous session's tasks, polled while the page is visible (a list that changes when people
 * finish tasks on their own pages, possibly on another server process: polling is what always works).
 */
export function usePreviousTasks(sessionId: string, token: string): PreviousTasksResponse | null {
  const [answer, setAnswer] = useState<PreviousTasksResponse | null>(null)
  useEffect(() => {
    let live = true
    let timer = 0
    const poll = async () => {
      if (document.visibilityState === 'visible') {
        try {
          const next = await fetchPreviousTasks(sessionId, token)
          if (live) setAnswer((prev) => (prev && JSON.stringify(prev) === JSON.stringify(next) ? prev : next))
          // A session is linked to the one it follows when it is created: one that follows none never will.
          if (next.previous === null) return
        } catch {
          // Offline for a moment: the next poll tries again.
        }
      }
      if (live) timer = window.setTimeout(() => void poll(), POLL_MS)
    }
    void poll()
    return () => {
      live = false
      window.clearTimeout(timer)
    }
  }, [sessionId, token])
  return answer
}
