// The balance of modes across a series of sessions, in the review: each session's time together
// against time apart, the series' total, who carried the tasks across it, and a plain reading of
// it (the article's question: is this team collaborating more than its problems need?).
// Shown once the session has a previous session or a follow-up.
import { useEffect, useState } from 'react'
import type { SeriesBalanceResponse } from '@sandbox/shared'
import '../styles/review-outcomes.css'
import { formatDuration } from './BalanceChart.tsx'
import { fetchSeriesBalance } from './reviewApi.ts'
import { useSession } from './SessionContext.ts'

/** What the split of time says, in one sentence a team can act on. */
export function readingOf(togetherMs: number, apartMs: number): string {
  const total = togetherMs + apartMs
  if (total === 0) return 'No time recorded yet.'
  const together = togetherMs / total
  if (together > 0.7) return 'Most of this team’s time is spent together. Ask whether every problem needs the whole group, or whether more of it can be split and done alone.'
  if (together < 0.3) return 'Most of this team’s time is spent apart. Make sure the regroups are long enough to review and decide together.'
  return 'Time together and time apart are in balance across these sessions.'
}

function ModesBar({ togetherMs, apartMs, label }: { togetherMs: number; apartMs: number; label: string }) {
  const total = togetherMs + apartMs
  const pct = total > 0 ? Math.round((togetherMs / total) * 100) : 50
  return (
    <div className="balance-modes__bar" role="img" aria-label={`${label}: together ${formatDuration(togetherMs)}, apart ${formatDuration(apartMs)}`}>
      <span className="balance-modes__together" style={{ width: `${pct}%` }} />
      <span className="balance-modes__apart" style={{ width: `${100 - pct}%` }} />
    </div>
  )
}

export function SeriesBalance() {
  const { sessionId, token } = useSession()
  const [data, setData] = useState<SeriesBalanceResponse | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    let live = true
    fetchSeriesBalance(sessionId, token).then(
      (d) => live && (setData(d), setError('')),
      (e: unknown) => live && setError((e as Error).message),
    )
    return () => {
      live = false
    }
  }, [sessionId, token])
  if (error) return <p className="field-error">{error}</p>
  if (!data || data.sessions.length < 2) return null
  const { series } = data
  const heavy = series.people.filter((p) => p.overloaded)
  return (
    <section className="panel-card balance" aria-labelledby="series-balance-title">
      <h3 id="series-balance-title" className="panel-card__title">
        Across the series ({data.sessions.length} sessions)
      </h3>
      <ol className="series-balance">
        {data.sessions.map((s) => (
          <li key={s.id} className={s.id === sessionId ? 'series-balance__row series-balance__row--current' : 'series-balance__row'}>
            <span className="series-balance__title">{s.title}</span>
            <ModesBar togetherMs={s.togetherMs} apartMs={s.apartMs} label={s.title} />
            <span className="series-balance__tasks">
              {s.done}/{s.tasks} done
            </span>
          </li>
        ))}
      </ol>
      <div className="balance-modes__legend">
        <span>
          <i className="swatch swatch--together" /> Together <strong>{formatDuration(series.togetherMs)}</strong>
        </span>
        <span>
          <i className="swatch swatch--apart" /> Apart <strong>{formatDuration(series.apartMs)}</strong>
        </span>
      </div>
      <p className="series-balance__reading">{readingOf(series.togetherMs, series.apartMs)}</p>
      {heavy.length > 0 ? (
        <p className="balance-warning" role="status">
          <strong>Overload across the series:</strong> {heavy.map((p) => `${p.name} owned ${p.tasksOwned} of ${series.totals.tasks} tasks`).join(', ')}, more than twice a fair share (
          {series.fairShare.toFixed(1)}).
        </p>
      ) : null}
    </section>
  )
}
