// The timeline under the board: play/pause, speed, skip quiet gaps, step between events, and a
// scrubber with markers for phase changes, task creations and votes (tooltips on hover/focus).
import { memo, useMemo, useRef, type CSSProperties } from 'react'
import { PHASE_INFO } from '@sandbox/shared'
import type { TimelineEvent } from './replayApi.ts'

export const SPEEDS = [1, 4, 16, 64] as const
export type Speed = (typeof SPEEDS)[number]

export interface ReplayTimelineProps {
  start: number
  end: number
  moment: number
  /** Up to which moment the replay is loaded locally (the rest is fetched as needed). */
  loadedUntil: number
  events: readonly TimelineEvent[]
  playing: boolean
  speed: Speed
  skipGaps: boolean
  onSeek(t: number): void
  onTogglePlay(): void
  onSpeed(speed: Speed): void
  onSkipGaps(skip: boolean): void
  onStep(direction: -1 | 1): void
}

const pad = (n: number) => String(n).padStart(2, '0')
export function formatOffset(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(s / 3600)
  return h > 0 ? `${h}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${Math.floor(s / 60)}:${pad(s % 60)}`
}
const clock = (t: number) => new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })

interface Marker {
  kind: 'phase' | 'task' | 'vote' | 'reveal'
  at: number
  label: string
}

const VOTE_BUCKETS = 120

/** Phase and task markers one by one; votes grouped into buckets so a long session stays readable. */
function markersFor(events: readonly TimelineEvent[], start: number, end: number): Marker[] {
  const markers: Marker[] = []
  const span = Math.max(1, end - start)
  const votes = new Map<number, { at: number; count: number }>()
  for (const e of events) {
    if (e.type === 'phase') markers.push({ kind: 'phase', at: e.at, label: `Phase: ${PHASE_INFO[e.phase].label}` })
    else if (e.type === 'task') markers.push({ kind: 'task', at: e.at, label: `Task created: ${e.title}` })
    else if (e.type === 'reveal') markers.push({ kind: 'reveal', at: e.at, label: e.what === 'stickies' ? 'Private stickies revealed' : 'Votes revealed' })
    else if (e.type === 'vote' && e.delta > 0) {
      const bucket = Math.floor(((e.at - start) / span) * VOTE_BUCKETS)
      const entry = votes.get(bucket)
      if (entry) entry.count += e.delta
      else votes.set(bucket, { at: e.at, count: e.delta })
    }
  }
  for (const { at, count } of votes.values()) markers.push({ kind: 'vote', at, label: count === 1 ? '1 vote' : `${count} votes` })
  return markers.sort((a, b) => a.at - b.at)
}

export function ReplayTimeline(props: ReplayTimelineProps) {
  const { start, end, moment, loadedUntil, events, playing, speed, skipGaps } = props
  const span = Math.max(1, end - start)
  const markers = useMemo(() => markersFor(events, start, end), [events, start, end])
  const percent = (t: number) => `${(Math.min(Math.max(t - start, 0), span) / span) * 100}%`
  const onSeek = useRef(props.onSeek)
  onSeek.current = props.onSeek
  const seekRef = useRef((t: number) => onSeek.current(t)).current

  return (
    <section className="replay-timeline" aria-label="Timeline">
      <div className="replay-timeline__controls">
        <button type="button" className="button button--ghost button--small" onClick={() => props.onStep(-1)} aria-label="Previous event" title="Previous event">
          <StepIcon direction={-1} />
        </button>
        <button type="button" className="button button--primary button--small replay-timeline__play" onClick={props.onTogglePlay} aria-label={playing ? 'Pause' : 'Play'}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" className="button button--ghost button--small" onClick={() => props.onStep(1)} aria-label="Next event" title="Next event">
          <StepIcon direction={1} />
        </button>
        <div className="replay-timeline__speeds" role="radiogroup" aria-label="Speed">
          {SPEEDS.map((s) => (
            <button key={s} type="button" role="radio" aria-checked={s === speed} className={`speed${s === speed ? ' speed--on' : ''}`} onClick={() => props.onSpeed(s)}>
              {s}×
            </button>
          ))}
        </div>
        <label className="replay-timeline__skip">
          <input type="checkbox" checked={skipGaps} onChange={(e) => props.onSkipGaps(e.target.checked)} /> Skip quiet gaps
        </label>
        <span className="replay-timeline__time" aria-live="off">
          <span data-testid="replay-offset">{formatOffset(moment - start)}</span> / {formatOffset(end - start)}
          <span className="replay-timeline__clock"> · {clock(moment)}</span>
        </span>
      </div>
      <div className="replay-timeline__track">
        <div className="replay-timeline__loaded" style={{ width: percent(loadedUntil) }} aria-hidden="true" />
        <MarkerList markers={markers} start={start} span={span} onSeek={seekRef} />
        <input
          className="replay-timeline__scrubber"
          type="range"
          aria-label="Moment"
          aria-valuetext={`${formatOffset(moment - start)} into the session`}
          min={start}
          max={end}
          step={1}
          value={Math.min(Math.max(moment, start), end)}
          onChange={(e) => props.onSeek(Number(e.target.value))}
        />
      </div>
    </section>
  )
}

/** Hundreds of markers: rendered once per timeline, not on every frame of scrubbing. */
const MarkerList = memo(function MarkerList({ markers, start, span, onSeek }: { markers: Marker[]; start: number; span: number; onSeek(t: number): void }) {
  return (
    <ol className="replay-timeline__markers" aria-label="Events">
      {markers.map((m, i) => {
        const share = Math.min(Math.max(m.at - start, 0), span) / span
        return (
        <li key={`${m.kind}-${m.at}-${i}`} className={`marker marker--${m.kind}${share > 2 / 3 ? ' marker--late' : ''}`} style={{ left: `${share * 100}%` } as CSSProperties}>
          <button type="button" className="marker__dot" aria-label={`${m.label} at ${formatOffset(m.at - start)}`} data-tooltip={`${m.label} · ${formatOffset(m.at - start)}`} onClick={() => onSeek(m.at)} />
        </li>
        )
      })}
    </ol>
  )
})

/** Drawn, not a glyph: media-control characters are missing from many system fonts. */
function StepIcon({ direction }: { direction: -1 | 1 }) {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" style={direction < 0 ? { transform: 'scaleX(-1)' } : undefined}>
      <path d="M2 2l7 5-7 5z" fill="currentColor" />
      <rect x="10" y="2" width="2" height="10" fill="currentColor" />
    </svg>
  )
}
