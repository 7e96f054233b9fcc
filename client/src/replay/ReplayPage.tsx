// `/s/:id/replay?token=T&t=MS`: the session as it was at any moment. A read-only board, the phase,
// people and tasks of that moment beside it, and the timeline below. The moment is kept in the
// URL (`t`, replaced while scrubbing) so a link opens the same moment.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { UnreadableNotice } from '../components/BoardNotices.tsx'
import type { Editor } from 'tldraw'
import { ApiError, fetchConfig, fetchSession, type SessionInfo } from '../lib/api.ts'
import { Board } from '../board/Board.tsx'
import { StatusPage } from '../components/StatusPage.tsx'
import { Link, boardPath } from '../router.tsx'
import { ReplayBadges } from './ReplayBadges.tsx'
import { ReplaySidebar, summarize } from './ReplaySidebar.tsx'
import { ReplayTimeline, type Speed } from './ReplayTimeline.tsx'
import { usePlayback } from './usePlayback.ts'
import { useReplay } from './useReplay.ts'
import { preloadStickyFonts } from './preloadFonts.ts'
import './replay.css'

// As soon as this code has arrived, not earlier: fetched beside tldraw's code, the fonts slowed it down.
preloadStickyFonts()

const REPLAY_USER = { id: 'replay', name: 'Replay', color: '#868e96' }
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
  const [editor, setEditor] = useState<Editor | null>(null)
  const replay = useReplay(session.id, token, initialAt, session.createdAt, openedAt, editor !== null)
  const { model, timeline, moment, version, show } = replay
  const start = timeline?.start ?? session.createdAt
  const end = Math.max(timeline?.end ?? start, model.ats.at(-1) ?? start, start)
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

  // Keep what is on the board in view as it grows: fit it whenever some of it would be out of
  // view, until the person moves the camera themselves (then "Fit the board" brings it back).
  const editorRef = useRef<Editor | null>(null)
  const followed = useRef<{ x: number; y: number; z: number } | null>(null)
  const [following, setFollowing] = useState(true)
  const fit = useCallback((ed: Editor) => {
    const content = ed.getCurrentPageBounds()
    if (!content) return
    // The inset keeps stickies clear of tldraw's controls and of their badges.
    ed.zoomToBounds(content, { inset: 120, targetZoom: 1 })
    followed.current = ed.getCamera()
  }, [])
  useEffect(() => {
    const ed = editorRef.current
    if (!ed || !following) return
    const camera = ed.getCamera()
    const last = followed.current
    if (last && (Math.abs(last.x - camera.x) > 0.5 || Math.abs(last.y - camera.y) > 0.5 || Math.abs(last.z - camera.z) > 0.001)) {
      setFollowing(false)
      return
    }
    const content = ed.getCurrentPageBounds()
    if (content && (last === null || !ed.getViewportPageBounds().contains(content))) fit(ed)
  }, [version, following, fit, editor])
  const fitAgain = () => {
    if (editorRef.current) fit(editorRef.current)
    setFollowing(true)
  }

  // The canvas must not re-render with every frame of scrubbing: the store drives what it shows.
  const board = useMemo(
    () =>
      licenseKey !== undefined ? (
        <Board
          store={replay.store}
          user={REPLAY_USER}
          readOnly
          licenseKey={licenseKey ?? undefined}
          onEditor={(e) => {
            editorRef.current = e
            setEditor(e)
          }}
        />
      ) : null,
    [replay.store, licenseKey],
  )

  return (
    <div className="replay-page" data-first-frame-ms={replay.firstFrameMs ?? undefined} data-loaded={replay.loadedAll ? 'all' : 'partial'}>
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
          {board}
          <ReplayBadges editor={editor} view={model.view} version={version} phase={summary.phase} people={summary.people} tasks={summary.tasks} />
          {!following ? (
            <button type="button" className="button button--secondary button--small replay-board__fit" onClick={fitAgain}>
              Fit the board
            </button>
          ) : null}
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
