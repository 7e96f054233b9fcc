// `/s/:id/replay?token=T&t=MS`: the session as it was at any moment. A read-only board, the phase,
// people and tasks of that moment beside it, and the timeline below. The moment is kept in the
// URL (`t`, replaced while scrubbing) so a link opens the same moment.
//
// This chunk does not carry tldraw: the first board is a preview drawn from the replay's model
// (ReplayPreview.tsx), and tldraw's canvas (ReplayCanvas.tsx, its own lazy chunk, asked for once
// the preview is on screen) replaces it when it has drawn the same stickies.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { UnreadableNotice } from '../components/BoardNotices.tsx'
import { ApiError, fetchConfig, fetchSession, type SessionInfo } from '../lib/api.ts'
import { StatusPage } from '../components/StatusPage.tsx'
import { Link, boardPath } from '../router.tsx'
import type { Camera } from './previewLayout.ts'
import { ReplayPreview } from './ReplayPreview.tsx'
import { ReplaySidebar, summarize } from './ReplaySidebar.tsx'
import { ReplayTimeline, type Speed } from './ReplayTimeline.tsx'
import { usePlayback } from './usePlayback.ts'
import { useReplay } from './useReplay.ts'
import { preloadStickyFonts } from './preloadFonts.ts'
import './replay.css'

// As soon as this code has arrived, not earlier: fetched beside tldraw's code, the fonts slowed it down.
preloadStickyFonts()

const ReplayCanvas = lazy(() => import('./ReplayCanvas.tsx'))
/** tldraw's code is asked for once the preview is painted, or after this long without one. */
const CANVAS_LATEST_MS = 1_000

const ACTIVE_WINDOW_MS = 60_000
const URL_UPDATE_MS = 200

type PageState = { kind: 'loading' } | { kind: 'failed'; title: string; message: string } | { kind: 'ready'; session: SessionInfo }

export function ReplayPage({ sessionId, token, at }: { sessionId: string; token: string | null; at: number | null }) {
  const [state, setState] = useState<PageState>({ kind: 'loading' })
  const [licenseKey, setLicenseKey] = useState<string | null | undefined>(undefined)
  const [openedAt] = useState(() => performance.now())

  useEffect(() => {
    let cancelled = false
    fetchConfig().then(
      (c) => !cancelled && setLicenseKey(c.tldrawLicenseKey),
      () => !cancelled && setLicenseKey(null),
    )
    if (!token) {
      setState({ kind: 'failed', title: 'This link is not valid', message: 'The link is missing its access token. Ask the facilitator for a fresh link.' })
      return
    }
    fetchSession(sessionId, token).then(
      (session) => {
        if (cancelled) return
        document.title = `Replay: ${session.title} · Sandbox`
        setState({ kind: 'ready', session })
      },
      (error: unknown) => {
        if (cancelled) return
        if (error instanceof ApiError && error.code === 'notFound') setState({ kind: 'failed', title: 'Session not found', message: 'There is no session at this address.' })
        else if (error instanceof ApiError && error.code === 'unauthorized') setState({ kind: 'failed', title: 'This link is not valid', message: 'The token is wrong. Ask the facilitator for a fresh link.' })
        else setState({ kind: 'failed', title: 'The replay could not be opened', message: error instanceof ApiError ? error.message : 'Try again.' })
      },
    )
    return () => {
      cancelled = true
    }
  }, [sessionId, token])

  if (state.kind === 'loading') {
    return (
      <main className="status-page" aria-busy="true">
        <p className="loading-text">Opening the replay…</p>
      </main>
    )
  }
  if (state.kind === 'failed') {
    return (
      <StatusPage title={state.title}>
        <p>{state.message}</p>
      </StatusPage>
    )
  }
  return <ReplayView session={state.session} token={token ?? ''} initialAt={at} openedAt={openedAt} licenseKey={licenseKey} />
}

interface ReplayViewProps {
  session: SessionInfo
  token: string
  /** The moment in the link, or null to open where people first did something. */
  initialAt: number | null
  openedAt: number
  licenseKey: string | null | undefined
}

function ReplayView({ session, token, initialAt, openedAt, licenseKey }: ReplayViewProps) {
  // The canvas has replaced the preview.
  const [drawn, setDrawn] = useState(false)
  const replay = useReplay(session.id, token, initialAt, session.createdAt, openedAt, drawn)
  const { model, timeline, moment, version, show } = replay
  const start = timeline?.start ?? session.createdAt
  // Until the timeline arrives, the end is at least the moment shown (a link's moment can be past
  // what has loaded so far: "40:00 / 39:21" would read as nonsense).
  const end = Math.max(timeline?.end ?? moment, model.ats.at(-1) ?? start, start)
  const [speed, setSpeed] = useState<Speed>(4)
  const [skipGaps, setSkipGaps] = useState(true)
  const playback = usePlayback({ moment, start, end, speed, skipGaps, gaps: timeline?.gaps ?? [], show })

  const summary = useMemo(() => {
    const active = new Set<string>()
    if (model.viewCount >= 0) {
      for (let i = model.viewCount - 1, seen = 0; i >= 0 && seen < 5_000 && (model.ats[i] ?? 0) > moment - ACTIVE_WINDOW_MS; i -= 1, seen += 1) {
        const author = model.authors[i]
        if (author) active.add(author)
      }
    }
    return summarize(model.view, active)
    // `version` changes whenever model.view does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model, version, moment])

  // Keep `t` in the URL without a history entry per frame (browsers also rate-limit replaceState),
  // once there is a moment to keep.
  const shown = replay.firstFrameMs !== null
  useEffect(() => {
    if (!shown) return
    const timer = setTimeout(() => {
      const url = new URL(window.location.href)
      url.searchParams.set('t', String(Math.round(moment)))
      window.history.replaceState(window.history.state, '', url)
    }, URL_UPDATE_MS)
    return () => clearTimeout(timer)
  }, [moment, shown])

  const step = useCallback(
    (direction: -1 | 1) => {
      const times = [...new Set((timeline?.events ?? []).map((e) => e.at))].sort((a, b) => a - b)
      const target = direction > 0 ? times.find((at) => at > moment + 1) : times.findLast((at) => at < moment - 1)
      playback.pause()
      show(target ?? (direction > 0 ? end : start))
    },
    [timeline, moment, start, end, show, playback],
  )

  // tldraw's chunk: its download and start-up would hold the preview back, so it is asked for once
  // the preview has been painted (two frames), or after CANVAS_LATEST_MS if none has.
  const [wantCanvas, setWantCanvas] = useState(false)
  useEffect(() => {
    if (wantCanvas) return
    const timer = setTimeout(() => setWantCanvas(true), CANVAS_LATEST_MS)
    let frame = 0
    if (shown) frame = requestAnimationFrame(() => (frame = requestAnimationFrame(() => setWantCanvas(true))))
    return () => {
      clearTimeout(timer)
      cancelAnimationFrame(frame)
    }
  }, [shown, wantCanvas])
  const previewCamera = useRef<Camera | null>(null)
  const onDrawn = useCallback(() => setDrawn(true), [])

  return (
    <div className="replay-page" data-first-frame-ms={replay.firstFrameMs ?? undefined} data-loaded={replay.loadedAll ? 'all' : 'partial'} data-board={drawn ? 'canvas' : 'preview'}>
      <header className="topbar">
        <div className="topbar__left">
          <Link href="/" className="topbar__brand" aria-label="Sandbox home">
            <span className="brand-mark" aria-hidden="true" />
          </Link>
          <h1 className="topbar__title" title={session.title}>
            {session.title || 'Untitled session'}
          </h1>
          <span className="role-badge role-badge--viewer">Replay · read-only</span>
        </div>
        <div className="topbar__right">
          {session.role !== 'viewer' ? (
            <Link href={boardPath(session.id, token)} className="button button--ghost button--small">
              Back to the live board
            </Link>
          ) : null}
        </div>
      </header>
      {replay.error ? (
        <div className="notice notice--error" role="alert">
          {replay.error}
        </div>
      ) : null}
      <UnreadableNotice unreadable={replay.unreadable} />
      <main className="replay-main">
        <div className="replay-board" data-testid="replay-board">
          {wantCanvas && licenseKey !== undefined ? (
            <Suspense fallback={null}>
              <ReplayCanvas
                sessionId={session.id}
                token={token}
                licenseKey={licenseKey}
                model={model}
                version={version}
                subscribe={replay.subscribe}
                unreadable={replay.unreadable}
                phase={summary.phase}
                people={summary.people}
                tasks={summary.tasks}
                initialCamera={previewCamera}
                onDrawn={onDrawn}
              />
            </Suspense>
          ) : null}
          {!drawn ? <ReplayPreview view={model.view} version={version} cameraRef={previewCamera} phase={summary.phase} people={summary.people} tasks={summary.tasks} /> : null}
        </div>
        <ReplaySidebar summary={summary} />
      </main>
      <ReplayTimeline
        start={start}
        end={end}
        moment={moment}
        loadedUntil={replay.loadedAll ? end : replay.loadedUntil}
        events={timeline?.events ?? []}
        playing={playback.playing}
        speed={speed}
        skipGaps={skipGaps}
        onSeek={(t) => {
          playback.pause()
          show(t)
        }}
        onTogglePlay={playback.toggle}
        onSpeed={setSpeed}
        onSkipGaps={setSkipGaps}
        onStep={step}
      />
    </div>
  )
}
