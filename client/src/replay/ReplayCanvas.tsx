// The replay's tldraw canvas, in its own lazy chunk with tldraw: the page draws the first board as
// a preview (ReplayPreview.tsx) and swaps this in once it has drawn its stickies. The store is
// created here from the model's view at that moment and follows every change after it
// (useReplay's `subscribe`); the camera starts where the preview's was and then follows the board
// as it grows, until the person moves it ("Fit the board" brings it back).
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react'
import type { Editor } from 'tldraw'
import type { Participant, Phase, Task } from '@sandbox/shared'
import { Board } from '../board/Board.tsx'
import { ReplayBadges } from './ReplayBadges.tsx'
import type { ReplayModel } from './ReplayModel.ts'
import { FIT_INSET, type Camera } from './previewLayout.ts'
import { applyToStore, createReplayStore } from './replayStore.ts'
import type { ReplayState } from './useReplay.ts'

const REPLAY_USER = { id: 'replay', name: 'Replay', color: '#868e96' }
/** Swap anyway if the canvas shows no sticky this long after it started (a preview must not stay). */
const DRAWN_TIMEOUT_MS = 3_000

export interface ReplayCanvasProps {
  sessionId: string
  token: string
  licenseKey: string | null
  model: ReplayModel
  /** Changes whenever model.view does. */
  version: number
  subscribe: ReplayState['subscribe']
  unreadable: ReplayState['unreadable']
  phase: Phase | null
  people: readonly Participant[]
  tasks: readonly Task[]
  /** The preview's camera, kept while the board stays in its view (no jump at the swap). */
  initialCamera: RefObject<Camera | null>
  /** Once the canvas shows the board's stickies (or has none to show). */
  onDrawn(): void
}

export default function ReplayCanvas(props: ReplayCanvasProps) {
  const { sessionId, token, licenseKey, model, version, subscribe, unreadable, initialCamera, onDrawn } = props
  const [editor, setEditor] = useState<Editor | null>(null)
  // The store takes the view as it is when the canvas mounts (not while rendering: that fills in
  // `unreadable`, which the page shows), then every change through `subscribe`.
  const [store] = useState(() => createReplayStore(sessionId, token))
  useLayoutEffect(() => {
    const unsubscribe = subscribe((changed) => applyToStore(store, model.view, changed, unreadable))
    applyToStore(store, model.view, model.view.keys(), unreadable)
    return unsubscribe
  }, [store, model, subscribe, unreadable])

  // Keep what is on the board in view as it grows: fit it whenever some of it would be out of
  // view, until the person moves the camera themselves (then "Fit the board" brings it back).
  const followed = useRef<Camera | null>(null)
  const [following, setFollowing] = useState(true)
  const fit = useCallback((ed: Editor) => {
    const content = ed.getCurrentPageBounds()
    if (!content) return
    // The inset keeps stickies clear of tldraw's controls and of their badges.
    ed.zoomToBounds(content, { inset: FIT_INSET, targetZoom: 1 })
    followed.current = ed.getCamera()
  }, [])
  const started = useRef(false)
  useEffect(() => {
    if (!editor || !following) return
    if (!started.current) {
      started.current = true
      // Where the preview's camera was: the swap moves nothing (the rule below refits if the board
      // grew out of it meanwhile, as the preview would have).
      if (initialCamera.current) {
        editor.setCamera(initialCamera.current, { immediate: true })
        followed.current = editor.getCamera()
      }
    }
    const camera = editor.getCamera()
    const last = followed.current
    if (last && (Math.abs(last.x - camera.x) > 0.5 || Math.abs(last.y - camera.y) > 0.5 || Math.abs(last.z - camera.z) > 0.001)) {
      setFollowing(false)
      return
    }
    const content = editor.getCurrentPageBounds()
    if (content && (last === null || !editor.getViewportPageBounds().contains(content))) fit(editor)
  }, [version, following, fit, editor, initialCamera])
  const fitAgain = () => {
    if (editor) fit(editor)
    setFollowing(true)
  }

  // Drawn: a sticky is on the canvas (tldraw renders notes some frames after it starts, once its
  // fonts are in), or the board has none. Then two frames, so the swap shows a painted canvas.
  const container = useRef<HTMLDivElement>(null)
  const onDrawnRef = useRef(onDrawn)
  onDrawnRef.current = onDrawn
  useEffect(() => {
    if (!editor) return
    let frame = 0
    let done = false
    const finish = () => {
      if (done) return
      done = true
      requestAnimationFrame(() => requestAnimationFrame(() => onDrawnRef.current()))
    }
    const timer = setTimeout(finish, DRAWN_TIMEOUT_MS)
    const check = () => {
      const hasNotes = editor.getCurrentPageShapes().some((s) => s.type === 'note')
      if (!hasNotes || container.current?.querySelector('.tl-shape[data-shape-type="note"] .tl-note__container')) finish()
      else frame = requestAnimationFrame(check)
    }
    check()
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  }, [editor])

  // The canvas must not re-render with every frame of scrubbing: the store drives what it shows.
  const board = useMemo(
    () => <Board store={store} user={REPLAY_USER} readOnly licenseKey={licenseKey ?? undefined} onEditor={setEditor} />,
    [store, licenseKey],
  )

  return (
    <div className="replay-canvas" ref={container}>
      {board}
      <ReplayBadges editor={editor} view={model.view} version={version} phase={props.phase} people={props.people} tasks={props.tasks} />
      {!following ? (
        <button type="button" className="button button--secondary button--small replay-board__fit" onClick={fitAgain}>
          Fit the board
        </button>
      ) : null}
    </div>
  )
}
