// The balance of modes in the review: time together against time apart, tasks per person (done
// and still open) with their fair share marked, and a warning when someone owns more than twice
// their share ("collaborative overload"). Plain SVG and CSS; the figures come from
// `GET /api/sessions/<id>/balance`, the same ones a series page reads.
import { useEffect, useState } from 'react'
import { OVERLOAD_FACTOR, overloaded, type SessionBalance, type Task } from '@sandbox/shared'
import '../styles/review-outcomes.css'
import { fetchBalance } from './reviewApi.ts'
import { useSession } from './SessionContext.ts'

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  if (ms > 0 && minutes < 1) return '< 1 min'
  if (minutes < 60) return `${minutes} min`
  const h = Math.floor(minutes / 60)
  return minutes % 60 ? `${h} h ${minutes % 60} min` : `${h} h`
}

const ROW_PX = 26
const LABEL_PX = 124
const BAR_PX = 150

function TasksPerPerson({ balance }: { balance: SessionBalance }) {
  const people = balance.people.filter((p) => p.tasksOwned > 0 || p.ideas > 0 || p.votes > 0)
  const max = Math.max(1, ...people.map((p) => p.tasksOwned), Math.ceil(OVERLOAD_FACTOR * balance.fairShare))
  const x = (n: number) => LABEL_PX + (n / max) * BAR_PX
  const height = people.length * ROW_PX + 18
  const share = balance.fairShare
  const summary = people.map((p) => `${p.name}: ${p.tasksOwned} task${p.tasksOwned === 1 ? '' : 's'}, ${p.tasksDone} done`).join('; ')
  return (
    <svg className="balance-bars" viewBox={`0 0 ${LABEL_PX + BAR_PX + 44} ${height}`} role="img" aria-label={`Tasks per person. ${summary}.`}>
      {people.map((p, i) => {
        const y = i * ROW_PX + 4
        return (
          <g key={p.participantId} className={p.overloaded ? 'balance-bars__row balance-bars__row--overloaded' : 'balance-bars__row'}>
            <text x={LABEL_PX - 8} y={y + 13} textAnchor="end" className="balance-bars__name">
              {p.name.length > 16 ? `${p.name.slice(0, 15)}…` : p.name}
            </text>
            <rect x={LABEL_PX} y={y} width={BAR_PX} height={18} rx={4} className="balance-bars__track" />
            <rect x={LABEL_PX} y={y} width={x(p.tasksOwned) - LABEL_PX} height={18} rx={4} className="balance-bars__owned" style={{ fill: p.color ?? undefined }} />
            <rect x={LABEL_PX} y={y} width={x(p.tasksDone) - LABEL_PX} height={18} rx={4} className="balance-bars__done" style={{ fill: p.color ?? undefined }} />
            <text x={LABEL_PX + BAR_PX + 6} y={y + 13} className="balance-bars__count">
              {p.tasksOwned}
              {p.overloaded ? ' ⚠' : ''}
            </text>
          </g>
        )
      })}
      {share > 0 ? (
        <g className="balance-bars__share">
          <line x1={x(share)} x2={x(share)} y1={0} y2={height - 16} />
          <text x={x(share)} y={height - 4} textAnchor="middle">
            fair share
          </text>
        </g>
      ) : null}
    </svg>
  )
}

export function BalanceChart({ tasks }: { tasks: readonly Task[] }) {
  const { sessionId, token } = useSession()
  const [balance, setBalance] = useState<SessionBalance | null>(null)
  const [error, setError] = useState('')
  // Refetch when a task moves, so the chart follows the board.
  const fingerprint = tasks.map((t) => `${t.id}:${t.ownerId ?? ''}:${t.status}`).join('|')
  useEffect(() => {
    let live = true
    fetchBalance(sessionId, token).then(
      (b) => live && (setBalance(b), setError('')),
      (e: unknown) => live && setError((e as Error).message),
    )
    return () => {
      live = false
    }
  }, [sessionId, token, fingerprint])

  const total = balance ? balance.togetherMs + balance.apartMs : 0
  const togetherPct = total > 0 && balance ? Math.round((balance.togetherMs / total) * 100) : 0
  const heavy = balance ? overloaded(balance) : []
  return (
    <section className="panel-card balance" aria-labelledby="balance-title">
      <h3 id="balance-title" className="panel-card__title">
        Balance of modes
      </h3>
      {error ? <p className="field-error">{error}</p> : null}
      {!balance && !error ? <p className="muted">Adding up the session…</p> : null}
      {balance ? (
        <>
          <div className="balance-modes" aria-label={`Together ${formatDuration(balance.togetherMs)}, apart ${formatDuration(balance.apartMs)}`} role="img">
            <div className="balance-modes__bar" aria-hidden="true">
              <span className="balance-modes__together" style={{ width: `${total > 0 ? togetherPct : 50}%` }} />
              <span className="balance-modes__apart" style={{ width: `${total > 0 ? 100 - togetherPct : 50}%` }} />
            </div>
            <div className="balance-modes__legend" aria-hidden="true">
              <span>
                <i className="swatch swatch--together" /> Together <strong>{formatDuration(balance.togetherMs)}</strong>
              </span>
              <span>
                <i className="swatch swatch--apart" /> Apart <strong>{formatDuration(balance.apartMs)}</strong>
              </span>
            </div>
          </div>
          {heavy.length > 0 ? (
            <p className="balance-warning" role="status">
              <strong>Overload:</strong> {heavy.map((p) => `${p.name} owns ${p.tasksOwned} tasks`).join(', ')}, more than twice a fair share (
              {balance.fairShare.toFixed(1)}). Hand some over before the next round.
            </p>
          ) : null}
          {balance.people.some((p) => p.tasksOwned > 0) ? <TasksPerPerson balance={balance} /> : <p className="muted">No one owns a task yet.</p>}
          <p className="balance-legend" aria-hidden="true">
            Tasks owned: solid part done, light part still open.
          </p>
          <table className="balance-people">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Ideas</th>
                <th scope="col">Votes</th>
                <th scope="col">Done</th>
                <th scope="col" title="From the start of execute to their first task in progress">First start</th>
              </tr>
            </thead>
            <tbody>
              {balance.people.map((p) => (
                <tr key={p.participantId}>
                  <th scope="row">{p.name}</th>
                  <td>{p.ideas}</td>
                  <td>{p.votes}</td>
                  <td>
                    {p.tasksDone}/{p.tasksOwned}
                  </td>
                  <td>{p.msToFirstDoing !== null ? formatDuration(p.msToFirstDoing) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  )
}
