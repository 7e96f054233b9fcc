// Play/pause: each animation frame advances the moment by the real time elapsed × speed. With
// "skip quiet gaps", a stretch with no update is cut to GAP_KEPT_MS on each side of it.
import { useCallback, useEffect, useRef, useState } from 'react'

export const GAP_KEPT_MS = 1_000

export interface PlaybackOptions {
  moment: number
  start: number
  end: number
  speed: number
  skipGaps: boolean
  gaps: readonly { from: number; to: number }[]
  show(t: number): void
}

/** The moment after `t` once quiet gaps are compressed. */
export function skipQuiet(t: number, gaps: readonly { from: number; to: number }[]): number {
  for (const gap of gaps) {
    if (t > gap.from + GAP_KEPT_MS && t < gap.to - GAP_KEPT_MS) return gap.to - GAP_KEPT_MS
  }
  return t
}

export function usePlayback({ moment, start, end, speed, skipGaps, gaps, show }: PlaybackOptions) {
  const [playing, setPlaying] = useState(false)
  const momentRef = useRef(moment)
  momentRef.current = moment

  useEffect(() => {
    if (!playing) return
    let last = performance.now()
    let frame = requestAnimationFrame(function tick(now) {
      const elapsed = now - last
      last = now
      let t = momentRef.current + elapsed * speed
      if (skipGaps) t = skipQuiet(t, gaps)
      if (t >= end) {
        show(end)
        setPlaying(false)
        return
      }
      momentRef.current = t
      show(t)
      frame = requestAnimationFrame(tick)
    })
    return () => cancelAnimationFrame(frame)
  }, [playing, speed, skipGaps, gaps, end, show])

  const toggle = useCallback(() => {
    if (!playing && momentRef.current >= end) show(start)
    setPlaying(!playing)
  }, [playing, end, start, show])
  const pause = useCallback(() => setPlaying(false), [])
  return { playing, toggle, pause }
}
