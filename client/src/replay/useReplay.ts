// Loads a session's replay and moves it to any moment. Opened without a moment, it shows the first
// one with something on the board (ReplayModel.firstBoardActivityAt), not an empty board at 0:00; opened
// at a moment (a shared link), the first frame comes from the server
// (`/state?at=`: a checkpoint plus a short tail), so it does not wait for the log; meanwhile the
// log streams in chunks into the ReplayModel, a slice per animation frame, and from then on every
// moment it covers is drawn locally. A moment not covered yet costs one request, latest wins,
// never more than one in flight.
//
// No tldraw here: this hook is in the page's first chunk, which draws the first board as a preview
// (ReplayPreview.tsx) while tldraw's code loads. The canvas (ReplayCanvas.tsx, with tldraw's store)
// follows the view through `subscribe`: every change of the view, with the keys that changed.
import { useCallback, useEffect, useRef, useState } from 'react'
import * as Y from 'yjs'
import { ApiError } from '../lib/api.ts'
import { fetchFeed, fetchStateAt, fetchTimeline, type Timeline } from './replayApi.ts'
import { FEED_CHUNK_UPDATES, FIRST_FEED_CHUNK_UPDATES } from './replayPaths.ts'
import { entriesFromDoc, ReplayModel } from './ReplayModel.ts'
import { createUnreadableRecords, type UnreadableRecords } from '../board/recordSync.ts'

const PUMP_BUDGET_MS = 10

/** Told the keys of model.view that changed, right after they did. */
export type ViewListener = (changed: ReadonlySet<string>) => void

export interface ReplayState {
  /** Records at this moment that could not be shown (the canvas fills it in). */
  unreadable: UnreadableRecords & { set(id: string, unreadable: boolean): void }
  model: ReplayModel
  timeline: Timeline | null
  moment: number
  /** Bumped whenever the view changes, for what is derived from it. */
  version: number
  /** The latest moment the log has been applied up to (everything before it scrubs locally). */
  loadedUntil: number
  loadedAll: boolean
  /** ms from opening the page to the first drawn frame. */
  firstFrameMs: number | null
  error: string | null
  show(t: number): void
  /** Follows the view's changes from now on; returns the unsubscribe. */
  subscribe(listener: ViewListener): () => void
}

const describe = (error: unknown): string => (error instanceof ApiError ? error.message : 'The replay could not be loaded. Reload the page to try again.')

/**
 * `initialAt` null: open where people first did something (or at the end, if nobody did);
 * `placeholderAt` is the moment the timeline shows until then.
 */
/** `boardReady`: tldraw's canvas has replaced the preview (the timeline is asked for after that, see below). */
export function useReplay(sessionId: string, token: string, initialAt: number | null, placeholderAt: number, openedAt: number, boardReady: boolean): ReplayState {
  const [model] = useState(() => new ReplayModel())
  const [listeners] = useState(() => new Set<ViewListener>())
  const [unreadable] = useState(() => createUnreadableRecords())
  const [timeline, setTimeline] = useState<Timeline | null>(null)
  const [moment, setMoment] = useState(initialAt ?? placeholderAt)
  const [version, setVersion] = useState(0)
  const [loadedUntil, setLoadedUntil] = useState(0)
  const [loadedAll, setLoadedAll] = useState(false)
  const [firstFrameMs, setFirstFrameMs] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const momentRef = useRef(initialAt ?? placeholderAt)
  /** Whether a moment has been chosen (given, or found in the log). */
  const chosen = useRef(initialAt !== null)
  const remote = useRef<{ inFlight: boolean; wanted: number | null }>({ inFlight: false, wanted: null })
  const disposed = useRef(false)

  const subscribe = useCallback(
    (listener: ViewListener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    [listeners],
  )
  const changedView = useCallback(
    (changed: ReadonlySet<string>) => {
      for (const listener of listeners) listener(changed)
    },
    [listeners],
  )

  const drew = useCallback(() => {
    setVersion((v) => v + 1)
    setFirstFrameMs((ms) => ms ?? Math.round(performance.now() - openedAt))
  }, [openedAt])

  const fetchMoment = useCallback(
    (t: number) => {
      const r = remote.current
      r.wanted = t
      if (r.inFlight) return
      r.inFlight = true
      void (async () => {
        while (r.wanted !== null && !disposed.current) {
          const at = r.wanted
          r.wanted = null
          try {
            const doc = new Y.Doc()
            Y.applyUpdate(doc, await fetchStateAt(sessionId, token, at))
            // The log may have caught up while we waited: then the local state wins.
            if (!disposed.current && !model.covers(momentRef.current) && r.wanted === null) {
              changedView(model.showExternal(entriesFromDoc(doc)))
              drew()
            }
            doc.destroy()
          } catch (e) {
            if (!disposed.current) setError(describe(e))
          }
        }
        r.inFlight = false
      })()
    },
    [sessionId, token, model, changedView, drew],
  )

  const show = useCallback(
    (t: number) => {
      momentRef.current = t
      setMoment(t)
      if (model.covers(t)) {
        // Seek first: from a keyframe, seeking replaces model.view with another map.
        changedView(model.seek(model.countAt(t)))
        drew()
      } else {
        fetchMoment(t)
      }
    },
    [model, changedView, drew, fetchMoment],
  )

  useEffect(() => {
    // React's StrictMode runs this twice; each run has its own `cancelled`, so one loop survives.
    let cancelled = false
    disposed.current = false
    if (chosen.current) show(momentRef.current)
    const chooseFirstActivity = () => {
      if (chosen.current || model.firstBoardActivityAt === null) return
      chosen.current = true
      show(model.firstBoardActivityAt)
    }
    const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))
    void (async () => {
      try {
        let chunk = fetchFeed(sessionId, token, 0, FIRST_FEED_CHUNK_UPDATES)
        for (;;) {
          const { updates, more, lastSeq } = await chunk
          if (cancelled) return
          model.enqueue(updates, !more)
          if (more) chunk = fetchFeed(sessionId, token, lastSeq, FEED_CHUNK_UPDATES)
          while (model.queuedCount > 0 && !cancelled) {
            model.pump(PUMP_BUDGET_MS)
            chooseFirstActivity()
            // The view came from the server: switch to the local replay once it covers the moment.
            if (model.viewCount < 0 && model.covers(momentRef.current)) show(momentRef.current)
            setLoadedUntil(model.ats.at(-1) ?? 0)
            await nextFrame()
          }
          if (!more) break
        }
        if (cancelled) return
        setLoadedAll(true)
        if (!chosen.current) {
          // Nothing was ever on the board: the first thing people did, or else the end (who came).
          chosen.current = true
          show(model.firstActivityAt ?? model.ats.at(-1) ?? momentRef.current)
        } else if (model.viewCount < 0) show(momentRef.current)
      } catch (e) {
        if (!cancelled) setError(describe(e))
      }
    })()
    return () => {
      cancelled = true
      disposed.current = true
    }
    // Runs once per page: the model and store live as long as the page.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  // The timeline (markers, quiet gaps) is asked for once the first board is on screen, its fonts
  // loaded: building it reads the whole log on the server, and the same process serves this
  // page's code, fonts and first log chunk. Until then the time bar spans the log loaded so far.
  const timelineAsked = useRef(false)
  useEffect(() => {
    if (timelineAsked.current || ((firstFrameMs === null || !boardReady) && !loadedAll)) return
    timelineAsked.current = true
    const ask = () =>
      fetchTimeline(sessionId, token).then(
        (tl) => !disposed.current && setTimeline(tl),
        (e: unknown) => !disposed.current && setError(describe(e)),
      )
    // Two frames: the canvas draws the first board and starts loading the fonts it needs.
    requestAnimationFrame(() => requestAnimationFrame(() => void document.fonts.ready.then(ask, ask)))
  }, [firstFrameMs, boardReady, loadedAll, sessionId, token])

  return { subscribe, unreadable, model, timeline, moment, version, loadedUntil, loadedAll, firstFrameMs, error, show }
}
