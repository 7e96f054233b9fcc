// The replay's first board, drawn before tldraw's code has loaded: the stickies of the moment shown,
// as plain HTML placed where tldraw will draw them (previewLayout.ts), under the camera tldraw's
// fit will choose. ReplayPage swaps in the canvas (ReplayCanvas.tsx) once it has drawn its own.
// Not interactive and hidden from assistive technology: it stands in for a frame or so.
import { useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react'
import type { Participant, Phase, Task } from '@sandbox/shared'
import type { Entries } from './ReplayModel.ts'
import { ReplayBadgeLayer } from './ReplayBadgeLayer.tsx'
import { boardPreview, CANVAS_BACKGROUND, followCamera, notePlacements, NOTE_LABEL_PADDING, NOTE_LINE_HEIGHT, type Camera } from './previewLayout.ts'
import { PREVIEW_FONT_FAMILY } from './preloadFonts.ts'

export interface ReplayPreviewProps {
  view: Entries
  /** Changes whenever `view` does. */
  version: number
  /** Where the preview's camera is, for the canvas to start there. */
  cameraRef: RefObject<Camera | null>
  /** For the badges (votes, task owners), as over the canvas. */
  phase: Phase | null
  people: readonly Participant[]
  tasks: readonly Task[]
}

export function ReplayPreview({ view, version, cameraRef, phase, people, tasks }: ReplayPreviewProps) {
  const root = useRef<HTMLDivElement>(null)
  const [size, setSize] = useState<{ w: number; h: number } | null>(null)
  useLayoutEffect(() => {
    const element = root.current
    if (!element) return
    const measure = () => setSize((old) => (old && old.w === element.clientWidth && old.h === element.clientHeight ? old : { w: element.clientWidth, h: element.clientHeight }))
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(element)
    return () => observer.disconnect()
  }, [])

  // `version` changes whenever the view does (the model replaces or edits model.view in place).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const board = useMemo(() => boardPreview(view), [view, version])
  const camera = size ? followCamera(cameraRef.current, board.bounds, size) : null
  useLayoutEffect(() => {
    cameraRef.current = camera
  })

  return (
    <div ref={root} className="replay-preview" style={{ background: CANVAS_BACKGROUND }} aria-hidden="true" data-testid="replay-preview">
      {camera ? (
        <div className="replay-preview__page" style={{ transform: `scale(${camera.z}) translate(${camera.x}px, ${camera.y}px)` }}>
          {board.notes.map((n) => (
            <div
              key={n.id}
              className="replay-preview__note"
              data-shape-type="note"
              data-shape-id={n.id}
              style={{
                width: n.w,
                height: n.h,
                background: n.fill,
                transform: `translate(${n.x}px, ${n.y}px) rotate(${n.rotation}rad) scale(${n.scale})`,
              }}
            >
              <div
                className="replay-preview__label"
                style={{
                  padding: NOTE_LABEL_PADDING,
                  justifyContent: n.justify,
                  alignItems: n.alignItems,
                  textAlign: n.textAlign,
                  color: n.textColor,
                  fontSize: n.fontSize,
                  lineHeight: NOTE_LINE_HEIGHT,
                  fontFamily: PREVIEW_FONT_FAMILY,
                }}
              >
                {n.text ? <span>{n.text}</span> : null}
              </div>
            </div>
          ))}
        </div>
      ) : null}
      {camera && size ? (
        <ReplayBadgeLayer placements={notePlacements(board.notes, camera, size)} view={view} version={version} phase={phase} people={people} tasks={tasks} />
      ) : null}
    </div>
  )
}
